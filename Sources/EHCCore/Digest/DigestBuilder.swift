/// Builds the daily digest (SPEC §5) from its input: one pass over the records to
/// sort them into sections and count them, then one sort per section. Pure: the day
/// is the input's `date`, nothing reads a clock.
public enum DigestBuilder {
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
        for (i, (state, view)) in input.records.enumerated() {
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
            if let due = view.dueOn, quarterStart <= due, due <= today {
                let outcome = AnswerOutcome.of(state, view, today: today)
                let late = due < today
                summary.onTimeQuarter.add(outcome, overdue: late)
                byProvider.add(state.value(.provider_ods) ?? OnTimeReport.unknownGroup, outcome, overdue: late)
                byService.add(state.value(.service) ?? OnTimeReport.unknownGroup, outcome, overdue: late)
            }
        }

        let records = input.records
        func byDue(_ a: Int, _ b: Int) -> Bool {
            let x = records[a].1.workingDueOn?.daysSinceEpoch ?? .max, y = records[b].1.workingDueOn?.daysSinceEpoch ?? .max
            return x != y ? x < y : records[a].0.requestID < records[b].0.requestID
        }
        func byAnswer(_ a: Int, _ b: Int) -> Bool {
            let x = records[a].1.answeredOn?.daysSinceEpoch ?? .max, y = records[b].1.answeredOn?.daysSinceEpoch ?? .max
            return x != y ? x < y : records[a].0.requestID < records[b].0.requestID
        }
        func section(_ indices: [Int], _ order: (Int, Int) -> Bool) -> [DigestRecord] {
            indices.sorted(by: order).map {
                DigestRecord(state: records[$0].0, view: records[$0].1,
                             openConflicts: conflictsPerRequest[records[$0].0.requestID] ?? 0)
            }
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
            date: today, generatedAt: input.generatedAt, recipient: input.recipient,
            includeIdentifiers: input.includeIdentifiers, rowLimit: input.rowLimit,
            answeredSince: since, quarterStart: quarterStart, summary: summary,
            overdue: section(overdue, byDue), dueSoon: section(dueSoon, byDue),
            disputed: section(disputed, byDue), answered: section(answered, byAnswer),
            conflicts: input.openConflicts.sorted { ($0.openedAt, $0.id) < ($1.openedAt, $1.id) },
            feeds: feeds,
            failedNotices: input.failedNotices.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) },
            onTimeByProvider: byProvider.sorted, onTimeByService: byService.sorted)
    }
}
