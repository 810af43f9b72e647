import EHCCore
import Foundation
import GRDB

/// Records the notices a change makes due at once — an identity mismatch, advice not
/// received, a cancellation the provider must hear of, a dispute — in the transaction
/// that makes the change. The cycle groups recorded items into messages later, so a
/// crash in between loses nothing: the items wait in the ledger. It lives in the store
/// because the store's apply records them; the planning itself is `NoticePlanner`'s.
public struct ImmediateNotices: Sendable {
    public let planner: NoticePlanner
    public let dueSoonDays: Int

    /// The recorder for `planner`'s recipients, with the days before a due date that count as "due soon".
    public init(planner: NoticePlanner, dueSoonDays: Int) {
        self.planner = planner
        self.dueSoonDays = dueSoonDays
    }

    /// Records, in the caller's transaction, the immediate items the change to `state`
    /// makes due (the conflicts it `opened`, a dispute), skipping any already recorded.
    func record(_ db: Database, state: AdviceState, opened: [OpenConflict], today: CivilDate, now: Timestamp) throws {
        let view = Deadlines.view(of: state, rules: planner.rules, today: today, dueSoonDays: dueSoonDays)
        let recorded = Set(try String.fetchAll(db, sql: "SELECT key FROM notice_item WHERE request_id = ?", arguments: [state.requestID]))
        let items = planner.plan(records: [(state, view)], conflicts: opened, recorded: recorded, today: today)
            .filter { $0.kind == .conflict || $0.kind == .dispute }
        try NoticeLedger.insert(db, items, now: now)
    }
}
