import CSQLiteConfig
import EHCCore
import Foundation
import GRDB
import Synchronization

/// Owns the store: the one SQLite file, its migrations and its writer. Each public
/// write method is one transaction.
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

    /// Runs `body` in one write transaction.
    public func write<T>(_ body: (Database) throws -> T) throws -> T {
        try pool.write(body)
    }

    /// Runs `body` on a read snapshot.
    public func read<T>(_ body: (Database) throws -> T) throws -> T {
        try pool.read(body)
    }

    /// `PRAGMA integrity_check`, for tests and the reliability harness.
    public func integrityCheck() throws -> String {
        try pool.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "no answer" }
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
