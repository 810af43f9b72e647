import CSQLiteConfig
import EHCCore
import Foundation
import GRDB
import Synchronization

/// Owns the store: the one SQLite file, its migrations and its writer. Each public
/// write method is one transaction.
///
/// Its face is named operations, in domain words, spread over its extensions: apply a
/// file or a page with its bookkeeping and record a poll (`+Feeds`, `+HTTPFeed`),
/// retry parked records and sweep the clock (`+Cycle`), record and queue notices
/// (`+Notices`), take and settle outbox messages (`+Outbox`), and the reads in
/// `Queries/`. SQL stays in `Store/` and `Queries/`; a second engine implements these.
public final class AppDatabase: Sendable {
    public let path: String
    let pool: DatabasePool
    /// Set by `interrupt()`, for good.
    let interrupted = Atomic<Bool>(false)

    /// SQLite's page cache per connection, in KiB.
    static let pageCacheKiB = 16_000
    /// The writer's page cache while a large file is applied to a store that holds
    /// records: at a million records the random index inserts miss a 16 MB cache on
    /// most rows. (A first load builds those indexes at its end, and keeps 16 MB.)
    static let bulkPageCacheKiB = 24_000
    /// The page cache while a first load builds its indexes (`ObservationApplier.bulk`):
    /// SQLite sorts up to this much in memory before it spills to temporary files.
    static let indexBuildCacheKiB = 8_000

    /// SQLite's process-wide settings, made once before its first connection: it does
    /// not count its memory use, which took a mutex on every allocation (a few percent
    /// of a first load). Too late once SQLite has started, which changes nothing else.
    private static let configured: Bool = ehc_sqlite3_config_memstatus(0) == SQLITE_OK

    /// Opens (creating with mode 0600 if needed) and migrates the store.
    public init(path: String) throws(StoreError) {
        _ = Self.configured
        self.path = path
        let dir = (path as NSString).deletingLastPathComponent
        do {
            if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        } catch {
            throw StoreError("cannot create the store's folder \(dir): \(error.localizedDescription)")
        }
        // Create the file ourselves so it is never readable by others, even for a moment.
        let fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw StoreError("cannot open the store \(path): \(String(cString: strerror(errno)))") }
        close(fd)
        var config = Configuration()
        config.label = "ehcsync"
        config.busyMode = .timeout(10)
        // Temporary storage in files, not memory: a sort larger than the page cache (an
        // index built after a first load, a big report) then spills to disk instead of
        // growing the process. SQLite unlinks its temporary files as it opens them, and
        // the systemd unit gives the service a private /tmp.
        config.prepareDatabase { db in
            try db.execute(sql: """
                PRAGMA synchronous = NORMAL;
                PRAGMA cache_size = -\(AppDatabase.pageCacheKiB);
                PRAGMA temp_store = FILE;
                PRAGMA journal_size_limit = 67108864;
                """)
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
            try Schema.migrator.migrate(pool)
        } catch {
            throw StoreError("cannot open the store \(path): \(error)")
        }
    }

    /// Runs `body` in one write transaction. Internal: callers outside `Store/` and
    /// `Queries/` ask for a named operation instead, so SQL never leaves the store.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        try pool.write(body)
    }

    /// Runs `body` on a read snapshot. While a first load holds the store (see
    /// `firstLoad`), it waits for the load's end instead, behind it on the writer.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        if firstLoadUnderWay.load(ordering: .acquiring) { return try pool.writeWithoutTransaction(body) }
        return try pool.read(body)
    }

    /// True while a first load writes with a rollback journal: readers wait for it.
    private let firstLoadUnderWay = Atomic<Bool>(false)

    /// Runs `body`, which applies one large file or page in a write transaction of its
    /// own, with a rollback journal in place of the WAL when the store holds no records.
    ///
    /// In WAL mode every page of a first load is written twice: into the WAL, then
    /// copied into the store by the checkpoint at commit, a 500 MB copy and sync at a
    /// million rows. A rollback journal keeps only the pages a transaction changes that
    /// were there when it began, and an empty store has almost none, so each page is
    /// written once, into its place. A crash part-way leaves a journal that the next
    /// open rolls back, as the WAL would: the load is all or nothing either way. For
    /// the load, `synchronous` is `FULL`, as a rollback journal needs to survive a
    /// power cut.
    ///
    /// The price: until the transaction commits, other connections cannot read the
    /// store, where the WAL would have shown them the store as it was, which is empty.
    /// This process's reads (`read`) wait behind the load; another process waits up to
    /// the busy timeout. If another connection has the store open (`ehcsync status` in
    /// another process, say), SQLite keeps the WAL at once and the load runs as any
    /// other. With `large` false, `body` just runs.
    func firstLoad<T>(if large: Bool, _ body: () throws -> T) throws -> T {
        guard large else { return try body() }
        // Readers this process has open would keep the WAL: close them (waiting for
        // any read under way). Reads from now on wait on the writer.
        firstLoadUnderWay.store(true, ordering: .releasing)
        defer { firstLoadUnderWay.store(false, ordering: .releasing) }
        pool.releaseMemory()
        let switched = try pool.writeWithoutTransaction { db -> Bool in
            // SQLite refuses to leave the WAL ("database is locked") while another
            // connection has the store open: the load then keeps the WAL.
            guard try Bool.fetchOne(db, sql: "SELECT NOT EXISTS (SELECT 1 FROM advice)") == true,
                  (try? String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE")) == "delete" else { return false }
            try db.execute(sql: "PRAGMA synchronous = FULL")
            return true
        }
        guard switched else {
            firstLoadUnderWay.store(false, ordering: .releasing)
            return try body()
        }
        defer {
            // Back to the WAL, the store's mode whenever it is not taking a first load;
            // should this fail, every open sets it again.
            try? pool.writeWithoutTransaction { db in
                _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
            }
        }
        return try body()
    }

    /// The store's journal mode (`wal` but during a first load).
    public func journalMode() throws -> String {
        try pool.writeWithoutTransaction { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
    }

    /// `PRAGMA integrity_check`, for tests and the reliability harness.
    public func integrityCheck() throws -> String {
        try read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "no answer" }
    }

    /// The id of a configured feed, creating its row the first time it is seen.
    public func feedID(name: String, role: Role) throws -> Int64 {
        try pool.write { db in try Self.feedID(db, name: name, role: role) }
    }

    static func feedID(_ db: Database, name: String, role: Role) throws -> Int64 {
        if let id = try Int64.fetchOne(db, sql: "SELECT id FROM feed WHERE name = ?", arguments: [name]) {
            try db.execute(sql: "UPDATE feed SET role = ? WHERE id = ? AND role <> ?", arguments: [role.rawValue, id, role.rawValue])
            return id
        }
        try db.execute(sql: "INSERT INTO feed(name, role) VALUES (?, ?)", arguments: [name, role.rawValue])
        return db.lastInsertedRowID
    }
}

/// A store fault worth telling the operator about in one line.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
