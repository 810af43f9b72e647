import EHCCore
import Foundation
import GRDB
@testable import EHCSync

/// Reading a test place's store: the public queries where they exist, plain SQL for
/// the bookkeeping tables the queries do not show.
extension TestPlace {
    /// Every record as `advice list --state all` sees it on `today`, by request id.
    func records(today: String) throws -> [String: AdviceListItem] {
        guard let config, let day = CivilDate(iso: today) else { throw TestFailure("no config, or a bad date '\(today)'") }
        let items = try AdviceQuery.list(try store(), rules: config.adviceRules, today: day,
                                         dueSoonDays: config.notices.dueSoonDays)
        return Dictionary(items.map { ($0.state.requestID, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// `advice show`'s model of one record, as on `today`.
    func history(_ requestID: String, today: String) throws -> AdviceHistory? {
        guard let config, let day = CivilDate(iso: today) else { throw TestFailure("no config, or a bad date '\(today)'") }
        return try AdviceHistory.load(try store(), requestID: requestID, rules: config.adviceRules, today: day,
                                      dueSoonDays: config.notices.dueSoonDays)
    }

    /// `conflicts list` (with `--all` by default).
    func conflicts(includeResolved: Bool = true) throws -> [ConflictItem] {
        try ConflictQuery.list(try store(), includeResolved: includeResolved)
    }

    /// One integer from SQL (`SELECT count(*) …`).
    func int(_ sql: String, _ arguments: StatementArguments = []) throws -> Int {
        try store().read { db in try Int.fetchOne(db, sql: sql, arguments: arguments) ?? 0 }
    }

    /// Rows of text columns from SQL, NULL as nil.
    func rows(_ sql: String, _ arguments: StatementArguments = []) throws -> [[String?]] {
        try store().read { db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                (0..<row.count).map { i -> String? in
                    let value: DatabaseValue = row[i]
                    switch value.storage {
                    case .null: return nil
                    case .int64(let n): return String(n)
                    case .double(let d): return String(d)
                    case .string(let s): return s
                    case .blob(let b): return "<\(b.count) bytes>"
                    }
                }
            }
        }
    }

    /// Row counts of the tables an applied observation touches, and every record's
    /// status and change time. Two equal snapshots mean nothing was applied in between.
    func appliedState() throws -> [String: String] {
        var out: [String: String] = [:]
        for table in ["advice", "advice_feed", "observation", "conflict", "pending_observation", "provider_link"] {
            out[table] = String(try int("SELECT count(*) FROM \(table)"))
        }
        out["records"] = try rows("SELECT request_id, status, changed_at FROM advice ORDER BY request_id")
            .map { $0.map { $0 ?? "-" }.joined(separator: "|") }.joined(separator: ";")
        return out
    }

    /// `outcome` of each `source_file` row for a file name, in the order taken.
    func sourceFileOutcomes(_ name: String) throws -> [String] {
        try rows("SELECT outcome FROM source_file WHERE name = ? ORDER BY id", [name]).map { $0[0] ?? "" }
    }
}
