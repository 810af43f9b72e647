import EHCCore
import Foundation
import GRDB

/// `advice show`: one record, every observation and change in the order applied, and
/// its conflicts: how the record came to be.
public struct AdviceHistory: Sendable {
    public struct Entry: Sendable {
        public var id: Int64
        public var feed: String
        public var source: String
        public var line: Int
        public var appliedAt: Timestamp
        public var updatedAt: Timestamp?
        public var outcome: String
        public var valuesJSON: String
        public var changesJSON: String?
        public var notes: String?
    }

    public var item: AdviceListItem
    public var entries: [Entry]
    public var conflicts: [ConflictItem]

    public static func load(_ db: AppDatabase, requestID: String, rules: AdviceRules, today: CivilDate,
                            dueSoonDays: Int) throws -> AdviceHistory? {
        guard let item = try AdviceQuery.list(db, rules: rules, today: today, dueSoonDays: dueSoonDays, only: requestID).first else {
            return nil
        }
        return try db.read { db in
            let entries = try Row.fetchAll(db, sql: """
                SELECT o.id, f.name, o.source, o.line, o.applied_at, o.updated_at, o.outcome, o.observed, o.changes_json, o.notes
                FROM observation o JOIN feed f ON f.id = o.feed_id
                WHERE o.advice_id = (SELECT id FROM advice WHERE request_id = ?) ORDER BY o.id
                """, arguments: [requestID]).map { r in
                let outcome: String = r[6]
                let updatedAt = (r[5] as Int64?).map(Timestamp.init(millis:))
                let values = PackedValues.json([UInt8](r[7] as Data), updatedAt: updatedAt)
                return Entry(id: r[0], feed: r[1], source: r[2], line: r[3], appliedAt: Timestamp(millis: r[4]),
                             updatedAt: updatedAt, outcome: outcome, valuesJSON: values,
                             changesJSON: r[8] ?? (outcome == "created" ? Self.creationChanges(values) : nil), notes: r[9])
            }
            return AdviceHistory(item: item, entries: entries, conflicts: try ConflictQuery.forRequest(db, requestID))
        }
    }

    /// The changes of a record's creation, which the store does not keep twice: every
    /// value the LA stated, from nothing, and its status (`requested` when it gave none).
    static func creationChanges(_ valuesJSON: String) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(valuesJSON.utf8)) as? [String: String] else { return nil }
        var changes: [FieldChange] = []
        for field in CanonicalField.allCases where field != .status && field != .updated_at {
            if let v = object[field.rawValue] { changes.append(FieldChange(field: "la." + field.rawValue, old: nil, new: v)) }
        }
        changes.append(FieldChange(field: "la_status", old: nil, new: object["status"] ?? LAStatus.requested.rawValue))
        return ObservationApplier.changesJSON(changes)
    }

    public var json: String {
        let obs = entries.map { e in
            "{\"id\":\(e.id),\"feed\":\(JSONText.quoted(e.feed)),\"source\":\(JSONText.quoted(e.source)),\"line\":\(e.line),"
                + "\"applied_at\":\(JSONText.quoted(e.appliedAt.description)),"
                + "\"updated_at\":\(e.updatedAt.map { JSONText.quoted($0.description) } ?? "null"),"
                + "\"outcome\":\(JSONText.quoted(e.outcome)),\"values\":\(e.valuesJSON),\"changes\":\(e.changesJSON ?? "[]"),"
                + "\"notes\":\(e.notes.map(JSONText.quoted) ?? "null")}"
        }
        return "{\"record\":\(item.json()),\"history\":[\(obs.joined(separator: ","))],\"conflicts\":["
            + conflicts.map(\.json).joined(separator: ",") + "]}"
    }

    /// `advice show`: the record's values, then one line per observation (when, which
    /// feed, file and line, what happened) and under it one line per change
    /// (`field: old → new`), then its conflicts. Times are local in `zone`.
    public func text(in zone: TimeZone) -> String {
        var out = "Advice request \(item.state.requestID): \(item.view.state.rawValue)"
        let flags = [item.view.disputed ? "disputed" : nil, item.view.exception.map { "reg 8(2) exception: \($0.rawValue)" }]
            .compactMap { $0 }
        if !flags.isEmpty { out += " (" + flags.joined(separator: ", ") + ")" }
        out += "\n"
        for (k, v) in item.fields { out += "  \(k.padding(toLength: 24, withPad: " ", startingAt: 0)) \(v)\n" }
        if let d = item.view.daysOverdue { out += "  days overdue             \(d)\n" }
        out += "\nHistory (\(entries.count) observation\(entries.count == 1 ? "" : "s"))\n"
        for e in entries {
            out += "  \(e.appliedAt.localDate(in: zone)) \(PlainWords.localTime(e.appliedAt, in: zone))  \(e.feed)  \(e.source.escapingControlCharacters) line \(e.line)  \(e.outcome)"
            if let n = e.notes { out += " — \(n)" }
            out += "\n"
            for change in Self.changes(e.changesJSON) {
                out += "      \(Self.label(change.field)): \(change.old ?? "(none)") → \(change.new ?? "(none)")\n"
            }
        }
        out += "\nConflicts (\(conflicts.count))\n"
        for c in conflicts {
            out += "  #\(c.id) \(c.kind) \(c.field ?? "") [\(c.status)] \(c.detail)"
            if let note = c.closeNote { out += " — closed: \(note)" }
            out += "\n"
        }
        return out
    }

    /// The changes of one observation, from their stored JSON.
    static func changes(_ json: String?) -> [FieldChange] {
        guard let json, let array = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]] else { return [] }
        return array.compactMap { c in
            (c["field"] as? String).map { FieldChange(field: $0, old: c["old"] as? String, new: c["new"] as? String) }
        }
    }

    /// A stored change's field in words: `la.case_ref` → `case_ref (LA)`, `la_status` → `LA status`.
    static func label(_ field: String) -> String {
        switch field {
        case "la_status": return "LA status"
        case "provider_status": return "provider status"
        default:
            if field.hasPrefix("la.") { return field.dropFirst(3) + " (LA)" }
            if field.hasPrefix("provider.") { return field.dropFirst(9) + " (provider)" }
            return field
        }
    }
}
