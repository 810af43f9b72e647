/// Builds the daily digest (SPEC §5) from its input: one pass over the records to
/// sort them into sections and count them, then one sort per section. Pure: the day
/// is the input's `date`, nothing reads a clock. The on-time rates are SPEC §5's one
/// measure (`OnTimeRate`) over the quarter so far, the same figures `ehcsync report`
/// gives for those days.
public enum DigestBuilder {
    /// The digest for `input.recipient` on `input.date`.
    public static func build(_ input: DigestInput) -> Digest {
        let today = input.date
        let since = input.answeredSince ?? today.adding(days: -7)
        let quarterStart = today.quarterStart
        var conflictsPerRequest: [String: Int] = [:]
        for c in input.openConflicts {
            if let id = c.requestID { conflictsPerRequest[id, default: 0] += 1 }
        }

        var overdue: [Int] = [], dueSoon: [Int] = [], disputed: [Int] = [], answered: [Int] = []
        var summary = DigestSummary()
        var byProvider = OnTimeRateTable(), byService = OnTimeRateTable()
        let records = input.records
        // Borrow the records rather than copy them: a copy retains the state's
        // dictionaries, which on a million records costs more than all the rest.
        records.withUnsafeBufferPointer { records in
            for i in records.indices {
                let view = records[i].1
                switch view.state {
                case .open:
                    summary.open += 1
                case .due_soon:
                    dueSoon.append(i)
                case .overdue:
                    overdue.append(i)
                    if view.exception != nil { summary.overdueWithException += 1 }
                case .answered, .closed:
                    if let day = view.answeredOn, since <= day, day <= today { answered.append(i) }
                case .cancelled:
                    break
                }
                if view.disputed, view.state != .cancelled { disputed.append(i) }
                if OnTimeRate.isDue(view, from: quarterStart, to: today, today: today) {
                    let outcome = AnswerOutcome.of(records[i].0, view, today: today)
                    let exception = view.exception != nil
                    if summary.onTimeQuarter.add(outcome, exception: exception) {
                        byProvider.add(records[i].0.value(.provider_ods) ?? OnTimeReport.unknownGroup, outcome, exception: exception)
                        byService.add(records[i].0.value(.service) ?? OnTimeReport.unknownGroup, outcome, exception: exception)
                    }
                }
            }
        }

        // Sort keys are gathered once, so comparing never touches the records themselves;
        // a section keeps positions, not copies.
        func section(_ indices: [Int], by date: (DeadlineView) -> CivilDate?) -> DigestRecordList {
            var keys = records.withUnsafeBufferPointer { records in
                indices.map { i in
                    RecordSortKey(day: date(records[i].1)?.daysSinceEpoch ?? .max, id: records[i].0.requestID, index: i)
                }
            }
            keys.sort()
            return DigestRecordList(records: records, order: keys.map(\.index), openConflicts: conflictsPerRequest)
        }

        summary.dueSoon = dueSoon.count
        summary.overdue = overdue.count
        summary.disputed = disputed.count
        summary.conflicts = input.openConflicts.count
        summary.answeredSince = answered.count
        let feeds = input.feeds.filter(\.needsAttention)
        summary.feedsNeedingAttention = feeds.count
        summary.failedNotices = input.failedNotices.count

        return Digest(
            date: today, generatedAt: input.generatedAt, recipient: input.recipient, recipientName: input.recipientName,
            timeZone: input.timeZone, serviceNames: input.serviceNames,
            includeIdentifiers: input.includeIdentifiers, rowLimit: input.rowLimit,
            answeredSince: since, quarterStart: quarterStart, summary: summary,
            overdue: section(overdue, by: \.workingDueOn), dueSoon: section(dueSoon, by: \.workingDueOn),
            disputed: section(disputed, by: \.workingDueOn), answered: section(answered, by: \.answeredOn),
            conflicts: input.openConflicts.sorted { ($0.openedAt, $0.id) < ($1.openedAt, $1.id) },
            feeds: feeds,
            failedNotices: input.failedNotices.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) },
            onTimeByProvider: byProvider.sorted, onTimeByService: byService.sorted)
    }
}
