/// The sentences `ehcsync report` prints around its table, so that every rate it shows
/// names its measure and its days (SPEC §5), and an empty range says so in words.
public enum ReportText {
    /// "On-time health advice by provider, for requests due 1 October to 22 November
    /// 2026." with a note when the range runs on past yesterday.
    public static func heading(from: CivilDate, to: CivilDate, today: CivilDate, by grouping: ReportGrouping) -> [String] {
        guard let last = OnTimeRate.lastCountedDay(from: from, to: to, today: today) else {
            return ["On-time health advice by \(grouping.rawValue), for requests due \(PlainWords.range(from, to))."]
        }
        var out = ["On-time health advice by \(grouping.rawValue), for requests due \(PlainWords.range(from, last))."]
        if last < to {
            out.append("Requests due from \(PlainWords.shortDate(today)) on are not counted yet: their outcome is not known.")
        }
        return out
    }

    /// What the columns mean, in one short paragraph.
    public static let meaning = [
        "due: not cancelled, due in those days and before today. on_time: answered on or before the due date.",
        "late: the rest (answered late or not yet answered); late_with_exception and still_outstanding are part of it.",
        "pct_on_time = on_time / due; pct_on_time_excluding_exceptions leaves out the late ones with a reg 8(2) exception.",
    ]

    /// The sentence for a range with no due request, instead of an empty table.
    public static func empty(from: CivilDate, to: CivilDate, today: CivilDate) -> String {
        guard let last = OnTimeRate.lastCountedDay(from: from, to: to, today: today) else {
            return "No request can be counted yet: the days \(PlainWords.range(from, to)) are not before today "
                + "(\(PlainWords.shortDate(today))), so no outcome is known and there is no on-time rate."
        }
        let days = from == last ? "on " + PlainWords.shortDate(from) : "from " + PlainWords.range(from, last)
        return "No request fell due \(days) (cancelled ones are not counted), so there is no on-time rate for those days."
    }

    /// "All: 26.7% on time (4 of 15 due); excluding reg 8(2) exceptions 30.8% (4 of 13)."
    public static func total(_ r: OnTimeRate) -> String {
        "All: \(PlainWords.percent(r.pct)) on time (\(r.onTime) of \(r.due) due); excluding reg 8(2) exceptions "
            + "\(PlainWords.percent(r.pctExcludingExceptions)) (\(r.onTime) of \(r.dueExcludingExceptions))."
    }
}
