import EHCCore
import Foundation
import GRDB

/// What the store holds, counted with plain SQL: the benchmark reads it back after its
/// passes, so a fast no-op cannot pass for a fast ingest.
public struct StoreCensus: Sendable {
    public var advice = 0
    /// Audit rows by outcome, and records by LA status, in the order asked (zero counts left out).
    public var observations: [(outcome: String, count: Int)] = []
    public var adviceByLAStatus: [(status: String, count: Int)] = []
    public var disputed = 0
    public var openConflicts = 0
    /// Every `source_file` row, oldest first.
    public var sourceFiles: [(name: String, rowsRead: Int, applied: Int, unchanged: Int, failed: Int)] = []
    /// The main file's size (before any checkpoint).
    public var storeBytes = 0

    /// Counts the store on one snapshot, audit rows by each of `outcomes` and records by
    /// each of `laStatuses`.
    public static func read(_ db: AppDatabase, outcomes: [String], laStatuses: [String]) throws -> StoreCensus {
        var f = StoreCensus()
        try db.read { db in
            f.advice = try Int.fetchOne(db, sql: "SELECT count(*) FROM advice") ?? 0
            // Sums over one scan rather than GROUP BY: no sorter, so checking adds no memory to the figures.
            f.observations = try Self.counts(db, table: "observation", column: "outcome", values: outcomes)
            f.adviceByLAStatus = try Self.counts(db, table: "advice", column: "la_status", values: laStatuses)
            f.disputed = try Int.fetchOne(db, sql: "SELECT count(*) FROM advice WHERE la_dispute = 'open'") ?? 0
            f.openConflicts = try Int.fetchOne(db, sql: "SELECT count(*) FROM conflict WHERE status = 'open'") ?? 0
            f.sourceFiles = try Row.fetchAll(db, sql: """
                SELECT name, rows_read, rows_applied, rows_unchanged, rows_failed FROM source_file ORDER BY id
                """).map { ($0[0], $0[1], $0[2], $0[3], $0[4]) }
            f.storeBytes = try Int.fetchOne(db, sql: "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()") ?? 0
        }
        return f
    }

    /// The number of advice records, alone.
    public static func adviceCount(_ db: AppDatabase) throws -> Int {
        try db.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM advice") ?? 0 }
    }

    /// How many rows of `table` hold each of `values` in `column`, in one scan; zero counts left out.
    private static func counts(_ db: Database, table: String, column: String, values: [String]) throws -> [(String, Int)] {
        let sums = values.map { "sum(\(column) = '\($0)')" }.joined(separator: ", ")
        guard let row = try Row.fetchOne(db, sql: "SELECT \(sums) FROM \(table)") else { return [] }
        return values.enumerated().compactMap { i, value in
            let n: Int = row[i] ?? 0
            return n > 0 ? (value, n) : nil
        }
    }
}
