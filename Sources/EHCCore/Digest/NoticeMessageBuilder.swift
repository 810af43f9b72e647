/// Turns the notice items planned for one recipient in one cycle into ONE message
/// (SPEC §5: grouped per recipient and channel): a summary first, then a table with a
/// row per item, then notes. 300 overdue requests are one escalation listing 300 rows.
///
/// No child is named unless `includeIdentifiers`. Pure: the day is in the views given.
public enum NoticeMessageBuilder {
    /// One message for `recipient` holding every item; `id` is the notice's stable id.
    public static func build(kind: NoticeKind, recipient: String, items: [NoticeItemContent], generatedAt: Timestamp,
                             id: String, includeIdentifiers: Bool) -> RenderedNotice {
        let body = NoticeMessageBody.make(kind: kind, items: items, includeIdentifiers: includeIdentifiers)
        let notes = [includeIdentifiers
                        ? "This message names children. Keep it inside the secure network."
                        : "Children are not named in this message: use the request or case reference to find a record.",
                     "Sent by EHC Sync at \(PlainWords.timestamp(generatedAt)) to \(recipient)."]

        var text = body.summary.joined(separator: "\n") + "\n\n"
        body.section.text(into: &text)
        for line in body.guidance { text += line + "\n" }
        if !body.guidance.isEmpty { text += "\n" }
        for note in notes { text += note + "\n" }

        var html = HTMLText.pageStart(title: body.subject)
        html += HTMLText.paragraph(body.summary, boldFirst: true)
        body.section.html(into: &html)
        if !body.guidance.isEmpty { html += HTMLText.paragraph(body.guidance) }
        html += HTMLText.paragraph(notes, style: HTMLText.noteStyle) + HTMLText.pageEnd

        var json = "{\"type\":\"\(kind.rawValue)\",\"id\":" + JSONText.quoted(id) + ",\"generated_at\":\"\(generatedAt)\""
            + ",\"recipient\":" + JSONText.quoted(recipient) + ",\"items\":["
        for (i, item) in body.items.enumerated() {
            if i > 0 { json += "," }
            json += itemJSON(item, kind: kind, includeIdentifiers: includeIdentifiers)
        }
        json += "]}"
        return RenderedNotice(subject: body.subject, text: OctetLines.fold(text), html: OctetLines.fold(html), json: json)
    }

    /// An item: the `advice list --json` fields of its record (less identifiers unless
    /// asked), then what the notice adds: `reason`; for reminders `due_within_days`;
    /// for escalations `level` and `exception` when set; for conflicts `conflict_id`,
    /// `conflict_kind` and `detail`. No key is written twice.
    static func itemJSON(_ item: NoticeItemContent, kind: NoticeKind, includeIdentifiers: Bool) -> String {
        var out = "{"
        var hasException = false
        if let record = item.record {
            out += AdviceItemJSON.members(state: record.state, view: record.view, openConflicts: item.openConflicts,
                                          includeIdentifiers: includeIdentifiers)
            hasException = record.state.value(.exception) != nil || record.view.exception != nil
        } else if let id = item.notice.requestID {
            out += "\"request_id\":" + JSONText.quoted(id)
        }
        var empty = out.utf8.count == 1
        func add(_ key: String, _ raw: String) {
            if !empty { out += "," }
            empty = false
            out += "\"" + key + "\":" + raw
        }
        add("reason", JSONText.quoted(item.notice.reason.description))
        if let d = item.dueWithinDays { add("due_within_days", String(d)) }
        if let level = item.level {
            add("level", String(level))
            if item.record == nil, let d = item.daysOverdue { add("days_overdue", String(d)) }
        }
        if !hasException, let e = item.notice.exception { add("exception", "\"" + e.rawValue + "\"") }
        if let cid = item.notice.conflictID { add("conflict_id", String(cid)) }
        if let k = item.kind { add("conflict_kind", "\"" + k.rawValue + "\"") }
        if let detail = item.conflictDetail { add("detail", JSONText.quoted(detail)) }
        return out + "}"
    }
}
