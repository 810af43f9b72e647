/// The counting rules of SPEC §4–§5 (`rules:` in the config). Defaults are the law
/// (6 weeks, reg 8(1)) and the product's conventions.
public struct AdviceRules: Sendable, Equatable {
    /// Weeks a provider has from receiving the request (`due_on = received_on + 7 × this`).
    public var adviceWeeks: Int
    /// Days after a provider's `submitted_on` before a missing LA receipt is a conflict.
    public var deliveryGraceDays: Int
    /// Days a provider has to answer again after the LA returns advice for amendment.
    public var amendmentDays: Int
    /// How far a side's stated `due_on` may differ from the statutory one before it is a conflict.
    public var dueDateToleranceDays: Int

    public init(adviceWeeks: Int = 6, deliveryGraceDays: Int = 5, amendmentDays: Int = 14, dueDateToleranceDays: Int = 2) {
        self.adviceWeeks = adviceWeeks
        self.deliveryGraceDays = deliveryGraceDays
        self.amendmentDays = amendmentDays
        self.dueDateToleranceDays = dueDateToleranceDays
    }
}

/// The reconciled state of one advice request: what each side has said, kept apart,
/// so the standing values can always be derived whatever order the feeds were read in.
public struct AdviceState: Sendable, Equatable {
    public var requestID: String
    /// Values the LA has stated (status excluded).
    public var la: FieldValues
    /// Values the provider has stated (status excluded), kept even where the LA owns
    /// the field, so that a disagreement can be seen and can close when it ends.
    public var provider: FieldValues
    public var laStatus: LAStatus?
    public var providerStatus: ProviderStatus?
    /// The day the provider's status last changed.
    public var providerStatusOn: CivilDate?
    /// The day the provider first answered (`submitted_on`, else the day the answer arrived).
    public var answeredOn: CivilDate?
    /// The LA returned the advice and the provider has not reported since.
    public var awaitingAmendment: Bool
    /// When the LA's cancellation took effect (its `updated_at`, else when it arrived).
    public var cancelledAt: Timestamp?
    /// The newest provider report applied (its `updated_at`, else when it arrived).
    /// With `cancelledAt` it decides rule 7 whatever order the feeds were read in.
    public var providerReportedAt: Timestamp?

    public init(requestID: String, la: FieldValues = [:], provider: FieldValues = [:],
                laStatus: LAStatus? = nil, providerStatus: ProviderStatus? = nil, providerStatusOn: CivilDate? = nil,
                answeredOn: CivilDate? = nil, awaitingAmendment: Bool = false, cancelledAt: Timestamp? = nil,
                providerReportedAt: Timestamp? = nil) {
        self.requestID = requestID
        self.la = la
        self.provider = provider
        self.laStatus = laStatus
        self.providerStatus = providerStatus
        self.providerStatusOn = providerStatusOn
        self.answeredOn = answeredOn
        self.awaitingAmendment = awaitingAmendment
        self.cancelledAt = cancelledAt
        self.providerReportedAt = providerReportedAt
    }

    public func side(_ role: Role) -> FieldValues { role == .la ? la : provider }

    /// The value that stands: the owner's; for identity fields the LA's, else the provider's.
    public func value(_ field: CanonicalField) -> String? {
        switch field.owner {
        case .side(let owner): return side(owner)[field]
        case .both: return la[field] ?? provider[field]
        case .derived, .each: return la[field] ?? provider[field]
        }
    }

    public func date(_ field: CanonicalField) -> CivilDate? { value(field).flatMap { CivilDate(iso: $0) } }

    /// The record's status, derived from both sides (SPEC §3), so feed order never matters.
    public var status: String {
        if laStatus == .cancelled { return LAStatus.cancelled.rawValue }
        if laStatus == .accepted { return LAStatus.accepted.rawValue }
        if laStatus == .returned && awaitingAmendment { return LAStatus.returned.rawValue }
        if let providerStatus { return providerStatus.rawValue }
        return (laStatus ?? .requested).rawValue
    }

    /// Answered: the provider has submitted advice or said the child is not known, and
    /// is not re-working it after a return.
    public var isAnswered: Bool {
        guard let providerStatus, !awaitingAmendment else { return false }
        return providerStatus.isAnswer
    }

    /// `received_on + advice_weeks`, from `requested_on` when the provider has not said
    /// when it received the request.
    public func statutoryDueOn(_ rules: AdviceRules) -> CivilDate? {
        (date(.received_on) ?? date(.requested_on))?.adding(days: rules.adviceWeeks * 7)
    }

    /// The date the provider is working to now: the amendment date after a return.
    public func workingDueOn(_ rules: AdviceRules) -> CivilDate? {
        if laStatus == .returned, let returned = date(.returned_on) {
            return returned.adding(days: rules.amendmentDays)
        }
        return statutoryDueOn(rules)
    }

    public var isDisputed: Bool { la[.dispute] == DisputeState.open.rawValue }
    public var exception: AdviceException? { provider[.exception].flatMap(AdviceException.init(rawValue:)) }
}
