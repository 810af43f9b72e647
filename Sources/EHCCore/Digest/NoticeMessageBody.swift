/// What a notice message says, by kind: its subject, summary, table and guidance.
/// The renderings (text, HTML, JSON) are made from this one value.
struct NoticeMessageBody {
    var subject: String
    var summary: [String]
    var section: DisplaySection
    var guidance: [String]
    /// The items in the order the table lists them.
    var items: [NoticeItemContent]

    /// The body for `kind`, its items in the order they are listed.
    static func make(kind: NoticeKind, items: [NoticeItemContent], includeIdentifiers: Bool) -> NoticeMessageBody {
        switch kind {
        case .reminder: return reminder(items, includeIdentifiers)
        case .escalation: return escalation(items, includeIdentifiers)
        case .conflict: return conflict(items, includeIdentifiers)
        case .dispute: return dispute(items, includeIdentifiers)
        case .digest: return other(items, includeIdentifiers)
        }
    }

    /// Soonest due first; the request id breaks ties so the order never depends on input order.
    static func byDue(_ a: NoticeItemContent, _ b: NoticeItemContent) -> Bool {
        let x = a.record?.view.workingDueOn?.daysSinceEpoch ?? .max, y = b.record?.view.workingDueOn?.daysSinceEpoch ?? .max
        return x != y ? x < y : (a.requestID ?? "") < (b.requestID ?? "")
    }

    /// The record columns, then `extra`; an item without a record shows its request id only.
    static func table(_ extra: [DisplayTable.Column], _ items: [NoticeItemContent], _ ids: Bool,
                      _ cells: (NoticeItemContent) -> [String]) -> DisplayTable {
        var table = DisplayTable(RecordColumns.columns(includeIdentifiers: ids) + extra)
        for item in items {
            let lead = item.record.map { RecordColumns.cells($0.state, includeIdentifiers: ids) }
                ?? [item.requestID ?? "-"] + Array(repeating: "-", count: RecordColumns.columns(includeIdentifiers: ids).count - 1)
            table.add(lead + cells(item))
        }
        return table
    }

    /// To a provider team: what is due soon, soonest first.
    static func reminder(_ items: [NoticeItemContent], _ ids: Bool) -> NoticeMessageBody {
        let sorted = items.sorted(by: byDue)
        let n = sorted.count
        var byWindow: [Int: Int] = [:]
        for item in sorted { if let d = item.dueWithinDays { byWindow[d, default: 0] += 1 } }
        let windows = byWindow.keys.sorted().map { "\(byWindow[$0] ?? 0) within \(PlainWords.count($0, "day"))" }
        let what = PlainWords.count(n, "request") + " for health advice " + (n == 1 ? "is" : "are") + " due soon"
        let t = table([.init("Due"), .init("Reminder"), .init("Week", rightAligned: true), .init("Reg 8(2) exception")],
                      sorted, ids) { item in
            [RecordColumns.date(item.record?.view.workingDueOn), item.dueWithinDays.map { "due within " + PlainWords.count($0, "day") } ?? "-",
             item.record?.view.timelineWeek.map(String.init) ?? "-", RecordColumns.exception(item.exception)]
        }
        return NoticeMessageBody(
            subject: "EHC Sync reminder: " + what,
            summary: ["Reminder: " + what + (windows.isEmpty ? "" : " (" + windows.joined(separator: ", ") + ")") + "."],
            section: DisplaySection(heading: "Due soon (\(n))", table: t, leftOut: nil),
            guidance: ["Please send the advice to the local authority by the due date. Where a reg 8(2) exception applies "
                       + "(exceptional circumstances, absence from the area for 4 weeks or more, or a missed appointment), "
                       + "record it in your system so it reaches the LA."],
            items: sorted)
    }

    /// To the DCO or commissioners: what is overdue, with levels and exceptions counted.
    static func escalation(_ items: [NoticeItemContent], _ ids: Bool) -> NoticeMessageBody {
        // Most overdue first.
        let sorted = items.sorted { a, b in
            let x = a.daysOverdue ?? 0, y = b.daysOverdue ?? 0
            return x != y ? x > y : (a.requestID ?? "") < (b.requestID ?? "")
        }
        let n = sorted.count
        let withException = sorted.filter { $0.exception != nil }.count
        let levels = Set(sorted.compactMap(\.level)).sorted()
        let levelText = levels.isEmpty ? "Escalation"
            : levels.count == 1 ? "Escalation level \(levels[0])"
            : "Escalation levels " + levels.dropLast().map(String.init).joined(separator: ", ") + " and \(levels.last ?? 0)"
        let what = PlainWords.count(n, "request") + " overdue"
        let summary = levelText + ": " + what + (withException > 0 ? " (\(withException) with a reg 8(2) exception)" : "")
        let t = table([.init("Level", rightAligned: true), .init("Due"), .init("Days overdue", rightAligned: true),
                       .init("Week", rightAligned: true), .init("Reg 8(2) exception"), .init("Disputed")], sorted, ids) { item in
            [item.level.map(String.init) ?? "-", RecordColumns.date(item.record?.view.workingDueOn),
             item.daysOverdue.map(String.init) ?? "-", item.record?.view.timelineWeek.map(String.init) ?? "-",
             RecordColumns.exception(item.exception), item.record.map { PlainWords.yesNo($0.view.disputed) } ?? "-"]
        }
        return NoticeMessageBody(
            subject: "EHC Sync " + levelText.prefix(1).lowercased() + levelText.dropFirst() + ": " + what,
            summary: [summary + "."],
            section: DisplaySection(heading: "Overdue, most overdue first (\(n))", table: t, leftOut: nil),
            guidance: ["Health advice is overdue against the statutory date. Requests with a reg 8(2) exception are "
                       + "still listed, marked as such, and counted apart in reports."],
            items: sorted)
    }

