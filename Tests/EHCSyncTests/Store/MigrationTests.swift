import EHCCore
import Foundation
import GRDB
import Testing
@testable import EHCSync

/// A store written by an older version opens in a newer one: named migrations run on
/// open, and nothing the older store held is lost.
@Suite struct MigrationTests {
    @Test func aVersion2StoreKeepsItsAuditAndFeedMarksUnderVersion3() throws {
        let dir = FileManager.default.temporaryDirectory.path + "/ehcsync-migrate-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/s.sqlite"
        do {
            let old = try DatabaseQueue(path: path)
            try Schema.migrator.migrate(old, upTo: "v2-notices")
            try old.write { db in
                try db.execute(sql: """
                    INSERT INTO feed(id, name, role) VALUES (1, 'la', 'la'), (2, 'trust', 'provider');
                    INSERT INTO advice(id, request_id, la_case_ref, status, created_at, changed_at) VALUES
                      (7, 'LA-1', 'EHC/1', 'requested', 1, 1), (9, 'LA-2', 'EHC/2', 'requested', 1, 1);
                    INSERT INTO advice_feed(feed_id, request_id, updated_at, row_hash) VALUES
                      (1, 'LA-1', 100, 11), (1, 'LA-2', 200, 22), (2, 'LA-1', 300, 33);
                    INSERT INTO observation(feed_id, source, line, request_id, updated_at, applied_at, outcome, values_json) VALUES
                      (1, 'a.csv', 2, 'LA-1', 100, 1, 'created', '{}'),
                      (1, 'a.csv', 3, 'LA-2', 200, 1, 'created', '{}'),
                      (2, 'b.json', 1, NULL, 300, 1, 'unmatched', '{}'),
                      (2, 'b.json', 2, 'LA-1', 300, 1, 'updated', '{}');
                    """)
            }
        }
        let store = try AppDatabase(path: path)
        try store.read { db in
            let marks = try Row.fetchAll(db, sql: "SELECT feed_id, advice_id, updated_at, row_hash FROM advice_feed ORDER BY feed_id, advice_id")
                .map { [$0[0], $0[1], $0[2], $0[3]] as [Int64] }
            #expect(marks == [[1, 7, 100, 11], [1, 9, 200, 22], [2, 7, 300, 33]])
            let audit = try Row.fetchAll(db, sql: "SELECT request_id, advice_id FROM observation ORDER BY id")
                .map { "\(($0[0] as String?) ?? "-"):\(($0[1] as Int64?).map(String.init) ?? "-")" }
            #expect(audit == ["LA-1:7", "LA-2:9", "-:-", "LA-1:7"])
            #expect(try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid").last == "v3-keys-by-advice-id")
        }
    }
}
