import EHCCore
import Foundation
import GRDB

/// The `notice_item` table: every item ever planned, its key unique, so nothing is sent twice.
enum NoticeLedger {
    /// Inserts one item unless its key is recorded already.
    static let insertSQL = """
        INSERT OR IGNORE INTO notice_item(key, kind, recipient, request_id, conflict_id, reason, exception, suppressed, planned_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    /// Records `items` in the caller's transaction; an item whose key is there already is skipped.
    static func insert(_ db: Database, _ items: [PlannedNotice], now: Timestamp) throws {
        let stmt = try db.cachedStatement(sql: insertSQL)
        for item in items {
            try stmt.execute(arguments: [item.key, item.kind.rawValue, item.recipient, item.requestID, item.conflictID,
                                         item.reason.description, item.exception?.rawValue, item.isSuppressed ? 1 : 0, now.millis])
        }
    }
}
