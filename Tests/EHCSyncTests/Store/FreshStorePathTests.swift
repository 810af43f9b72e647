import EHCCore
import Foundation
import GRDB
import Testing
@testable import EHCSync

/// A first load into an empty store takes shortcuts: its secondary indexes are built at
/// the end, and each request's first row is planned on the reading thread without a
/// lookup (nothing can be there but what the file itself wrote). The shortcuts must not
/// change a single outcome: a file applied with and without them leaves the same
/// records and audit.
@Suite struct FreshStorePathTests {
    static func obs(_ id: String, _ caseRef: String, _ status: String, at iso: String, line: Int) throws -> Observation {
        let t = try #require(Timestamp.parse(iso, zone: .gmt))
        return Observation(role: .la, values: [.request_id: id, .case_ref: caseRef, .provider_ods: "RBT", .service: "salt",
                                               .requested_on: "2026-03-02", .status: status], updatedAt: t, line: line)
    }

    /// Applies the observations in one transaction; returns each record's row and the audit outcomes.
    static func apply(_ observations: [Observation], fastPath: Bool) throws -> (records: [[String?]], outcomes: [String]) {
        let dir = FileManager.default.temporaryDirectory.path + "/ehcsync-fresh-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try AppDatabase(path: dir + "/s.sqlite")
        let now = try #require(Timestamp.parse("2026-03-10T09:00:00Z", zone: .gmt))
        try store.write { db in
            try db.execute(sql: "INSERT INTO feed(id, name, role) VALUES (1, 'la', 'la')")
            let applier = ObservationApplier(db: db, feedID: 1, role: .la, rules: AdviceRules(), now: now,
                                             today: now.localDate(in: .gmt))
            let applyAll = { for (i, o) in observations.enumerated() { try applier.apply(o, source: "f.csv", rowHash: Int64(i + 1)) } }
            if fastPath { try applier.bulk(applyAll) } else { try applyAll() }
        }
        let records = try AdviceQuery.list(store, rules: AdviceRules(), today: now.localDate(in: .gmt), dueSoonDays: 7)
            .sorted { $0.state.requestID < $1.state.requestID }
            .map { [$0.state.requestID, $0.state.la[.case_ref], $0.state.laStatus?.rawValue, $0.state.status] }
        let outcomes = try store.read { db in try String.fetchAll(db, sql: "SELECT outcome FROM observation ORDER BY id") }
        return (records, outcomes)
    }

    @Test func repeatsWithinTheFirstFileAreSeenWithIndexesBuiltLater() throws {
        let rows = [
            try Self.obs("R1", "EHC/1", "requested", at: "2026-03-02T10:00:00Z", line: 2),
            try Self.obs("R2", "EHC/2", "requested", at: "2026-03-02T10:00:00Z", line: 3),
            try Self.obs("R1", "EHC/1a", "requested", at: "2026-03-03T10:00:00Z", line: 4),  // newer: updates R1
            try Self.obs("R1", "EHC/1b", "requested", at: "2026-03-01T10:00:00Z", line: 5),  // older: stale
            try Self.obs("R2", "EHC/2", "cancelled", at: "2026-03-04T10:00:00Z", line: 6),
        ]
        let fast = try Self.apply(rows, fastPath: true)
        let slow = try Self.apply(rows, fastPath: false)
        #expect(fast.records == slow.records)
        #expect(fast.outcomes == slow.outcomes)
        #expect(fast.outcomes == ["created", "created", "updated", "stale", "updated"])
        #expect(fast.records == [["R1", "EHC/1a", "requested", "requested"], ["R2", "EHC/2", "cancelled", "cancelled"]])
    }

