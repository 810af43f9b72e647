import Foundation
import GRDB
import Testing
@testable import EHCSync

/// A new store is made with 16 KB pages; a store made before keeps the size it has
/// (SQLite cannot change it in place without rewriting the file) and works as before.
@Suite struct StorePageSizeTests {
    static func folder(_ tag: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.path + "/ehcsync-\(tag)-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func aNewStoreHasSixteenKilobytePages() throws {
        let dir = try Self.folder("pages")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try AppDatabase(path: dir + "/s.sqlite")
        #expect(try store.read { db in try Int.fetchOne(db, sql: "PRAGMA page_size") } == 16_384)
        #expect(try store.journalMode() == "wal")
    }

    @Test func anOlderStoreKeepsItsPagesAndOpens() throws {
        let dir = try Self.folder("pages-old")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/s.sqlite"
        do {
            // A store as an older release made it: 4 KB pages, WAL, its tables.
            let queue = try DatabaseQueue(path: path)
            try queue.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA page_size = 4096")
                _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
            }
            try Schema.migrator.migrate(queue)
        }
        let store = try AppDatabase(path: path)
        #expect(try store.read { db in try Int.fetchOne(db, sql: "PRAGMA page_size") } == 4096)
        #expect(try store.feedID(name: "la-cases", role: .la) == 1)
        #expect(try store.integrityCheck() == "ok")
    }
}
