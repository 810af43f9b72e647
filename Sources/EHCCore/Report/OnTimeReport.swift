/// `ehcsync report` (SPEC §9) as a pure function of the records and the range.
///
/// Counting, per group:
/// - `due`: requests whose statutory due date (`DeadlineView.dueOn`) falls in
///   `[from, to]`. Cancelled requests are left out entirely.
/// - `onTime` / `late`: those answered (see `AnswerOutcome`) on or before / after the
///   statutory due date; a late answer with a reg 8(2) exception counts in `late` and
///   also in `lateWithException`.
/// - `stillOutstanding`: not answered by `today` and not cancelled.
/// - A request the LA accepted without any known day of answer counts in `due` only.
/// - `pctOnTime = onTime / (onTime + late) × 100`, to one decimal.
/// - `medianDaysToAnswer`: from `received_on` (else `requested_on`) to the answer.
///
/// One pass over the records, then one sort of the groups and one sort of each
/// group's answer times, so a million records take a fraction of a second.
public enum OnTimeReport {
    public static func rows(records: [(AdviceState, DeadlineView)], from: CivilDate, to: CivilDate,
                            by grouping: ReportGrouping, today: CivilDate) -> [ReportRow] {
        var index: [String: Int] = [:]
        var tallies: [Tally] = []
        for (state, view) in records {
            guard let due = view.dueOn, from <= due, due <= to else { continue }
            let outcome = AnswerOutcome.of(state, view, today: today)
            if outcome == .cancelled { continue }
            let key = groupKey(state, due: due, by: grouping)
            let slot: Int
            if let found = index[key] {
                slot = found
            } else {
                slot = tallies.count
                index[key] = slot
                tallies.append(Tally(group: key))
            }
            tallies[slot].add(outcome, state: state, exception: view.exception != nil)
        }
        return tallies.sorted { $0.group < $1.group }.map { $0.finished() }
    }

    /// The group a record falls in. A record without a provider or service is grouped
    /// under `(unknown)` rather than dropped, so the totals still add up.
    static func groupKey(_ state: AdviceState, due: CivilDate, by grouping: ReportGrouping) -> String {
        switch grouping {
        case .provider: return state.value(.provider_ods) ?? unknownGroup
        case .service: return state.value(.service) ?? unknownGroup
        case .month:
            let c = due.components
            return CivilDate.pad(c.year, 4) + "-" + CivilDate.pad(c.month, 2)
        }
    }

    static let unknownGroup = "(unknown)"

    /// Running counts for one group.
    struct Tally {
        var row: ReportRow
        var days: [Int] = []

        init(group: String) { row = ReportRow(group: group) }
        var group: String { row.group }

        mutating func add(_ outcome: AnswerOutcome, state: AdviceState, exception: Bool) {
            row.due += 1
            switch outcome {
            case .answered(let day, let onTime):
                if onTime {
                    row.onTime += 1
                } else {
                    row.late += 1
                    if exception { row.lateWithException += 1 }
                }
                if let d = AnswerOutcome.daysToAnswer(state, answered: day) { days.append(d) }
            case .outstanding:
                row.stillOutstanding += 1
            case .answeredUndated, .cancelled:
                break
            }
        }

        func finished() -> ReportRow {
            var out = row
            out.pctOnTime = DecimalText.percent(row.onTime, of: row.onTime + row.late)
            out.medianDaysToAnswer = OnTimeReport.median(days)
            return out
        }
    }

    /// The middle value, or the mean of the two middle values; `nil` for none.
    static func median(_ values: [Int]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? Double(sorted[mid]) : Double(sorted[mid - 1] + sorted[mid]) / 2
    }
}
