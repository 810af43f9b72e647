import EHCCore
import Foundation
import GRDB
import Testing
@testable import EHCSync

/// A first load into an empty store skips the per-record lookups (nothing can be there
/// but what the file itself wrote). The shortcut must not change a single outcome: the
/// same observations applied with and without it leave the same records and audit.
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
            if fastPath { try applier.loadKnownRows() }
            for (i, o) in observations.enumerated() { try applier.apply(o, source: "f.csv", rowHash: Int64(i + 1)) }
        }
        let records = try AdviceQuery.list(store, rules: AdviceRules(), today: now.localDate(in: .gmt), dueSoonDays: 7)
            .sorted { $0.state.requestID < $1.state.requestID }
            .map { [$0.state.requestID, $0.state.la[.case_ref], $0.state.laStatus?.rawValue, $0.state.status] }
        let outcomes = try store.read { db in try String.fetchAll(db, sql: "SELECT outcome FROM observation ORDER BY id") }
        return (records, outcomes)
    }

    @Test func repeatsWithinTheFirstFileAreSeenWithTheShortcut() throws {
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
}
