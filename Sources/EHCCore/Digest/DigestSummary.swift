/// The digest's counts (SPEC §6 `summary`), also the source of its subject line.
public struct DigestSummary: Sendable, Equatable {
    /// Records in state `open` (not answered, not yet due soon).
    public var open: Int
    public var dueSoon: Int
    public var overdue: Int
    /// The overdue ones with a reg 8(2) exception, counted apart.
    public var overdueWithException: Int
    public var disputed: Int
    public var conflicts: Int
    public var answeredSince: Int
    /// Feeds that need attention: failing, silent, part read, or with files never taken.
    public var feedsNeedingAttention: Int
    public var failedNotices: Int
    /// The whole place's on-time figures for the quarter so far (SPEC §5, see `OnTimeRate`).
    public var onTimeQuarter: OnTimeRate

    public init(open: Int = 0, dueSoon: Int = 0, overdue: Int = 0, overdueWithException: Int = 0, disputed: Int = 0,
                conflicts: Int = 0, answeredSince: Int = 0, feedsNeedingAttention: Int = 0, failedNotices: Int = 0,
                onTimeQuarter: OnTimeRate = OnTimeRate(group: "all")) {
        self.open = open
        self.dueSoon = dueSoon
        self.overdue = overdue
        self.overdueWithException = overdueWithException
        self.disputed = disputed
        self.conflicts = conflicts
        self.answeredSince = answeredSince
        self.feedsNeedingAttention = feedsNeedingAttention
        self.failedNotices = failedNotices
        self.onTimeQuarter = onTimeQuarter
    }

    /// "EHC Sync: 3 overdue, 2 due soon, 1 disputed": what needs doing, zero parts left
    /// out, "nothing overdue" when nothing does. "Due soon" rather than "this week"
    /// because the window is `due_soon_days`, which a place may set to anything.
    public var subject: String {
        var parts: [String] = []
        if overdue > 0 { parts.append("\(overdue) overdue") }
        if dueSoon > 0 { parts.append("\(dueSoon) due soon") }
        if disputed > 0 { parts.append("\(disputed) disputed") }
        if conflicts > 0 { parts.append(PlainWords.count(conflicts, "open conflict")) }
        if feedsNeedingAttention > 0 { parts.append(PlainWords.count(feedsNeedingAttention, "feed") + " needing attention") }
        if failedNotices > 0 { parts.append(PlainWords.count(failedNotices, "notice") + " undelivered") }
        return "EHC Sync: " + (parts.isEmpty ? "nothing overdue" : parts.joined(separator: ", "))
    }
}
