/// `ehcsync report` (SPEC §9) as a pure function of the records and the range, counted
/// with SPEC §5's one on-time measure (`OnTimeRate`), exactly as the digest counts.
///
/// Per group: `due`, `on_time`, `late` (answered late or not answered),
/// `late_with_exception` and `still_outstanding` (both parts of `late`),
/// `pct_on_time` (on time ÷ due), `pct_on_time_excluding_exceptions`, and
/// `median_days_to_answer` (from `received_on`, else `requested_on`, to the answer,
/// over the due requests answered by `today`).
///
/// One pass over the records, then one sort of the groups and one sort of each
/// group's answer times, so a million records take a fraction of a second.
public enum OnTimeReport {
    /// One row per group, in name order, for requests due in `[from, to]` and before
    /// `today`; none when no request is due.
    public static func rows(records: [(AdviceState, DeadlineView)], from: CivilDate, to: CivilDate,
                            by grouping: ReportGrouping, today: CivilDate) -> [ReportRow] {
        var groups = Groups()
        // Borrow the records rather than copy them: a copy retains the state's
        // dictionaries, which on a million records costs more than the counting.
        records.withUnsafeBufferPointer { records in
            for i in records.indices {
                let view = records[i].1
                guard OnTimeRate.isDue(view, from: from, to: to, today: today), let due = view.dueOn else { continue }
                let outcome = AnswerOutcome.of(records[i].0, view, today: today)
                if outcome == .cancelled { continue }
                let slot: Int
                switch grouping {
                case .month: slot = groups.slot(month: due)
                case .provider: slot = groups.slot(name: records[i].0.value(.provider_ods) ?? unknownGroup)
                case .service: slot = groups.slot(name: records[i].0.value(.service) ?? unknownGroup)
                }
                var days: Int?
                if case .answered(let day, _) = outcome { days = AnswerOutcome.daysToAnswer(records[i].0, answered: day) }
                groups.tallies[slot].add(outcome, daysToAnswer: days, exception: view.exception != nil)
            }
        }
        return groups.tallies.sorted { $0.group < $1.group }.map { $0.finished() }
    }

    /// The whole place's figures for the same requests as `rows`: the sum of the rows,
    /// which is what the digest's summary shows for the quarter so far.
    public static func total(_ rows: [ReportRow]) -> OnTimeRate {
        var all = OnTimeRate(group: "all")
        for row in rows { all.add(row.rate) }
        return all
    }

    /// The groups seen so far, each in a slot found by name or, for months, by number
    /// (so no month's name is built per record).
    struct Groups {
        var tallies: [Tally] = []
        var slotOfName: [String: Int] = [:]
        var slotOfMonth: [Int: Int] = [:]

        mutating func slot(name: String) -> Int {
            if let found = slotOfName[name] { return found }
            slotOfName[name] = tallies.count
            tallies.append(Tally(group: name))
            return tallies.count - 1
        }

        mutating func slot(month due: CivilDate) -> Int {
            let c = due.components
            let key = c.year * 12 + c.month
            if let found = slotOfMonth[key] { return found }
            slotOfMonth[key] = tallies.count
            tallies.append(Tally(group: CivilDate.pad(c.year, 4) + "-" + CivilDate.pad(c.month, 2)))
            return tallies.count - 1
        }
    }

    /// A record without a provider or service is grouped under this rather than
    /// dropped, so the totals still add up.
    static let unknownGroup = "(unknown)"

    /// Running counts for one group.
    struct Tally {
        var rate: OnTimeRate
        var days: [Int] = []

        init(group: String) { rate = OnTimeRate(group: group) }
        var group: String { rate.group }

        mutating func add(_ outcome: AnswerOutcome, daysToAnswer: Int?, exception: Bool) {
            rate.add(outcome, exception: exception)
            if let daysToAnswer { days.append(daysToAnswer) }
        }

        func finished() -> ReportRow { ReportRow(rate: rate, medianDaysToAnswer: OnTimeReport.median(days)) }
    }

    /// The middle value, or the mean of the two middle values; `nil` for none.
    static func median(_ values: [Int]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? Double(sorted[mid]) : Double(sorted[mid - 1] + sorted[mid]) / 2
    }
}
