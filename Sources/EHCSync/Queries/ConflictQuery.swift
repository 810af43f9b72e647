import EHCCore
import Foundation
import GRDB

/// A conflict as `conflicts list` shows it (SPEC §9).
public struct ConflictItem: Sendable, Equatable {
    public var id: Int64
    public var kind: String
    public var requestID: String?
    public var feed: String?
    public var field: String?
    public var detail: String
    public var openedAt: Timestamp
    public var status: String
    public var closedAt: Timestamp?
    public var closeNote: String?

    /// `{"id", "kind", "request_id", "feed", "field", "detail", "opened_at", "status"}`.
    public var json: String {
        "{\"id\":\(id),\"kind\":\(JSONText.quoted(kind)),\"request_id\":\(requestID.map(JSONText.quoted) ?? "null"),"
            + "\"feed\":\(feed.map(JSONText.quoted) ?? "null"),\"field\":\(field.map(JSONText.quoted) ?? "null"),"
            + "\"detail\":\(JSONText.quoted(detail)),\"opened_at\":\(JSONText.quoted(openedAt.description)),"
            + "\"status\":\(JSONText.quoted(status))}"
    }
}

/// Read and write models behind `conflicts list` and `conflicts resolve`.
public enum ConflictQuery {
    static let select = """
        SELECT c.id, c.kind, c.request_id, f.name, c.field, c.detail, c.opened_at, c.status, c.closed_at, c.close_note
        FROM conflict c LEFT JOIN feed f ON f.id = c.feed_id
        """

    static func item(_ r: Row) -> ConflictItem {
        ConflictItem(id: r[0], kind: r[1], requestID: r[2], feed: r[3], field: r[4], detail: r[5],
                     openedAt: Timestamp(millis: r[6]), status: r[7], closedAt: (r[8] as Int64?).map(Timestamp.init(millis:)),
                     closeNote: r[9])
    }

    public static func list(_ db: AppDatabase, includeResolved: Bool) throws -> [ConflictItem] {
        try db.read { db in
            try Row.fetchAll(db, sql: select + (includeResolved ? "" : " WHERE c.status = 'open'") + " ORDER BY c.id").map(item)
        }
    }

    public static func forRequest(_ db: Database, _ requestID: String) throws -> [ConflictItem] {
        try Row.fetchAll(db, sql: select + " WHERE c.request_id = ? ORDER BY c.id", arguments: [requestID]).map(item)
    }

    public enum ResolveResult: Equatable, Sendable { case resolved, notFound, alreadyResolved }

    /// Closes a conflict by hand, keeping the note in the audit trail. An unmatched
    /// response resolved by hand is no longer retried.
    public static func resolve(_ db: AppDatabase, id: Int64, note: String, now: Timestamp) throws -> ResolveResult {
        try db.write { db in
            guard let status = try String.fetchOne(db, sql: "SELECT status FROM conflict WHERE id = ?", arguments: [id]) else {
                return .notFound
            }
            guard status == "open" else { return .alreadyResolved }
            try ObservationApplier.closeConflict(db, id: id, by: "user", note: note, at: now)
            try db.execute(sql: "DELETE FROM pending_observation WHERE conflict_id = ?", arguments: [id])
            return .resolved
        }
    }
}
