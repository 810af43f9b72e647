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

    public var text: String {
        var out = "Advice request \(item.state.requestID): \(item.view.state.rawValue)"
        if item.view.disputed { out += ", disputed" }
        out += "\n"
        for (k, v) in item.fields { out += "  \(k.padding(toLength: 24, withPad: " ", startingAt: 0)) \(v)\n" }
        if let d = item.view.daysOverdue { out += "  days overdue             \(d)\n" }
        out += "\nHistory (\(entries.count) observations)\n"
        for e in entries {
            out += "  #\(e.id) \(e.appliedAt) \(e.feed) \(e.source):\(e.line) \(e.outcome)"
            if let n = e.notes { out += " — \(n)" }
            out += "\n"
            if let c = e.changesJSON { out += "      changes \(c)\n" } else if e.outcome == "created" { out += "      values \(e.valuesJSON)\n" }
        }
        out += "\nConflicts (\(conflicts.count))\n"
        for c in conflicts {
            out += "  #\(c.id) \(c.kind) \(c.field ?? "") [\(c.status)] \(c.detail)"
            if let note = c.closeNote { out += " — closed: \(note)" }
            out += "\n"
        }
        return out
    }
}
