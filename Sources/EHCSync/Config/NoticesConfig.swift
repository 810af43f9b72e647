/// When reminders, escalations and digests are made and who gets them (SPEC §5).
/// Recipient names here are all defined recipients: the loader rejects unknown
/// names written in the file and drops default names the file does not define.
public struct NoticesConfig: Sendable, Equatable {
    /// Days before `due_on` in which a record counts as `due_soon`.
    public var dueSoonDays: Int
    /// For each offset, one reminder per record that many days before it is due.
    public var remindersBeforeDueDays: [Int]
    /// Escalation steps, each once per record when that many days overdue.
    public var escalations: [EscalationStep]
    /// Who hears at once of identity mismatches and undelivered advice.
    public var conflictsTo: [String]
    /// Who hears at once of disputes.
    public var disputesTo: [String]
    /// The daily digest.
    public var digest: DigestConfig
    /// Whether notices may carry names, NHS numbers and dates of birth (only for
    /// channels that stay inside a secure network).
    public var includeIdentifiers: Bool
    /// `service_names`: the place's own names for services, by canonical code; the
    /// rest keep `ServiceNames.defaults`.
    public var serviceNames: [String: String]

    public init(
        dueSoonDays: Int = 7, remindersBeforeDueDays: [Int] = [14, 7, 2],
        escalations: [EscalationStep] = EscalationStep.defaults, conflictsTo: [String] = ["dco"],
        disputesTo: [String] = ["dco"], digest: DigestConfig = DigestConfig(), includeIdentifiers: Bool = false,
        serviceNames: [String: String] = [:]
    ) {
        self.dueSoonDays = dueSoonDays
        self.remindersBeforeDueDays = remindersBeforeDueDays
        self.escalations = escalations
        self.conflictsTo = conflictsTo
        self.disputesTo = disputesTo
        self.digest = digest
        self.includeIdentifiers = includeIdentifiers
        self.serviceNames = serviceNames
    }
}