    /// `advice_clock` holds the newest `changed_at` of any record after every write:
    /// records created (on the first-load path and the ordinary one), updated, left
    /// unchanged, and written by an applier with an older clock than the store's.
    @Test func theClockFollowsTheNewestChange() throws {
        let (store, dir, start) = try Self.emptyStore()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func clock() throws -> [Int64] {
            try store.read { db in
                [try Int64.fetchOne(db, sql: "SELECT changed_at FROM advice_clock") ?? -1,
                 try Int64.fetchOne(db, sql: "SELECT max(changed_at) FROM advice") ?? 0]
            }
        }
        #expect(try clock() == [0, 0])
        func run(at minutes: Int64, bulk: Bool = false, _ rows: [Observation]) throws {
            let now = Timestamp(millis: start.millis + minutes * 60_000)
            try store.write { db in
                let applier = ObservationApplier(db: db, feedID: 1, role: .la, rules: AdviceRules(), now: now, today: now.localDate(in: .gmt))
                let all = { for (i, o) in rows.enumerated() { try applier.apply(o, source: "f.csv", rowHash: minutes * 1000 + Int64(i)) } }
                if bulk { try applier.bulk(all) } else { try all() }
            }
        }
        try run(at: 1, bulk: true, [try Self.obs("R1", "EHC/1", "requested", at: "2026-03-02T10:00:00Z", line: 2)])
        #expect(try clock() == [start.millis + 60_000, start.millis + 60_000])
        try run(at: 2, [try Self.obs("R1", "EHC/1", "requested", at: "2026-03-02T10:00:00Z", line: 2)])  // unchanged
        #expect(try clock() == [start.millis + 60_000, start.millis + 60_000])
        try run(at: 3, [try Self.obs("R1", "EHC/1a", "requested", at: "2026-03-03T10:00:00Z", line: 2)])  // updated
        #expect(try clock() == [start.millis + 180_000, start.millis + 180_000])
        try run(at: 2, [try Self.obs("R2", "EHC/2", "requested", at: "2026-03-03T10:00:00Z", line: 2)])  // an older clock
        #expect(try clock() == [start.millis + 180_000, start.millis + 180_000])
    }

    /// The LA values SQL searches by are copied beside the packed values, and agree with them.
    @Test func searchedColumnsCopyTheLAValues() throws {
        let dir = FileManager.default.temporaryDirectory.path + "/ehcsync-searched-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try AppDatabase(path: dir + "/s.sqlite")
        let now = try #require(Timestamp.parse("2026-03-10T09:00:00Z", zone: .gmt))
        var obs = try Self.obs("R1", "EHC/1", "requested", at: "2026-03-02T10:00:00Z", line: 2)
        obs.values[.nhs_number] = "9990000018"
        obs.values[.dispute] = "open"
        obs.values[.advice_received_on] = "2026-03-05"
        try store.write { db in
            try db.execute(sql: "INSERT INTO feed(id, name, role) VALUES (1, 'la', 'la')")
            try ObservationApplier(db: db, feedID: 1, role: .la, rules: AdviceRules(), now: now, today: now.localDate(in: .gmt))
                .apply(obs, source: "f.csv", rowHash: 1)
        }
        let columns = AdviceRowCodec.searchedFields.map { Schema.column(.la, $0) }
        let stored = try store.read { db in
            try Row.fetchOne(db, sql: "SELECT " + columns.joined(separator: ", ") + " FROM advice")
        }
        let row = try #require(stored)
        for (i, field) in AdviceRowCodec.searchedFields.enumerated() {
            #expect(row[i] as String? == obs.values[field], "\(field)")
        }
    }

