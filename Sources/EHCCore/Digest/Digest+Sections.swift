extension Digest {
    /// The sections in reading order, each only when it has items. Built once per
    /// rendering; the text and HTML parts list exactly the same cards.
    var sections: [DigestSection] {
        var out: [DigestSection] = []
        func records(_ heading: String, _ items: DigestRecordList, filter: String, _ card: (DigestRecord) -> DisplayCard) {
            guard !items.isEmpty else { return }
            out.append(DigestSection(heading: "\(heading) (\(items.count))", cards: items.prefix(rowLimit).map(card),
                                     leftOut: leftOut(items.count, command: "ehcsync advice list --state \(filter)")))
        }
        records("Overdue, oldest first", overdue, filter: "overdue") { r in
            recordCard(r, lines: [dueLine(r, word: "Was due"), exceptionLine(r), r.view.disputed ? "Disputed." : nil])
        }
        records("Due soon", dueSoon, filter: "due_soon") { r in
            recordCard(r, lines: [dueLine(r, word: "Due"), exceptionLine(r)])
        }
        records("Disputed", disputed, filter: "disputed") { r in
            recordCard(r, lines: [dueLine(r, word: "Due"), "Dispute: " + (r.state.value(.dispute_reason) ?? "no reason given")])
        }
        if !conflicts.isEmpty {
            let cards = conflicts.prefix(rowLimit).map { c in
                DisplayCard(title: "Conflict \(c.id): \(PlainWords.conflict(c.kind))",
                            lines: [(c.requestID.map { "Request \($0). " } ?? "")
                                        + "Opened \(PlainWords.localTimestamp(c.openedAt, in: timeZone)).", c.detail])
            }
            out.append(DigestSection(heading: "Open conflicts (\(conflicts.count))", cards: Array(cards),
                                     leftOut: leftOut(conflicts.count, command: "ehcsync conflicts list")))
        }
        records("Answered since \(PlainWords.shortDate(answeredSince))", answered, filter: "answered") { r in
            recordCard(r, lines: [answeredLine(r.view), exceptionLine(r)])
        }
        if !feeds.isEmpty {
            out.append(DigestSection(heading: "Feeds needing attention (\(feeds.count))",
                                     intro: "Data from these feeds is missing or old until someone acts.",
                                     cards: feeds.map(feedCard)))
        }
        if !failedNotices.isEmpty {
            let cards = failedNotices.prefix(rowLimit).map { n in
                DisplayCard(flag: "NOT DELIVERED", tone: .urgent, title: "Notice \(n.id): \(n.kind.rawValue) to \(n.recipient)",
                            lines: ["Channel \(n.channel); made \(PlainWords.localTimestamp(n.createdAt, in: timeZone)).",
                                    "Last error: \(n.lastError)"])
            }
            out.append(DigestSection(heading: "Notices that could not be delivered (\(failedNotices.count))", cards: Array(cards),
                                     leftOut: leftOut(failedNotices.count, command: "ehcsync status")))
        }
        for (title, rates) in [("provider", onTimeByProvider), ("service", onTimeByService)] where !rates.isEmpty {
            out.append(DigestSection(
                heading: "On time this quarter by \(title)",
                intro: "Requests \(onTimeDays). On time ÷ due, including and excluding reg 8(2) exceptions.",
                cards: rates.map { rateCard($0, name: title == "service" ? serviceNames.name($0.group) : $0.group) }))
        }
        return out
    }

    /// A record's card: overdue ones flagged in words, then the request, service,
    /// provider and case, who the child is only when identifiers are allowed, and
    /// the given lines.
    func recordCard(_ r: DigestRecord, lines extra: [String?]) -> DisplayCard {
        let state = r.state
        var flag: String?
        var tone = DisplayCard.Tone.plain
        switch r.view.state {
        case .overdue:
            flag = "OVERDUE" + (r.view.daysOverdue.map { " " + PlainWords.count($0, "day") } ?? "")
            tone = .urgent
        case .due_soon:
            flag = r.view.workingDueOn.map { PlainWords.dueIn(date.days(until: $0)) }
            tone = .warning
        default:
            break
        }
        var lines = ["Provider \(state.value(.provider_ods) ?? "unknown"). Case \(state.value(.case_ref) ?? "unknown")."]
        if includeIdentifiers {
            let name = [state.value(.given_name), state.value(.family_name)].compactMap { $0 }.joined(separator: " ")
            lines.append("Child: " + (name.isEmpty ? "name not known" : name))
            lines.append("NHS number " + (state.value(.nhs_number).map(PlainWords.nhsNumber) ?? "not known") + ", born "
                         + (state.value(.date_of_birth) ?? "not known") + ".")
        }
        lines += extra.compactMap { $0 }
        if r.openConflicts > 0 { lines.append(PlainWords.count(r.openConflicts, "open conflict") + ".") }
        return DisplayCard(flag: flag, tone: tone,
                           title: r.requestID + ": " + (state.value(.service).map(serviceNames.name) ?? "service not known"),
                           lines: lines)
    }

    /// "Was due 21 October 2026. Week 13 of 20." (the week of the 20-week timeline where known).
    func dueLine(_ r: DigestRecord, word: String) -> String {
        (r.view.workingDueOn.map { "\(word) \(PlainWords.shortDate($0))." } ?? "No due date known.")
            + (r.view.timelineWeek.map { " " + PlainWords.timelineWeek($0) + "." } ?? "")
    }

    func exceptionLine(_ r: DigestRecord) -> String? {
        r.view.exception.map { "Reg 8(2) exception: \(PlainWords.exception($0))." }
    }

    /// "Answered 22 November 2026, on time (due 25 November 2026)." or "…, 10 days late (…)".
    func answeredLine(_ view: DeadlineView) -> String {
        guard let answered = view.answeredOn else { return "Answered." }
        var out = "Answered \(PlainWords.shortDate(answered))"
        if let due = view.dueOn {
            out += answered <= due ? ", on time" : ", " + PlainWords.count(due.days(until: answered), "day") + " late"
            out += " (due \(PlainWords.shortDate(due)))"
        }
        return out + "."
    }

    /// A feed's card: its state in words, when it last worked, and each problem file
    /// with its first reason.
    func feedCard(_ f: DigestFeed) -> DisplayCard {
        let flag: String
        let tone: DisplayCard.Tone
        switch f.state {
        case .failing: (flag, tone) = ("FAILING", .urgent)
        case .stale: (flag, tone) = ("SILENT", .urgent)
        case .degraded: (flag, tone) = ("PART READ", .warning)
        case .ok, .never:
            // Read cleanly now, but files since the last digest were rejected or part read,
            // or files lie in its folder that it never takes.
            let partRead = f.problems.contains { $0.kind != .ignored }
            (flag, tone) = (partRead ? "PART READ" : "FILES NOT TAKEN", .warning)
        }
        var lines = ["Last read " + (f.lastSuccessAt.map { PlainWords.localTimestamp($0, in: timeZone) } ?? "never") + "."]
        if f.consecutiveFailures > 0 {
            lines.append(PlainWords.count(f.consecutiveFailures, "failed attempt") + " in a row.")
        }
        if let e = f.lastError { lines.append("Last error: \(e)") }
        var counts: [String] = []
        if f.rejectedFiles > 0 { counts.append(PlainWords.count(f.rejectedFiles, "file") + " rejected") }
        if f.rowErrors > 0 { counts.append(PlainWords.count(f.rowErrors, "row") + " skipped") }
        if f.ignoredFiles > 0 { counts.append(PlainWords.count(f.ignoredFiles, "file") + " never taken") }
        if !counts.isEmpty { lines.append(counts.joined(separator: ", ").capitalisedFirst + ".") }
        let shown = 10
        var details: [String] = f.problems.prefix(shown).map { p in
            switch p.kind {
            case .rejected: return "Rejected \(p.file): \(p.reason)"
            case .rowErrors: return PlainWords.count(p.count, "row") + " skipped in \(p.file), first: \(p.reason)"
            case .ignored: return "Not taken \(p.file): \(p.reason)"
            }
        }
        if f.problems.count > shown {
            details.append("… and \(f.problems.count - shown) more: ehcsync status lists them all.")
        }
        return DisplayCard(flag: flag, tone: tone, title: "\(f.name) (\(f.role == .la ? "LA" : "provider") feed)", lines: lines,
                           details: details)
    }

    /// A group's on-time figures, both rates named.
    func rateCard(_ r: OnTimeRate, name: String) -> DisplayCard {
        var lines = ["On time: \(PlainWords.percent(r.pct)) (\(r.onTime) of \(r.due) due).",
                     r.dueExcludingExceptions == 0
                        ? "Excluding reg 8(2) exceptions: no rate (each was late with an exception)."
                        : "Excluding reg 8(2) exceptions: \(PlainWords.percent(r.pctExcludingExceptions)) "
                            + "(\(r.onTime) of \(r.dueExcludingExceptions))."]
        if r.late > 0 {
            var parts: [String] = []
            if r.stillOutstanding > 0 { parts.append("\(r.stillOutstanding) not yet answered") }
            if r.lateWithException > 0 { parts.append("\(r.lateWithException) with an exception") }
            lines.append("Late: \(r.late)" + (parts.isEmpty ? "" : " (" + parts.joined(separator: ", ") + ")") + ".")
        }
        return DisplayCard(title: name, lines: lines)
    }

    private func leftOut(_ count: Int, command: String) -> String? {
        count > rowLimit ? "… and \(count - rowLimit) more: run `\(command)` for all of them." : nil
    }
}

extension String {
    /// The string with its first letter in capitals ("2 files rejected" stays as it is).
    var capitalisedFirst: String { prefix(1).uppercased() + dropFirst() }
}
