/// Which side a feed speaks for. The LA sends requests; providers answer them.
public enum Role: String, Sendable, CaseIterable, Codable {
    case la
    case provider

    /// The other side, used when a field's owner is compared with the non-owner.
    public var other: Role { self == .la ? .provider : .la }
}
