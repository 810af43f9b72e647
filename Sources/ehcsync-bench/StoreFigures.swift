import EHCSync

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

    /// The figures of the store `db`, read back through `StoreCensus`.
    static func read(_ db: AppDatabase) throws -> StoreFigures {
        let c = try StoreCensus.read(db, outcomes: outcomes, laStatuses: laStatuses)
        return StoreFigures(advice: c.advice, observations: c.observations, adviceByLAStatus: c.adviceByLAStatus,
                            disputed: c.disputed, openConflicts: c.openConflicts, sourceFiles: c.sourceFiles, storeBytes: c.storeBytes)
    }

    static let outcomes = ["created", "updated", "unchanged", "stale", "identity_mismatch", "unmatched"]
    static let laStatuses = ["requested", "accepted", "cancelled", "returned"]

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