    static func indexes(_ db: Database) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT name || ': ' || sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
    }

    static func emptyStore() throws -> (AppDatabase, dir: String, now: Timestamp) {
        let dir = FileManager.default.temporaryDirectory.path + "/ehcsync-bulk-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let store = try AppDatabase(path: dir + "/s.sqlite")
        try store.write { db in try db.execute(sql: "INSERT INTO feed(id, name, role) VALUES (1, 'la', 'la')") }
        return (store, dir, try #require(Timestamp.parse("2026-03-10T09:00:00Z", zone: .gmt)))
    }

    /// Requests R0, R1 … of one child, each planned as the reading thread plans a
    /// request's first row in a first load (no lookup), then applied.
    static func applyPlanned(_ ids: Range<Int>, to applier: ObservationApplier) throws {
        let planning = try #require(applier.freshPlanning)
        for i in ids {
            var o = try obs("R\(i)", "EHC/\(i)", "requested", at: "2026-03-02T10:00:00Z", line: i + 2)
            o.values[.nhs_number] = "9990000018"
            let observed = PackedValues.pack(o)
            try applier.applyPlanned(o, planning.plan(o, observed: observed), source: "f.csv", rowHash: Int64(i + 1), observed: observed)
        }
    }

    /// A first load drops the secondary indexes while it writes and makes them again,
    /// the same definitions, before its transaction commits.
    @Test func aFirstLoadBuildsTheSameIndexesAfterItsLastRow() throws {
        let (store, dir, now) = try Self.emptyStore()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let before = try store.read(Self.indexes)
        var during: [String] = []
        try store.write { db in
            let applier = ObservationApplier(db: db, feedID: 1, role: .la, rules: AdviceRules(), now: now, today: now.localDate(in: .gmt))
            try applier.bulk {
                try Self.applyPlanned(0..<50, to: applier)
                during = try Self.indexes(db)
            }
        }
        for name in ObservationApplier.indexesBuiltAfterFirstLoad {
            #expect(before.contains { $0.hasPrefix(name + ": ") })
            #expect(!during.contains { $0.hasPrefix(name + ": ") }, "\(name) was kept during the load")
        }
        #expect(try store.read(Self.indexes) == before)
        #expect(try store.read { try String.fetchAll($0, sql: "PRAGMA integrity_check") } == ["ok"])
        // The rebuilt index holds every record written while it was away.
        #expect(try store.read {
            try Int.fetchOne($0, sql: "SELECT count(*) FROM advice INDEXED BY advice_child WHERE la_nhs_number = '9990000018' AND status NOT IN ('cancelled', 'accepted')")
        } == 50)
    }

    /// The first lookup by request id in a first load (a request the file names again)
    /// makes `advice_request` again at once, so the lookup finds the record and the
    /// repeat updates it; the other indexes still wait for the end.
    @Test func aRepeatInAFirstLoadMakesTheRequestIndexAgainAtOnce() throws {
        let (store, dir, now) = try Self.emptyStore()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let before = try store.read(Self.indexes)
        var beforeRepeat: [String] = [], afterRepeat: [String] = []
        try store.write { db in
            let applier = ObservationApplier(db: db, feedID: 1, role: .la, rules: AdviceRules(), now: now, today: now.localDate(in: .gmt))
            try applier.bulk {
                try Self.applyPlanned(0..<20, to: applier)
                beforeRepeat = try Self.indexes(db).map { String($0.prefix { $0 != ":" }) }
                let repeated = try Self.obs("R7", "EHC/7-NEW", "requested", at: "2026-03-03T10:00:00Z", line: 22)
                try applier.apply(repeated, source: "f.csv", rowHash: 99)
                afterRepeat = try Self.indexes(db).map { String($0.prefix { $0 != ":" }) }
            }
        }
        #expect(!beforeRepeat.contains("advice_request"))
        #expect(afterRepeat.contains("advice_request"))
        #expect(!afterRepeat.contains("advice_child") && !afterRepeat.contains("observation_advice"))
        #expect(try store.read(Self.indexes) == before)
        let rows = try store.read { try Row.fetchAll($0, sql: "SELECT request_id, count(*) FROM advice GROUP BY request_id HAVING request_id = 'R7'") }
        #expect(rows.count == 1 && (rows.first?[1] as Int?) == 1, "one record for R7")
        let outcomes = try store.read { try String.fetchAll($0, sql: "SELECT outcome FROM observation WHERE request_id = 'R7' ORDER BY id") }
        #expect(outcomes == ["created", "updated"])
        #expect(try AdviceQuery.list(store, rules: AdviceRules(), today: now.localDate(in: .gmt), dueSoonDays: 7)
            .first { $0.state.requestID == "R7" }?.state.la[.case_ref] == "EHC/7-NEW")
    }

    /// A first load that fails part-way rolls back whole, its indexes with it.
    @Test func aFailedFirstLoadLeavesTheIndexesAsTheyWere() throws {
        struct Stop: Error {}
        let (store, dir, now) = try Self.emptyStore()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let before = try store.read(Self.indexes)
        #expect(throws: Stop.self) {
            try store.write { db in
                let applier = ObservationApplier(db: db, feedID: 1, role: .la, rules: AdviceRules(), now: now, today: now.localDate(in: .gmt))
                try applier.bulk {
                    try applier.apply(try Self.obs("R1", "EHC/1", "requested", at: "2026-03-02T10:00:00Z", line: 2), source: "f.csv", rowHash: 1)
                    throw Stop()
                }
            }
        }
        #expect(try store.read(Self.indexes) == before)
        #expect(try store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM advice") } == 0)
    }

    /// A store that holds records keeps every index while a large file loads.
    @Test func aLoadIntoAStoreWithRecordsKeepsItsIndexes() throws {
        let (store, dir, now) = try Self.emptyStore()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let today = now.localDate(in: .gmt)
        try store.write { db in
            try ObservationApplier(db: db, feedID: 1, role: .la, rules: AdviceRules(), now: now, today: today)
                .apply(try Self.obs("R0", "EHC/0", "requested", at: "2026-03-02T10:00:00Z", line: 2), source: "a.csv", rowHash: 1)
        }
        let before = try store.read(Self.indexes)
        var during: [String] = []
        var cache: [Int?] = []
        try store.write { db in
            let applier = ObservationApplier(db: db, feedID: 1, role: .la, rules: AdviceRules(), now: now, today: today)
            cache.append(try Int.fetchOne(db, sql: "PRAGMA cache_size"))
            try applier.bulk {
                try applier.apply(try Self.obs("R1", "EHC/1", "requested", at: "2026-03-02T10:00:00Z", line: 2), source: "b.csv", rowHash: 2)
                during = try Self.indexes(db)
                cache.append(try Int.fetchOne(db, sql: "PRAGMA cache_size"))
            }
            cache.append(try Int.fetchOne(db, sql: "PRAGMA cache_size"))
        }
        #expect(during == before)
        // A larger cache while the file loads, the usual one afterwards.
        #expect(cache == [-AppDatabase.pageCacheKiB, -AppDatabase.bulkPageCacheKiB, -AppDatabase.pageCacheKiB])
    }

    /// An ingestor is made before `bulk` loads the feed's known rows; the preparers it
    /// hands out must still check rows against them (a re-export's fast path).
    @Test func preparersSeeKnownRowsLoadedAfterTheIngestorWasMade() throws {
        let (store, dir, now) = try Self.emptyStore()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try store.write { db in
            try ObservationApplier(db: db, feedID: 1, role: .la, rules: AdviceRules(), now: now, today: now.localDate(in: .gmt))
                .apply(try Self.obs("R0", "EHC/0", "requested", at: "2026-03-02T10:00:00Z", line: 2), source: "a.csv", rowHash: 77)
        }
        try store.write { db in
            let applier = ObservationApplier(db: db, feedID: 1, role: .la, rules: AdviceRules(), now: now, today: now.localDate(in: .gmt))
            let ingestor = RecordIngestor(mapping: RecordMapping(role: .la), applier: applier, source: "b.csv", seed: 1) { _ in }
            try applier.bulk {
                #expect(ingestor.detachedPreparer.knownRows?.contains(77) == true)
                #expect(ingestor.detachedPreparer.makeRowFilter() != nil)
            }
        }
    }

    /// Everything a store holds after a file, for comparing two ways of applying it.
    static func contents(_ store: AppDatabase) throws -> [[String?]] {
        try store.read { db in
            try Row.fetchAll(db, sql: """
                SELECT 'advice', request_id, hex(la_values), la_status, status, due_on, working_due_on, NULL FROM advice
                UNION ALL SELECT 'mark', advice_id, row_hash, updated_at, NULL, NULL, NULL, NULL FROM advice_feed
                UNION ALL SELECT 'audit', id || ':' || line || ':' || source, request_id, advice_id, outcome, hex(observed), changes_json, notes FROM observation
                UNION ALL SELECT 'conflict', request_id, kind, key, status, NULL, NULL, NULL FROM conflict
                """).map { row in (0..<8).map { row[$0] as DatabaseValue }.map { $0.isNull ? nil : String(describing: $0) } }
        }
    }

    /// A first load plans a request's first row on the reading thread; repeats, stale
    /// rows and bad rows still go the writer's way. The store must end up the same,
    /// audit trail and all, as when every row is applied the plain way.
    @Test func rowsPlannedOnTheReadingThreadLeaveTheSameStore() throws {
        let header = DecodedRecord.header(line: 1, names: ["request_id", "case_ref", "provider_ods", "service", "requested_on",
                                                           "status", "dispute", "updated_at"])
        func row(_ line: Int, _ id: String, _ caseRef: String, _ status: String, _ dispute: String, _ at: String) -> DecodedRecord {
            .row(line: line, fields: [id, caseRef, "RBT", "salt", "2026-03-02", status, dispute, at])
        }
        let records = [
            header,
            row(2, "R1", "EHC/1", "requested", "", "2026-03-02T10:00:00Z"),
            row(3, "R2", "EHC/2", "requested", "open", "2026-03-02T10:00:00Z"),
            row(4, "R1", "EHC/1a", "requested", "", "2026-03-03T10:00:00Z"),  // newer: updates R1
            row(5, "R1", "EHC/1b", "requested", "", "2026-03-01T10:00:00Z"),  // older: stale
            row(6, "R3", "EHC/3", "sideways", "", "2026-03-02T10:00:00Z"),    // bad status: a row error
            row(7, "R3", "EHC/3", "cancelled", "", "2026-03-02T10:00:00Z"),
            row(8, "R2", "EHC/2", "cancelled", "open", "2026-03-04T10:00:00Z"),
        ]
        let fast = try Self.load(records, planned: true)
        let plain = try Self.load(records, planned: false)
        #expect(fast.plannedRows == 3, "R1, R2 and R3's first good row are planned ahead")
        #expect(plain.plannedRows == 0)
        #expect(fast.errors == [6] && plain.errors == [6])
        #expect(fast.contents == plain.contents)
        #expect(fast.contents.filter { $0[0]?.contains("advice") == true }.count == 3)
    }

    /// Applies `records` to an empty store as a first load does (`planned`: in `bulk`,
    /// each request's first row planned as the reading thread plans it), or row by row
    /// the plain way; returns the store's contents, the rows planned and the row errors.
    static func load(_ records: [DecodedRecord], planned: Bool) throws -> (contents: [[String?]], plannedRows: Int, errors: [Int]) {
        let (store, dir, now) = try emptyStore()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var plannedRows = 0
        var errors: [Int] = []
        try store.write { db in
            let applier = ObservationApplier(db: db, feedID: 1, role: .la, rules: AdviceRules(), now: now, today: now.localDate(in: .gmt))
            let ingestor = RecordIngestor(mapping: RecordMapping(role: .la), applier: applier, source: "f.csv", seed: 7) { errors.append($0.line) }
            if planned {
                try applier.bulk {
                    var preparer = ingestor.detachedPreparer
                    for record in records {
                        let prepared = try preparer.prepare(record)
                        if case .planned = prepared { plannedRows += 1 }
                        try ingestor.ingest(prepared)
                    }
                }
            } else {
                for record in records { try ingestor.handle(record) }
            }
        }
        return (try contents(store), plannedRows, errors)
    }

    /// Planned records' audit rows and marks are written in batches: full batches,
    /// a short one at the end, and early ones when a repeat (looked up by its mark)
    /// or a stale row comes between. The store, audit ids and all, is the same as
    /// when every row is applied on its own.
    @Test func plannedRowsWrittenInBatchesLeaveTheSameStoreInFileOrder() throws {
        var records: [DecodedRecord] = [.header(line: 1, names: ["request_id", "case_ref", "status", "dispute", "updated_at"])]
        var line = 2
        func row(_ id: Int, _ status: String, _ dispute: String = "", day: Int = 2) {
            records.append(.row(line: line, fields: ["R\(id)", "EHC/\(id)-\(line)", status, dispute, "2026-03-0\(day)T10:00:00Z"]))
            line += 1
        }
        for i in 0..<40 { row(i, "requested", i % 9 == 0 ? "open" : "") }  // two full batches and a part
        row(5, "cancelled", day: 3)                                          // a repeat: written at once
        for i in 40..<60 { row(i, "requested") }
        row(58, "requested", day: 1)                                         // stale: R58's mark is still held back
        row(59, "sideways")                                                  // a row error
        for i in 60..<63 { row(i, "accepted") }                              // a short batch at the end
        let fast = try Self.load(records, planned: true)
        let plain = try Self.load(records, planned: false)
        #expect(fast.plannedRows == 63)
        #expect(fast.errors == plain.errors && fast.errors.count == 1)
        #expect(fast.contents == plain.contents)
        #expect(fast.contents.filter { $0[0] == "\"audit\"" }.count == 65)  // 63 new, the repeat, the stale row
        #expect(fast.contents.filter { $0[0] == "\"mark\"" }.count == 63)
    }
}
