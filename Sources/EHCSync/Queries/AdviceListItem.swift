import EHCCore
import Foundation
import GRDB
import GRDBSQLite

/// One line of `advice list`: the standing values, the derived status and where the
/// record stands against its deadlines today.
public struct AdviceListItem: Sendable {
    public var state: AdviceState
    public var view: DeadlineView
    public var openConflicts: Int
    public var changedAt: Timestamp

    /// The canonical fields that appear in output, in SPEC §3 order.
    static let outputFields: [CanonicalField] = CanonicalField.allCases.filter { $0 != .status && $0 != .updated_at && $0 != .due_on }

    /// The standing value of each set field, plus due_on and status.
    public var fields: [(String, String)] {
        var out: [(String, String)] = []
        for field in Self.outputFields {
            if let v = state.value(field) { out.append((field.rawValue, v)) }
            if field == .received_on, let due = view.dueOn { out.append(("due_on", due.description)) }
            if field == .received_on { out.append(("status", state.status)) }
        }
        out.append(("updated_at", changedAt.description))
        return out
    }

    /// The object of `advice list --json` (SPEC §9), rendered by the core so notices
    /// and the digest describe a record the same way.
    public func json(includeIdentifiers: Bool = true) -> String {
        AdviceItemJSON.render(state: state, view: view, openConflicts: openConflicts,
                              includeIdentifiers: includeIdentifiers, updatedAt: changedAt)
    }

    /// Columns of `advice list --csv`, fixed so spreadsheets can rely on them.
    public static let csvHeader: [String] = outputFields.map(\.rawValue).flatMap { f -> [String] in
        f == CanonicalField.received_on.rawValue ? [f, "due_on", "status"] : [f]
    } + ["la_status", "provider_status", "state", "disputed", "days_overdue", "answered_on", "on_time", "timeline_week", "open_conflicts"]

    public var csvRow: [String] {
        var byName: [String: String] = [:]
        for (k, v) in fields { byName[k] = v }
        byName["la_status"] = state.laStatus?.rawValue
        byName["provider_status"] = state.providerStatus?.rawValue
        byName["state"] = view.state.rawValue
        byName["disputed"] = view.disputed ? "true" : "false"
        byName["days_overdue"] = view.daysOverdue.map(String.init)
        byName["answered_on"] = view.answeredOn?.description
        byName["on_time"] = view.onTime.map { $0 ? "true" : "false" }
        byName["timeline_week"] = view.timelineWeek.map(String.init)
        byName["open_conflicts"] = String(openConflicts)
        return Self.csvHeader.map { byName[$0] ?? "" }
    }
}

/// Read models behind `advice list` and `advice show`.
public enum AdviceQuery {
    /// Every record with its view today, oldest due first.
    public static func list(_ db: AppDatabase, rules: AdviceRules, today: CivilDate, dueSoonDays: Int,
                            only requestID: String? = nil) throws -> [AdviceListItem] {
        try db.read { db in
            let sql = AdviceRowCodec.select(extra: ["changed_at"], where: requestID == nil ? nil : "request_id = ?")
            var open: [String: Int] = [:]
            let counts = try Row.fetchCursor(db, sql: """
                SELECT request_id, count(*) FROM conflict WHERE status = 'open' AND request_id IS NOT NULL
                """ + (requestID == nil ? "" : " AND request_id = ?") + " GROUP BY request_id",
                arguments: requestID.map { [$0] } ?? [])
            while let row = try counts.next() { open[row[0]] = row[1] }
            let statement = try db.makeStatement(sql: sql)
            try statement.setArguments(requestID.map { [$0] } ?? [])
            let changedColumn = AdviceRowCodec.stateColumnCount
            var items: [AdviceListItem] = []
            while try RawStep.next(statement, in: db) {
                let (state, _) = AdviceRowCodec.state(raw: statement.sqliteStatement)
                let view = Deadlines.view(of: state, rules: rules, today: today, dueSoonDays: dueSoonDays)
                items.append(AdviceListItem(state: state, view: view, openConflicts: open[state.requestID] ?? 0,
                                            changedAt: Timestamp(millis: sqlite3_column_int64(statement.sqliteStatement, changedColumn))))
            }
            return items.sorted { ($0.view.workingDueOn ?? CivilDate(daysSinceEpoch: .max), $0.state.requestID)
                    < ($1.view.workingDueOn ?? CivilDate(daysSinceEpoch: .max), $1.state.requestID) }
        }
    }

    /// Filters by the `--state` words of SPEC §9; `nil` means everything not closed or cancelled.
    public static func matches(_ item: AdviceListItem, filter: String?) -> Bool {
        switch filter {
        case nil: return item.view.state != .closed && item.view.state != .cancelled
        case "all"?: return true
        case "disputed"?: return item.view.disputed
        case let s?: return item.view.state.rawValue == s
        }
    }

    public static let filterWords = AdviceStateKind.allCases.map(\.rawValue) + ["disputed", "all"]
}
