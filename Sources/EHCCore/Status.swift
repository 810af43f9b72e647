/// The LA's own statuses (SPEC §3). `cancelled` may come from any point.
public enum LAStatus: String, Sendable, CaseIterable, Codable {
    case requested, cancelled, accepted, returned

    /// Rank on the forward path; `nil` for `cancelled`, which is allowed from anywhere.
    var rank: Int? {
        switch self {
        case .requested: return 0
        case .returned: return 1
        case .accepted: return 2
        case .cancelled: return nil
        }
    }
}

/// The provider's own statuses. `not_known` is an answer, like `submitted`.
public enum ProviderStatus: String, Sendable, CaseIterable, Codable {
    case acknowledged, in_progress, submitted, not_known

    var rank: Int {
        switch self {
        case .acknowledged: return 0
        case .in_progress: return 1
        case .submitted, .not_known: return 2
        }
    }

    /// True for the two answers that stop the provider's clock.
    public var isAnswer: Bool { self == .submitted || self == .not_known }
}

/// The canonical services of SPEC §3. A feed's `values` map turns local names into these.
public enum Service: String, Sendable, CaseIterable, Codable {
    case communityPaediatrics = "community-paediatrics"
    case salt, ot, physio, camhs
    case healthVisiting = "health-visiting"
    case schoolNursing = "school-nursing"
    case dmo, other
}

/// Reg 8(2) exceptions: the only lawful reasons for advice to be later than 6 weeks.
public enum AdviceException: String, Sendable, CaseIterable, Codable {
    case exceptional_circumstances, absent_from_area, missed_appointment
}

/// A disagreement about the health advice or provision, as the LA records it.
public enum DisputeState: String, Sendable, CaseIterable, Codable {
    case none, open, resolved
}
