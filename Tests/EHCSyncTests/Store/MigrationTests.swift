import EHCCore
import Foundation
import GRDB
import Testing
@testable import EHCSync

/// A store written by an older version opens in a newer one: named migrations run on
/// open, and nothing the older store held is lost.
@Suite struct MigrationTests {
    /// A fresh folder holding a store migrated up to `migration` only, which `fill`
    /// writes to as that version would; the caller removes the folder.
    static func oldStore(upTo migration: String, fill: (Database) throws -> Void) throws -> (dir: String, path: String) {
        let dir = FileManager.default.temporaryDirectory.path + "/ehcsync-migrate-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/s.sqlite"
        do {
            let old = try DatabaseQueue(path: path)
            try Schema.migrator.migrate(old, upTo: migration)
            try old.write(fill)
        } catch {
            try? FileManager.default.removeItem(atPath: dir)
            throw error
        }
        return (dir, path)
    }

    @Test func aVersion2StoreKeepsItsRecordsAuditAndFeedMarks() throws {
        let (dir, path) = try Self.oldStore(upTo: "v2-notices") { db in
            try db.execute(sql: """
                INSERT INTO feed(id, name, role) VALUES (1, 'la', 'la'), (2, 'trust', 'provider');
                INSERT INTO advice(id, request_id, la_request_id, la_case_ref, la_nhs_number, la_given_name, la_service,
                                   pr_received_on, pr_nhs_number, la_status, provider_status, status, due_on, created_at, changed_at)
                VALUES (7, 'LA-1', 'LA-1', 'EHC/1', '9990000018', 'Siân', 'salt', '2026-03-03', '9990000018', 'requested',
                        'in_progress', 'in_progress', '2026-04-14', 1, 1),
                       (9, 'LA-2', 'LA-2', 'EHC/2', NULL, NULL, 'ot', NULL, NULL, 'requested', NULL, 'requested', NULL, 1, 1);
                INSERT INTO advice_feed(feed_id, request_id, updated_at, row_hash) VALUES
                  (1, 'LA-1', 100, 11), (1, 'LA-2', 200, 22), (2, 'LA-1', 300, 33);
                INSERT INTO observation(feed_id, source, line, request_id, updated_at, applied_at, outcome, values_json) VALUES
                  (1, 'a.csv', 2, 'LA-1', 100, 1, 'created', '{"request_id":"LA-1","case_ref":"EHC/1","given_name":"Siân","updated_at":"1970-01-01T00:00:00.100Z"}'),
                  (1, 'a.csv', 3, 'LA-2', 200, 1, 'created', '{}'),
                  (2, 'b.json', 1, NULL, 300, 1, 'unmatched', '{}'),
                  (2, 'b.json', 2, 'LA-1', 300, 1, 'updated', '{}');
                """)
        }
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try AppDatabase(path: path)
        try store.read { db in
            let marks = try Row.fetchAll(db, sql: "SELECT feed_id, advice_id, updated_at, row_hash FROM advice_feed ORDER BY feed_id, advice_id")
                .map { [$0[0], $0[1], $0[2], $0[3]] as [Int64] }
            #expect(marks == [[1, 7, 100, 11], [1, 9, 200, 22], [2, 7, 300, 33]])
            let audit = try Row.fetchAll(db, sql: "SELECT request_id, advice_id FROM observation ORDER BY id")
                .map { "\(($0[0] as String?) ?? "-"):\(($0[1] as Int64?).map(String.init) ?? "-")" }
            #expect(audit == ["LA-1:7", "LA-2:9", "-:-", "LA-1:7"])
            #expect(try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid") == Schema.migrator.migrations)
            #expect(try String.fetchAll(db, sql: "SELECT la_nhs_number FROM advice WHERE id = 7") == ["9990000018"])
        }
        // The audit's values, packed by v7, read back as the JSON they were stored as.
        let history = try AdviceHistory.load(store, requestID: "LA-1", rules: AdviceRules(), today: CivilDate(iso: "2026-03-10")!,
                                             dueSoonDays: 7)
        #expect(history?.entries.map(\.valuesJSON) == [
            #"{"request_id":"LA-1","case_ref":"EHC/1","given_name":"Siân","updated_at":"1970-01-01T00:00:00.100Z"}"#,
            #"{"updated_at":"1970-01-01T00:00:00.300Z"}"#,
        ])
        let records = try AdviceQuery.list(store, rules: AdviceRules(), today: CivilDate(iso: "2026-03-10")!, dueSoonDays: 7)
        let byID = Dictionary(uniqueKeysWithValues: records.map { ($0.state.requestID, $0.state) })
        #expect(byID["LA-1"]?.la == [.request_id: "LA-1", .case_ref: "EHC/1", .nhs_number: "9990000018", .given_name: "Siân", .service: "salt"])
        #expect(byID["LA-1"]?.provider == [.received_on: "2026-03-03", .nhs_number: "9990000018"])
        #expect(byID["LA-1"]?.providerStatus == .in_progress)
        #expect(byID["LA-2"]?.la == [.request_id: "LA-2", .case_ref: "EHC/2", .service: "ot"])
        #expect(byID["LA-2"]?.provider == [:])
    }

    /// v8 moves `request_id`'s uniqueness from the table's definition into an index of
    /// its own, `advice_request`, keeping every record and id, and refusing a second
    /// record for a request id as before.
    @Test func version8KeepsRecordsAndRequestIDsUnique() throws {
        let (dir, path) = try Self.oldStore(upTo: "v7-checks-without-lists") { db in
            try db.execute(sql: """
                INSERT INTO feed(id, name, role) VALUES (1, 'la', 'la');
                INSERT INTO advice(id, request_id, la_nhs_number, la_status, status, due_on, conflicts_ever, created_at, changed_at)
                VALUES (3, 'LA-1', '9990000018', 'requested', 'requested', '2026-04-14', 2, 10, 20),
                       (8, 'LA-2', NULL, 'cancelled', 'cancelled', NULL, 0, 11, 21);
                INSERT INTO advice_feed(feed_id, advice_id, updated_at, row_hash) VALUES (1, 3, 100, 11), (1, 8, 200, 22);
                """)
            #expect(try String.fetchAll(db, sql: "SELECT name FROM sqlite_schema WHERE tbl_name = 'advice' AND type = 'index'")
                .contains("sqlite_autoindex_advice_1"))
        }
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try AppDatabase(path: path)
        try store.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT id, request_id, la_nhs_number, status, conflicts_ever, created_at, changed_at FROM advice ORDER BY id")
                .map { Array($0.databaseValues.map(\.description)) }
            #expect(rows == [["3", "\"LA-1\"", "\"9990000018\"", "\"requested\"", "2", "10", "20"],
                             ["8", "\"LA-2\"", "NULL", "\"cancelled\"", "0", "11", "21"]])
            let indexes = try String.fetchAll(db, sql: "SELECT name FROM sqlite_schema WHERE tbl_name = 'advice' AND type = 'index' ORDER BY name")
            #expect(indexes == ["advice_child", "advice_request", "advice_submitted"])
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM advice_feed JOIN advice ON advice.id = advice_feed.advice_id") == 2)
            #expect(try String.fetchAll(db, sql: "PRAGMA foreign_key_check").isEmpty)
        }
        #expect(throws: DatabaseError.self) {
            try store.write { db in
                try db.execute(sql: "INSERT INTO advice(request_id, status, created_at, changed_at) VALUES ('LA-1', 'requested', 1, 1)")
            }
        }
    }

    /// v9 adds `http_feed.since_cursor` (the `since` sent, one walk behind the cursor)
    /// and sets it to the cursor, so an upgraded store's first walk asks from where it
    /// asked before; every row and column is kept.
    @Test func version9KeepsHTTPFeedRowsAndSendsTheSameSinceFirst() throws {
        let columns = "feed_id, url, cursor, walk_cursor, etag, last_modified, next_url, walk_pages, row_errors, row_error_count, "
            + "last_status, retry_at"
        let (dir, path) = try Self.oldStore(upTo: "v8-request-index") { db in
            try db.execute(sql: """
                INSERT INTO feed(id, name, role) VALUES (1, 'la-api', 'la'), (2, 'trust-api', 'provider');
                INSERT INTO http_feed(\(columns)) VALUES
                  (1, 'https://la.example/feed', 1772445720000, 1772449000000, 'e1', NULL, 'https://la.example/feed?page=3', 2,
                   'page 1 line 2: bad', 1, 200, NULL),
                  (2, 'https://trust.example/feed', NULL, NULL, NULL, 'Mon, 02 Mar 2026 10:00:00 GMT', NULL, 0, NULL, 0, 503,
                   1772450000000);
                """)
        }
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try AppDatabase(path: path)
        try store.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT \(columns), since_cursor FROM http_feed ORDER BY feed_id")
                .map { Array($0.databaseValues.map(\.description)) }
            #expect(rows == [["1", "\"https://la.example/feed\"", "1772445720000", "1772449000000", "\"e1\"", "NULL",
                              "\"https://la.example/feed?page=3\"", "2", "\"page 1 line 2: bad\"", "1", "200", "NULL", "1772445720000"],
                             ["2", "\"https://trust.example/feed\"", "NULL", "NULL", "NULL", "\"Mon, 02 Mar 2026 10:00:00 GMT\"", "NULL",
                              "0", "NULL", "0", "503", "1772450000000", "NULL"]])
        }
        let state = try store.httpFeedState(feedID: 1, url: "https://la.example/feed")
        #expect(state.sinceCursor == Timestamp(millis: 1_772_445_720_000))
        #expect(state.cursor == state.sinceCursor)
        #expect(try store.httpFeedState(feedID: 1, url: "https://la.example/other").sinceCursor == nil, "another url starts afresh")
    }

    /// Version 10 keeps the newest `changed_at` in `advice_clock` and drops the index that
    /// answered it; an empty store starts the clock at 0.
    @Test(arguments: [true, false])
    func version10StartsTheClockAtTheNewestChange(withRecords: Bool) throws {
        let (dir, path) = try Self.oldStore(upTo: "v9-since-cursor") { db in
            guard withRecords else { return }
            try db.execute(sql: """
                INSERT INTO advice(request_id, status, created_at, changed_at) VALUES ('LA-1', 'requested', 1, 30), ('LA-2', 'requested', 2, 20);
                """)
        }
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try AppDatabase(path: path)
        try store.read { db throws in
            #expect(try Int64.fetchAll(db, sql: "SELECT changed_at FROM advice_clock") == [withRecords ? 30 : 0])
            #expect(try String.fetchAll(db, sql: "SELECT name FROM sqlite_schema WHERE name = 'advice_changed'").isEmpty)
        }
    }

    /// The statements run for every record or notice: none may build a temporary
    /// B-tree (`OpenEphemeral`), as a CHECK of `x IN ('a', 'b', 'c')` did for each run
    /// before `v7-checks-without-lists`.
    @Test func perRecordWritesBuildNoTemporaryTables() throws {
        let dir = FileManager.default.temporaryDirectory.path + "/ehcsync-ephemeral-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try AppDatabase(path: dir + "/s.sqlite")
        let statements = ObservationApplier.Query.allCases.map(\.sql) + [NoticeLedger.insertSQL]
        try store.write { db in  // a writer: SQLite compiles no constraint code on a read-only connection
            for sql in statements {
                let explain = try db.makeStatement(sql: "EXPLAIN " + sql)
                let nulls = Array(repeating: DatabaseValue.null, count: sql.filter { $0 == "?" }.count)
                let opcodes = try Row.fetchAll(explain, arguments: StatementArguments(nulls)).map { $0["opcode"] as String }
                #expect(opcodes.contains("Insert") || opcodes.contains("IdxInsert") || opcodes.contains("ResultRow"), "\(sql)")
                #expect(!opcodes.contains("OpenEphemeral"), "\(sql)")
            }
        }
    }

    /// The rewritten CHECKs refuse exactly what the lists refused, and let NULL pass.
    @Test func theRewrittenChecksStillRefuseUnknownValues() throws {
        let dir = FileManager.default.temporaryDirectory.path + "/ehcsync-checks-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try AppDatabase(path: dir + "/s.sqlite")
        func advice(_ laStatus: String?, _ providerStatus: String?) throws {
            try store.write { db in
                try db.execute(sql: """
                    INSERT INTO advice(request_id, la_status, provider_status, status, created_at, changed_at)
                    VALUES (?, ?, ?, 'requested', 1, 1)
                    """, arguments: [UUID().uuidString, laStatus, providerStatus])
            }
        }
        try advice("returned", nil)
        try advice(nil, "not_known")
        #expect(throws: DatabaseError.self) { try advice("sent", nil) }
        #expect(throws: DatabaseError.self) { try advice("requested", "done") }
        func observation(_ outcome: String) throws {
            try store.write { db in
                try db.execute(sql: "INSERT OR IGNORE INTO feed(id, name, role) VALUES (1, 'la', 'la')")
                try db.execute(sql: """
                    INSERT INTO observation(feed_id, source, line, applied_at, outcome, observed) VALUES (1, 'a.csv', 2, 1, ?, x'')
                    """, arguments: [outcome])
            }
        }
        try observation("identity_mismatch")
        #expect(throws: DatabaseError.self) { try observation("applied") }
        func item(_ kind: String) throws {
            try store.write { db in
                try db.execute(sql: """
                    INSERT INTO notice_item(key, kind, recipient, reason, planned_at) VALUES (?, ?, 'dco', 'r', 1)
                    """, arguments: [UUID().uuidString, kind])
            }
        }
        for kind in NoticeKind.allCases { try item(kind.rawValue) }
        #expect(throws: DatabaseError.self) { try item("postcard") }
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
