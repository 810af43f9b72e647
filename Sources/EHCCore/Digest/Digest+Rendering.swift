extension Digest {
    /// The text part: the title and summary first, then each section as an aligned
    /// table, then the notes. Lines end in "\n" (the mail layer writes CRLF) and none
    /// is longer than 998 octets.
    public func text() -> String {
        var out = title + "\n\n"
        for line in summaryLines { out += line + "\n" }
        out += "\n"
        for section in sections { section.text(into: &out) }
        for note in notes { out += note + "\n" }
        return OctetLines.fold(out)
    }

    /// The HTML part: a summary paragraph first, then a heading and a simple table
    /// per section, inline styles only, every text escaped, UTF-8.
    public func html() -> String {
        var out = HTMLText.pageStart(title: subject)
        out += HTMLText.paragraph([title] + summaryLines, boldFirst: true)
        for section in sections { section.html(into: &out) }
        out += HTMLText.paragraph(notes, style: HTMLText.noteStyle)
        out += HTMLText.pageEnd
        return OctetLines.fold(out)
    }

    /// The webhook body (SPEC §6): the envelope, `date`, `summary`, `items` — each record
    /// the digest lists, once, as `advice list --json` shows it — and the sections as
    /// arrays. Record sections (`overdue`, `due_soon`, `disputed`, `answered`) list
    /// `request_id`s in the digest's order, to be looked up in `items`; the others
    /// are objects.
    public func json(id: String) -> String {
        var out = "{\"type\":\"digest\",\"id\":" + JSONText.quoted(id) + ",\"generated_at\":\"\(generatedAt)\""
            + ",\"recipient\":" + JSONText.quoted(recipient) + ",\"date\":\"\(date)\""
            + ",\"answered_since\":\"\(answeredSince)\",\"quarter_start\":\"\(quarterStart)\""
        let s = summary
        out += ",\"summary\":{\"open\":\(s.open),\"due_soon\":\(s.dueSoon),\"overdue\":\(s.overdue),\"disputed\":\(s.disputed)"
            + ",\"conflicts\":\(s.conflicts),\"answered_on_time_pct_quarter\":"
            + (s.onTimeQuarter.pct.map(DecimalText.oneDecimal) ?? "null")
            + ",\"overdue_with_exception\":\(s.overdueWithException),\"answered\":\(s.answeredSince)"
            + ",\"feeds_failing_or_stale\":\(s.feedsNeedingAttention),\"failed_notices\":\(s.failedNotices)}"
        out += ",\"items\":["
        var listed = Set<String>()
        var first = true
        for section in [overdue, dueSoon, disputed, answered] {
            for r in section where listed.insert(r.requestID).inserted {
                if !first { out += "," }
                first = false
                out += r.json(includeIdentifiers: includeIdentifiers)
            }
        }
        out += "]"
        func ids(_ key: String, _ records: DigestRecordList) {
            out += ",\"\(key)\":[" + records.map { JSONText.quoted($0.requestID) }.joined(separator: ",") + "]"
        }
        ids("overdue", overdue)
        ids("due_soon", dueSoon)
        ids("disputed", disputed)
        out += ",\"conflicts\":[" + conflicts.map(\.json).joined(separator: ",") + "]"
        ids("answered", answered)
        out += ",\"feeds\":[" + feeds.map(\.json).joined(separator: ",") + "]"
        out += ",\"failed_notices\":[" + failedNotices.map(\.json).joined(separator: ",") + "]"
        out += ",\"on_time_by_provider\":[" + onTimeByProvider.map { $0.json(key: "provider") }.joined(separator: ",") + "]"
        out += ",\"on_time_by_service\":[" + onTimeByService.map { $0.json(key: "service") }.joined(separator: ",") + "]"
        return out + "}"
    }
}

extension OnTimeRate {
    /// `{"provider": "RBT", "on_time": 3, "answered": 4, "overdue_unanswered": 1, "pct_on_time": 60.0}`.
    func json(key: String) -> String {
        "{" + JSONText.quoted(key) + ":" + JSONText.quoted(group) + ",\"on_time\":\(onTime),\"answered\":\(answered)"
            + ",\"overdue_unanswered\":\(overdueOutstanding),\"pct_on_time\":" + (pct.map(DecimalText.oneDecimal) ?? "null") + "}"
    }
}
