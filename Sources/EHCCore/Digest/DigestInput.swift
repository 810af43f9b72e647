import Foundation

/// Everything the daily digest (SPEC §5) is made from, gathered by the I/O layer.
/// The digest is a pure function of this value: the day is given, nothing reads a clock.
public struct DigestInput: Sendable {
    /// The local day the digest is for; every "today" in it is this day.
    public var date: CivilDate
    public var generatedAt: Timestamp
    /// The recipient's key in the config (`dco`), as the JSON names it.
    public var recipient: String
    /// The recipient's name for people ("Dr A Patel, DCO"), when the config gives one.
    public var recipientName: String?
    /// The configured `timezone`: times are shown in it, with its name (GMT, BST).
    public var timeZone: TimeZone
    /// Services by name, with the place's `notices.service_names`.
    public var serviceNames: ServiceNames
    /// Every record, with its view on `date`.
    public var records: [(AdviceState, DeadlineView)]
    public var openConflicts: [DigestConflict]
    /// The date of this recipient's last digest: answers on or after it are "answered
    /// since". `nil` (no digest yet): the 7 days before `date`.
    public var answeredSince: CivilDate?
    /// Every configured feed; the digest lists those that need attention (`DigestFeed.needsAttention`).
    public var feeds: [DigestFeed]
    /// Notices that finally failed to deliver.
    public var failedNotices: [DigestFailedNotice]
    /// `notices.include_identifiers`: add names, NHS numbers and dates of birth.
    public var includeIdentifiers: Bool
    /// At most this many rows per section in the text and HTML renderings, the rest
    /// counted with a pointer to `ehcsync advice list`; the JSON always has every item.
    public var rowLimit: Int

    public init(date: CivilDate, generatedAt: Timestamp, recipient: String, records: [(AdviceState, DeadlineView)],
                openConflicts: [DigestConflict] = [], answeredSince: CivilDate? = nil, feeds: [DigestFeed] = [],
                failedNotices: [DigestFailedNotice] = [], includeIdentifiers: Bool = false, rowLimit: Int = 1000,
                recipientName: String? = nil, timeZone: TimeZone = DigestInput.london,
                serviceNames: ServiceNames = ServiceNames()) {
        self.date = date
        self.generatedAt = generatedAt
        self.recipient = recipient
        self.records = records
        self.openConflicts = openConflicts
        self.answeredSince = answeredSince
        self.feeds = feeds
        self.failedNotices = failedNotices
        self.includeIdentifiers = includeIdentifiers
        self.rowLimit = rowLimit
        self.recipientName = recipientName
        self.timeZone = timeZone
        self.serviceNames = serviceNames
    }

    /// The product's default `timezone`.
    public static let london = TimeZone(identifier: "Europe/London") ?? .gmt
}
