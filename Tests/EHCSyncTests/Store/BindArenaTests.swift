import Foundation
import GRDB
import Testing
@testable import EHCSync

/// Text and blobs bound from a `BindArena` reach the store exactly as given: several
/// values a statement, statements one after another through the same arena, and values
/// too large for what is left of it (SQLite copies those itself).
@Suite struct BindArenaTests {
    @Test(arguments: [16, 64, 64 << 10])
    func everyValueArrivesWhole(arenaCapacity: Int) throws {
        let dir = FileManager.default.temporaryDirectory.path + "/ehcsync-arena-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try AppDatabase(path: dir + "/s.sqlite")
        let texts = ["", "a", "fifteen bytes!!", "Zoë O’Brien-Ślęzak", String(repeating: "long value ", count: 12), "x"]
        let blobs: [[UInt8]] = [[], [0], [1, 2, 3], Array(repeating: 0xAB, count: 40), Array(0...255)]
        var expected: [(String, String, [UInt8], Int64)] = []
        try store.write { db in
            try db.execute(sql: "CREATE TABLE t(a TEXT, b TEXT, c BLOB, d INTEGER); CREATE TABLE u(a TEXT, c BLOB)")
            let arena = BindArena(capacity: arenaCapacity)
            let insertT = try db.makeStatement(sql: "INSERT INTO t(a, b, c, d) VALUES (?, ?, ?, ?)")
            let insertU = try db.makeStatement(sql: "INSERT INTO u(a, c) VALUES (?, ?)")
            for i in 0..<60 {
                let a = texts[i % texts.count], b = texts[(i * 7 + 3) % texts.count] + "\(i)", c = blobs[i % blobs.count]
                var t = RawBinder(insertT, arena: arena)
                t.bind(a); t.bind(b); t.bind(bytes: c); t.bind(Int64(i))
                try RawBinder.run(insertT, in: db)
                expected.append((a, b, c, Int64(i)))
                // Another statement through the same arena in between.
                var u = RawBinder(insertU, arena: arena)
                u.bind(b); u.bind(bytes: c)
                try RawBinder.run(insertU, in: db)
            }
        }
        let rows = try store.read { db in try Row.fetchAll(db, sql: "SELECT a, b, c, d FROM t ORDER BY rowid") }
        #expect(rows.count == expected.count)
        for (row, want) in zip(rows, expected) {
            #expect(row[0] as String == want.0)
            #expect(row[1] as String == want.1)
            #expect([UInt8](row[2] as Data) == want.2)
            #expect(row[3] as Int64 == want.3)
        }
        let others = try store.read { db in try Row.fetchAll(db, sql: "SELECT a, c FROM u ORDER BY rowid") }
        #expect(others.map { $0[0] as String } == expected.map(\.1))
        #expect(others.map { [UInt8]($0[1] as Data) } == expected.map(\.2))
    }
}
