import EHCCore
import Foundation
import GRDB

/// Records the notices a change makes due at once — an identity mismatch, advice not
/// received, a cancellation the provider must hear of, a dispute — in the transaction
/// that makes the change. The cycle groups recorded items into messages later, so a
/// crash in between loses nothing: the items wait in the ledger.
public struct ImmediateNotices: Sendable {
    public let planner: NoticePlanner
    public let dueSoonDays: Int

    public init(planner: NoticePlanner, dueSoonDays: Int) {
        self.planner = planner
        self.dueSoonDays = dueSoonDays
    }

    func record(_ db: Database, state: AdviceState, opened: [OpenConflict], today: CivilDate, now: Timestamp) throws {
        let view = Deadlines.view(of: state, rules: planner.rules, today: today, dueSoonDays: dueSoonDays)
        let recorded = Set(try String.fetchAll(db, sql: "SELECT key FROM notice_item WHERE request_id = ?", arguments: [state.requestID]))
        let items = planner.plan(records: [(state, view)], conflicts: opened, recorded: recorded, today: today)
            .filter { $0.kind == .conflict || $0.kind == .dispute }
        try NoticeLedger.insert(db, items, now: now)
    }
}

/// The `notice_item` table: every item ever planned, its key unique, so nothing is sent twice.
enum NoticeLedger {
    static let insertSQL = """
        INSERT OR IGNORE INTO notice_item(key, kind, recipient, request_id, conflict_id, reason, exception, suppressed, planned_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    static func insert(_ db: Database, _ items: [PlannedNotice], now: Timestamp) throws {
        let stmt = try db.cachedStatement(sql: insertSQL)
        for item in items {
            try stmt.execute(arguments: [item.key, item.kind.rawValue, item.recipient, item.requestID, item.conflictID,
                                         item.reason.description, item.exception?.rawValue, item.isSuppressed ? 1 : 0, now.millis])
        }
    }
}
