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

    /// The per-record lookups must be index searches, never scans: at a million
    /// records a scan per row would stop a first load.
    @Test(arguments: [
        ("SELECT request_id FROM advice WHERE la_nhs_number = ? AND la_provider_ods = ? AND la_service = ? AND status NOT IN ('cancelled', 'accepted') LIMIT 2", "advice_child"),
        ("SELECT f.row_hash, f.updated_at FROM advice a JOIN advice_feed f ON f.feed_id = ? AND f.advice_id = a.id WHERE a.request_id = ?", "PRIMARY KEY"),
        ("SELECT o.id FROM observation o WHERE o.advice_id = (SELECT id FROM advice WHERE request_id = ?) ORDER BY o.id", "observation_advice"),
    ])
    func perRecordLookupsSearchAnIndex(sql: String, index: String) throws {
        let dir = FileManager.default.temporaryDirectory.path + "/ehcsync-plan-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try AppDatabase(path: dir + "/s.sqlite")
        let plan = try store.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: StatementArguments(Array(repeating: "x", count: sql.filter { $0 == "?" }.count)))
                .map { $0["detail"] as String }
        }
        #expect(plan.contains { $0.contains(index) }, "\(plan)")
        #expect(!plan.contains { $0.hasPrefix("SCAN") }, "\(plan)")
    }
}
