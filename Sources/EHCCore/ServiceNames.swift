/// Services as people say them ("Speech and language therapy", not `salt`), for
/// everything a person reads: SPEC §3's codes with the names below, which a place may
/// override with `notices.service_names`. A value that is not a known code (a feed's
/// unmapped local name) is shown as it is.
public struct ServiceNames: Sendable, Equatable {
    /// The place's own names, by canonical code; these win over the defaults.
    public var overrides: [String: String]

    public init(overrides: [String: String] = [:]) {
        self.overrides = overrides
    }

    /// The names used when a place sets none.
    public static let defaults: [Service: String] = [
        .communityPaediatrics: "Community paediatrics",
        .salt: "Speech and language therapy",
        .ot: "Occupational therapy",
        .physio: "Physiotherapy",
        .camhs: "CAMHS (child and adolescent mental health)",
        .healthVisiting: "Health visiting",
        .schoolNursing: "School nursing",
        .dmo: "Designated medical officer",
        .other: "Other",
    ]

    /// The name of `code`: the place's, else the default, else the code itself.
    public func name(_ code: String) -> String {
        if let own = overrides[code] { return own }
        if let service = Service(rawValue: code), let name = Self.defaults[service] { return name }
        return code
    }
}
