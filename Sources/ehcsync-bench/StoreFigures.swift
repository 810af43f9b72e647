import EHCSync
import GRDB

/// What the store holds after the passes, read back with plain SQL, so the benchmark
/// also proves that the rows it timed really landed (a fast no-op would otherwise
/// look like a fast ingest).
struct StoreFigures {
    var advice = 0
    var observations: [(outcome: String, count: Int)] = []
    var adviceByLAStatus: [(status: String, count: Int)] = []
    var disputed = 0
    var openConflicts = 0
    var sourceFiles: [(name: String, rowsRead: Int, applied: Int, unchanged: Int, failed: Int)] = []
    var storeBytes = 0

    static func read(_ db: AppDatabase) throws -> StoreFigures {
        var f = StoreFigures()
        try db.read { db in
            f.advice = try Int.fetchOne(db, sql: "SELECT count(*) FROM advice") ?? 0
            // Sums over one scan rather than GROUP BY: no sorter, so checking adds no memory to the figures.
            f.observations = try Self.counts(db, table: "observation", column: "outcome", values: Self.outcomes)
            f.adviceByLAStatus = try Self.counts(db, table: "advice", column: "la_status", values: Self.laStatuses)
            f.disputed = try Int.fetchOne(db, sql: "SELECT count(*) FROM advice WHERE la_dispute = 'open'") ?? 0
            f.openConflicts = try Int.fetchOne(db, sql: "SELECT count(*) FROM conflict WHERE status = 'open'") ?? 0
            f.sourceFiles = try Row.fetchAll(db, sql: """
                SELECT name, rows_read, rows_applied, rows_unchanged, rows_failed FROM source_file ORDER BY id
                """).map { ($0[0], $0[1], $0[2], $0[3], $0[4]) }
            f.storeBytes = try Int.fetchOne(db, sql: "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()") ?? 0
        }
        return f
    }

    static let outcomes = ["created", "updated", "unchanged", "stale", "identity_mismatch", "unmatched"]
    static let laStatuses = ["requested", "accepted", "cancelled", "returned"]

    /// How many rows of `table` hold each of `values` in `column`, in one scan; zero counts left out.
    private static func counts(_ db: Database, table: String, column: String, values: [String]) throws -> [(String, Int)] {
        let sums = values.map { "sum(\(column) = '\($0)')" }.joined(separator: ", ")
        guard let row = try Row.fetchOne(db, sql: "SELECT \(sums) FROM \(table)") else { return [] }
        return values.enumerated().compactMap { i, value in
            let n: Int = row[i] ?? 0
            return n > 0 ? (value, n) : nil
        }
    }

    func count(_ outcome: String) -> Int { observations.first { $0.outcome == outcome }?.count ?? 0 }
    func laStatus(_ status: String) -> Int { adviceByLAStatus.first { $0.status == status }?.count ?? 0 }

    var lines: [String] {
        var out = ["store"]
        out.append("  advice          \(advice)")
        out.append("  la_status       " + adviceByLAStatus.map { "\($0.status) \($0.count)" }.joined(separator: ", "))
        out.append("  disputed        \(disputed)")
        out.append("  observations    " + observations.map { "\($0.outcome) \($0.count)" }.joined(separator: ", "))
        out.append("  open conflicts  \(openConflicts)")
        for file in sourceFiles {
            out.append("  file \(file.name): \(file.rowsRead) read, \(file.applied) applied, \(file.unchanged) unchanged, \(file.failed) errors")
        }
        out.append("  size            \(megabytes(storeBytes)) (main file, before checkpoint)")
        return out
    }
}