    /// Conflicts sent at once, by id, with what to do about each kind.
    static func conflict(_ items: [NoticeItemContent], _ ids: Bool) -> NoticeMessageBody {
        let sorted = items.sorted { ($0.notice.conflictID ?? .max, $0.requestID ?? "") < ($1.notice.conflictID ?? .max, $1.requestID ?? "") }
        var perKind: [ConflictKind: Int] = [:]
        for item in sorted { if let k = item.kind { perKind[k, default: 0] += 1 } }
        let kinds = ConflictKind.allCases.filter { perKind[$0] != nil }
        let listed = kinds.map { "\(perKind[$0] ?? 0) \(PlainWords.conflict($0))" }.joined(separator: ", ")
        let n = sorted.count
        let headline = PlainWords.count(n, "conflict") + " " + (n == 1 ? "needs" : "need") + " attention"
        let t = table([.init("Conflict", rightAligned: true), .init("Kind"),
                       .init("Detail", textMaxWidth: DisplayTable.freeTextWidth)], sorted, ids) { item in
            [item.notice.conflictID.map(String.init) ?? "-", item.kind.map(PlainWords.conflict) ?? "-", item.conflictDetail ?? "-"]
        }
        return NoticeMessageBody(
            subject: "EHC Sync conflict: " + (listed.isEmpty ? headline : listed),
            summary: [headline + (listed.isEmpty ? "" : ": " + listed) + "."],
            section: DisplaySection(heading: "Conflicts (\(n))", table: t, leftOut: nil),
            guidance: kinds.compactMap(guidance(for:)),
            items: sorted)
    }

    /// What to do about each kind of conflict sent at once.
    static func guidance(for kind: ConflictKind) -> String? {
        switch kind {
        case .identity_mismatch:
            return "Identity mismatch: the LA and the provider disagree about the NHS number or date of birth. "
                + "The provider's values were not merged. Check who the child is before anything else is done."
        case .advice_not_received:
            return "Advice not received: the provider says it sent advice that the LA has not logged. "
                + "Check that it reached the LA."
        case .cancelled_while_active:
            return "Cancelled while active: the LA cancelled a request the provider team is working on. "
                + "Stop work on it, and report to close the conflict."
        default:
            return nil
        }
    }

    /// Newly disputed requests, with the LA's reason.
    static func dispute(_ items: [NoticeItemContent], _ ids: Bool) -> NoticeMessageBody {
        let sorted = items.sorted(by: byDue)
        let n = sorted.count
        let what = PlainWords.count(n, "request") + " disputed"
        let t = table([.init("State"), .init("Due"), .init("Dispute reason", textMaxWidth: DisplayTable.freeTextWidth)],
                      sorted, ids) { item in
            [item.record.map { $0.view.state.rawValue.replacingOccurrences(of: "_", with: " ") } ?? "-",
             RecordColumns.date(item.record?.view.workingDueOn), item.record?.state.value(.dispute_reason) ?? "-"]
        }
        return NoticeMessageBody(
            subject: "EHC Sync dispute: " + what,
            summary: ["Dispute: " + what + "."],
            section: DisplaySection(heading: "Disputed (\(n))", table: t, leftOut: nil),
            guidance: ["A disputed request is listed in every digest until the LA marks the dispute resolved."],
            items: sorted)
    }

    /// Digests are built by `DigestBuilder`; asked for one here, list the items plainly.
    static func other(_ items: [NoticeItemContent], _ ids: Bool) -> NoticeMessageBody {
        let sorted = items.sorted(by: byDue)
        let t = table([.init("State"), .init("Due"), .init("Reason")], sorted, ids) { item in
            [item.record?.view.state.rawValue ?? "-", RecordColumns.date(item.record?.view.workingDueOn),
             item.notice.reason.description]
        }
        let what = PlainWords.count(sorted.count, "item")
        return NoticeMessageBody(subject: "EHC Sync: " + what, summary: [what + "."],
                                 section: DisplaySection(heading: "Items (\(sorted.count))", table: t, leftOut: nil),
                                 guidance: [], items: sorted)
    }
}
