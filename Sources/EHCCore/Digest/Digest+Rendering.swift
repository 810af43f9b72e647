extension Digest {
    /// The text part: the title and summary first, then each section as short cards,
    /// then the notes. Lines end in "\n" (the mail layer writes CRLF), stay within 76
    /// columns where the words allow, and none is longer than 998 octets.
    public func text() -> String {
        var out = title + "\n" + TextWrap.block(forLine) + "\n"
        for line in summaryLines { out += TextWrap.block(line) }
        out += "\n"
        for section in sections { section.text(into: &out) }
        for note in notes { out += TextWrap.block(note) }
        return OctetLines.fold(out)
    }

    /// The HTML part: the title and a summary paragraph first, then a heading and cards
    /// per section; inline styles only, every text escaped, UTF-8, readable on a phone
    /// (400 px) without sideways scrolling.
    public func html() -> String {
        var out = HTMLText.pageStart(title: subject)
        out += HTMLText.title(title) + HTMLText.paragraph([forLine])
        out += HTMLText.paragraph(summaryLines, boldFirst: summary.overdue > 0)
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
            + ",\"recipient\":" + JSONText.quoted(recipient)
            + (recipientName.map { ",\"recipient_name\":" + JSONText.quoted($0) } ?? "") + ",\"date\":\"\(date)\""
            + ",\"answered_since\":\"\(answeredSince)\",\"quarter_start\":\"\(quarterStart)\""
        let s = summary
        out += ",\"summary\":{\"open\":\(s.open),\"due_soon\":\(s.dueSoon),\"overdue\":\(s.overdue),\"disputed\":\(s.disputed)"
            + ",\"conflicts\":\(s.conflicts),\"answered_on_time_pct_quarter\":"
            + (s.onTimeQuarter.pct.map(DecimalText.oneDecimal) ?? "null")
            + ",\"answered_on_time_pct_quarter_excluding_exceptions\":"
            + (s.onTimeQuarter.pctExcludingExceptions.map(DecimalText.oneDecimal) ?? "null")
            + ",\"on_time_quarter\":" + s.onTimeQuarter.json(key: nil, lastDay: onTimeLastDay, from: quarterStart)
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
    /// `{"provider": "RBT", "due": 4, "on_time": 3, "late": 1, "late_with_exception": 0,
    /// "still_outstanding": 1, "pct_on_time": 75.0, "pct_on_time_excluding_exceptions": 75.0}`:
    /// `ehcsync report`'s names. With no `key`, the group is left out and the days the
    /// figures cover (`due_from`, `due_to`) are put in.
    func json(key: String?, lastDay: CivilDate? = nil, from: CivilDate? = nil) -> String {
        var out = "{"
        if let key { out += JSONText.quoted(key) + ":" + JSONText.quoted(group) + "," }
        if let from { out += "\"due_from\":\"\(from)\",\"due_to\":" + (lastDay.map { "\"\($0)\"" } ?? "null") + "," }
        return out + "\"due\":\(due),\"on_time\":\(onTime),\"late\":\(late),\"late_with_exception\":\(lateWithException)"
            + ",\"still_outstanding\":\(stillOutstanding),\"pct_on_time\":" + (pct.map(DecimalText.oneDecimal) ?? "null")
            + ",\"pct_on_time_excluding_exceptions\":" + (pctExcludingExceptions.map(DecimalText.oneDecimal) ?? "null") + "}"
    }
}
