import EHCCore
import Foundation
import GRDB
import GRDBSQLite

/// The first load's machinery, apart from the rules an observation is applied by:
/// the feed's marks in memory, the planned rows written in batches, and the indexes
/// dropped for the load and built again at its end (`bulk`).
extension ObservationApplier {
    /// Secondary indexes a first load builds once, after its last row, rather than
    /// row by row: sorted builds cost a fraction of a million random inserts. A record
    /// planned on the reading thread needs no lookup at all; the first lookup of a
    /// record by its request id (a request the file names twice, a provider's record)
    /// makes `advice_request` again there and then (`needRequestIndex`). Marks are
    /// found by their key, and a provider's records, matched by NHS number, cannot
    /// meet an `advice` row on an empty store.
    static let indexesBuiltAfterFirstLoad = ["advice_request", "advice_child", "observation_advice"]

    /// Makes `advice_request` again, now, if a first load set it aside: a record is
    /// about to be looked up by its request id. Its `UNIQUE` holds the load to one
    /// record a request id, whichever way the records came.
    func needRequestIndex() throws {
        guard let i = deferredIndexes.firstIndex(where: { $0.name == "advice_request" }) else { return }
        try db.execute(sql: deferredIndexes[i].sql)
        deferredIndexes.remove(at: i)
    }

    /// Writes the planned records' audit rows and marks held back, in order: a full
    /// batch with one statement each, fewer one by one. Called before anything reads
    /// or writes `observation` or `advice_feed` another way, and at the end of `bulk`.
    func flushPlannedRows() throws {
        guard let batch = plannedRows, !batch.isEmpty else { return }
        let count = batch.rows.count
        let full = count == PlannedRowBatch.size
        let (observations, marks) = try full ? (statement(.observationInsertBatch), statement(.markUpsertBatch))
                                             : (statement(.observationInsert), statement(.markUpsert))
        for start in stride(from: 0, to: count, by: full ? count : 1) {
            let rows = start..<(full ? count : start + 1)
            try batch.writeObservations(observations, rows, feedID: feedID, appliedAt: now.millis, arena: arena, in: db)
            try batch.writeMarks(marks, rows, feedID: feedID, in: db)
        }
        batch.removeAll()
    }

    /// Runs `body`, the applying of one large file or page, with this feed's marks in
    /// memory (`loadKnownRows`) and a page cache sized for it (the one before is given
    /// back). On a first load into an empty store the indexes of
    /// `indexesBuiltAfterFirstLoad` are dropped for the load and made again, from their
    /// own stored definitions, before this returns: inside the same transaction, so a
    /// failure anywhere rolls back to the indexes as they were.
    public func bulk<T>(_ body: () throws -> T) throws -> T {
        try loadKnownRows()
        let cacheSize = try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? -AppDatabase.pageCacheKiB
        defer { try? db.execute(sql: "PRAGMA cache_size = \(cacheSize)") }
        guard freshStore else {
            // Random inserts into the indexes of a store that holds records.
            try db.execute(sql: "PRAGMA cache_size = -\(AppDatabase.bulkPageCacheKiB)")
            return try body()
        }
        for name in Self.indexesBuiltAfterFirstLoad {
            guard let sql = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = ?",
                                                arguments: [name]) else { continue }
            try db.execute(sql: "DROP INDEX \(name)")
            deferredIndexes.append((name, sql))
        }
        plannedRows = PlannedRowBatch()
        defer { plannedRows = nil }
        let result = try body()
        try flushPlannedRows()
        // The tables are written: the disk takes them while the indexes are built.
        StoreWriteback.start(db)
        // Each build sorts up to the page cache's size in memory, then in temporary
        // files: a smaller cache for the builds keeps the process's peak down.
        try db.execute(sql: "PRAGMA cache_size = -\(AppDatabase.indexBuildCacheKiB)")
        while let index = deferredIndexes.first {
            try db.execute(sql: index.sql)
            deferredIndexes.removeFirst()
        }
        return result
    }

    /// Loads `knownRows`: one scan of this feed's marks, worth it when a file brings
    /// many rows (a daily full re-export), not for a small delta.
    public func loadKnownRows() throws {
        let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM advice_feed WHERE feed_id = ?", arguments: [feedID]) ?? 0
        var set = RowHashSet(capacity: count)
        let cursor = try Int64.fetchCursor(db, sql: "SELECT row_hash FROM advice_feed WHERE feed_id = ?", arguments: [feedID])
        while let h = try cursor.next() { set.insert(h) }
        knownRows = set
        freshStore = try count == 0 && (Bool.fetchOne(db, sql: "SELECT NOT EXISTS (SELECT 1 FROM advice)") ?? false)
    }
}
