import Foundation

/// The daily digest for one recipient (SPEC §5): what is overdue, due soon and
/// disputed, the open conflicts, what was answered since the last digest, feeds and
/// deliveries that need a person, and this quarter's on-time rates. Built by
/// `DigestBuilder`, rendered as text, HTML and JSON.
///
/// No child is named unless `includeIdentifiers`: rows carry references, provider,
/// service, dates, states and flags.
public struct Digest: Sendable {
    public var date: CivilDate
    public var generatedAt: Timestamp
    /// The recipient's key (`dco`).
    public var recipient: String
    /// The recipient's name for people, when the config gives one.
    public var recipientName: String?
    /// Times are shown in this zone, with its name.
    public var timeZone: TimeZone
    public var serviceNames: ServiceNames
    public var includeIdentifiers: Bool
    /// Rows per section in text and HTML; the JSON has every item.
    public var rowLimit: Int
    /// Answers on or after this day are listed as "answered since".
    public var answeredSince: CivilDate
    /// The first day of the quarter the on-time rates cover.
    public var quarterStart: CivilDate
    public var summary: DigestSummary
    /// Oldest due first (by the date now worked to).
    public var overdue: DigestRecordList
    /// Soonest due first.
    public var dueSoon: DigestRecordList
    public var disputed: DigestRecordList
    /// In the order answered.
    public var answered: DigestRecordList
    /// Oldest first.
    public var conflicts: [DigestConflict]
    /// Only feeds that need attention (`DigestFeed.needsAttention`), in config order.
    public var feeds: [DigestFeed]
    public var failedNotices: [DigestFailedNotice]
    /// SPEC §5's measure for the quarter so far, by provider and by service code.
    public var onTimeByProvider: [OnTimeRate]
    public var onTimeByService: [OnTimeRate]

    /// "EHC Sync: 3 overdue, 2 due soon, 1 disputed" (see `DigestSummary.subject`).
    public var subject: String { summary.subject }

    /// The last due day the on-time rates count (the day before the digest's), or `nil`
    /// on the first day of a quarter, when nothing can be counted yet.
    public var onTimeLastDay: CivilDate? {
        OnTimeRate.lastCountedDay(from: quarterStart, to: date, today: date)
    }

    /// The days the rates cover, in words: "due 1 October to 22 November 2026".
    var onTimeDays: String {
        guard let last = onTimeLastDay else { return "due since \(PlainWords.shortDate(quarterStart))" }
        return "due " + PlainWords.range(quarterStart, last)
    }

    /// The title line: the day.
    var title: String { "EHC Sync digest, \(PlainWords.longDate(date))" }

    /// Who it is for: the recipient's name, else its key.
    var forLine: String { "For " + (recipientName ?? recipient) }

    /// The summary people read first, a sentence a line.
    var summaryLines: [String] {
        let s = summary
        var first = s.overdue == 0 ? "Nothing overdue"
            : PlainWords.count(s.overdue, "request") + " overdue"
                + (s.overdueWithException > 0 ? " (\(s.overdueWithException) with a reg 8(2) exception)" : "")
        first += ", \(s.dueSoon) due soon, \(s.disputed) disputed, " + PlainWords.count(s.conflicts, "open conflict") + "."
        var lines = [first]
        lines.append("\(s.answeredSince) answered since \(PlainWords.shortDate(answeredSince)); \(s.open) open and not yet due soon.")
        var attention: [String] = []
        if s.feedsNeedingAttention > 0 {
            attention.append(PlainWords.count(s.feedsNeedingAttention, "feed") + (s.feedsNeedingAttention == 1 ? " needs" : " need")
                             + " attention.")
        }
        if s.failedNotices > 0 {
            attention.append(PlainWords.count(s.failedNotices, "notice") + " could not be delivered.")
        }
        if !attention.isEmpty { lines.append(attention.joined(separator: " ")) }
        lines.append(Self.rateSentence(summary.onTimeQuarter, lead: "On time this quarter", days: onTimeDays))
        return lines
    }

    /// "On time this quarter, requests due 1 October to 22 November 2026: 26.7% (4 of
    /// 15 due); excluding reg 8(2) exceptions 30.8% (4 of 13)."
    static func rateSentence(_ r: OnTimeRate, lead: String, days: String) -> String {
        guard r.due > 0 else { return "\(lead), requests \(days): none due yet." }
        return "\(lead), requests \(days): \(PlainWords.percent(r.pct)) (\(r.onTime) of \(r.due) due); "
            + "excluding reg 8(2) exceptions \(PlainWords.percent(r.pctExcludingExceptions)) "
            + "(\(r.onTime) of \(r.dueExcludingExceptions))."
    }

    /// Closing notes: how the rate is counted, and whether children are named.
    var notes: [String] {
        ["On-time rate: requests answered on or before their statutory due date (6 weeks from receipt), divided by "
            + "the requests, not cancelled, that fell due on the days named. Late means answered late or not yet "
            + "answered. Excluding reg 8(2) exceptions leaves out the late requests that have one. EHC Sync's report "
            + "(ehcsync report) gives the same figures for any days.",
         includeIdentifiers
            ? "This message names children. Keep it inside the secure network."
            : "Children are not named in this message: use the request or case reference to find a record.",
         "Generated by EHC Sync at \(PlainWords.localTime(generatedAt, in: timeZone)) on "
            + "\(PlainWords.shortDate(generatedAt.localDate(in: timeZone)))."]
    }
}
