extension Digest {
    /// The sections in reading order, each only when it has rows. Built once per
    /// rendering; the text and HTML parts list exactly the same rows.
    var sections: [DisplaySection] {
        var out: [DisplaySection] = []
        let ids = includeIdentifiers
        func records(_ heading: String, _ items: DigestRecordList, filter: String, _ extra: [DisplayTable.Column],
                     _ cells: (DigestRecord) -> [String]) {
            guard !items.isEmpty else { return }
            var table = DisplayTable(RecordColumns.columns(includeIdentifiers: ids) + extra)
            for item in items.prefix(rowLimit) {
                table.add(RecordColumns.cells(item.state, includeIdentifiers: ids) + cells(item))
            }
            out.append(DisplaySection(heading: "\(heading) (\(items.count))", table: table,
                                      leftOut: leftOut(items.count, command: "ehcsync advice list --state \(filter)")))
        }
        records("Overdue, oldest first", overdue, filter: "overdue",
                [.init("Due"), .init("Days overdue", rightAligned: true), .init("Week", rightAligned: true),
                 .init("Reg 8(2) exception"), .init("Disputed")]) { r in
            [RecordColumns.date(r.view.workingDueOn), r.view.daysOverdue.map(String.init) ?? "-",
             r.view.timelineWeek.map(String.init) ?? "-", RecordColumns.exception(r.view.exception),
             PlainWords.yesNo(r.view.disputed)]
        }
        records("Due soon", dueSoon, filter: "due_soon",
                [.init("Due"), .init("Days left", rightAligned: true), .init("Week", rightAligned: true),
                 .init("Reg 8(2) exception")]) { r in
            [RecordColumns.date(r.view.workingDueOn), r.view.workingDueOn.map { String(date.days(until: $0)) } ?? "-",
             r.view.timelineWeek.map(String.init) ?? "-", RecordColumns.exception(r.view.exception)]
        }
        records("Disputed", disputed, filter: "disputed",
                [.init("State"), .init("Due"), .init("Dispute reason", textMaxWidth: DisplayTable.freeTextWidth)]) { r in
            [r.view.state.rawValue.replacingOccurrences(of: "_", with: " "), RecordColumns.date(r.view.workingDueOn),
             r.state.value(.dispute_reason) ?? "-"]
        }
        if !conflicts.isEmpty {
            var table = DisplayTable([.init("Conflict", rightAligned: true), .init("Kind"), .init("Request"), .init("Opened"),
                                      .init("Detail", textMaxWidth: DisplayTable.freeTextWidth)])
            for c in conflicts.prefix(rowLimit) {
                table.add([String(c.id), PlainWords.conflict(c.kind), c.requestID ?? "-", PlainWords.timestamp(c.openedAt), c.detail])
            }
            out.append(DisplaySection(heading: "Open conflicts (\(conflicts.count))", table: table,
                                      leftOut: leftOut(conflicts.count, command: "ehcsync conflicts list")))
        }
        records("Answered since \(PlainWords.shortDate(answeredSince))", answered, filter: "answered",
                [.init("Due"), .init("Answered"), .init("On time"), .init("Reg 8(2) exception")]) { r in
            [RecordColumns.date(r.view.dueOn), RecordColumns.date(r.view.answeredOn), Digest.onTimeWords(r.view),
             RecordColumns.exception(r.view.exception)]
        }
        if !feeds.isEmpty {
            var table = DisplayTable([.init("Feed"), .init("Role"), .init("State"), .init("Last success"),
                                      .init("Failures", rightAligned: true),
                                      .init("Last error", textMaxWidth: DisplayTable.freeTextWidth)])
            for f in feeds {
                table.add([f.name, f.role.rawValue, f.state.rawValue, f.lastSuccessAt.map(PlainWords.timestamp) ?? "never",
                           String(f.consecutiveFailures), f.lastError ?? "-"])
            }
            out.append(DisplaySection(heading: "Feeds failing or stale (\(feeds.count))", table: table, leftOut: nil))
        }
        if !failedNotices.isEmpty {
            var table = DisplayTable([.init("Notice", rightAligned: true), .init("Kind"), .init("Recipient"), .init("Channel"),
                                      .init("Created"), .init("Last error", textMaxWidth: DisplayTable.freeTextWidth)])
            for n in failedNotices.prefix(rowLimit) {
                table.add([String(n.id), n.kind.rawValue, n.recipient, n.channel, PlainWords.timestamp(n.createdAt), n.lastError])
            }
            out.append(DisplaySection(heading: "Notices that could not be delivered (\(failedNotices.count))", table: table,
                                      leftOut: leftOut(failedNotices.count, command: "ehcsync status")))
        }
        for (title, rates) in [("provider", onTimeByProvider), ("service", onTimeByService)] where !rates.isEmpty {
            var table = DisplayTable([.init(title == "provider" ? "Provider" : "Service"), .init("On time", rightAligned: true),
                                      .init("Answered", rightAligned: true), .init("Overdue, unanswered", rightAligned: true),
                                      .init("On-time rate", rightAligned: true)])
            for r in rates {
                table.add([r.group, String(r.onTime), String(r.answered), String(r.overdueOutstanding), PlainWords.percent(r.pct)])
            }
            out.append(DisplaySection(heading: "On time this quarter by \(title)", table: table, leftOut: nil))
        }
        return out
    }

    /// "yes", or "no, 3 days late".
    static func onTimeWords(_ view: DeadlineView) -> String {
        guard let onTime = view.onTime else { return "-" }
        if onTime { return "yes" }
        guard let due = view.dueOn, let answered = view.answeredOn else { return "no" }
        return "no, " + PlainWords.count(due.days(until: answered), "day") + " late"
    }

    private func leftOut(_ count: Int, command: String) -> String? {
        count > rowLimit ? "… and \(count - rowLimit) more: run `\(command)` for all of them." : nil
    }
}
