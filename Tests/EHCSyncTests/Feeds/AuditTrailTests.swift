import EHCCore
import Foundation
import Testing
@testable import EHCSync

/// SPEC §4 ("a full audit trail") and §9 `advice show`: every observation of a record,
/// in the order applied, with its source file and line, its outcome and each change
/// as (field, old, new).
@Suite struct AuditTrailTests {
    struct Change: Hashable, CustomStringConvertible {
        var field: String
        var old: String?
        var new: String?
        var description: String { "\(field): \(old ?? "nil") → \(new ?? "nil")" }
    }

    static func changes(_ json: String?) throws -> [Change] {
        guard let json else { return [] }
        let array = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        return array.map { Change(field: $0["field"] as? String ?? "?", old: $0["old"] as? String, new: $0["new"] as? String) }
    }

    static let header = "request_id,case_ref,nhs_number,date_of_birth,provider_ods,service,requested_on,status,returned_on,updated_at"

    @Test func historyListsEveryObservationWithItsChangesSourceAndLine() async throws {
        let place = try TestPlace()
        try place.configure([.la(), .provider()])
        try place.drop("day1.csv", into: "la-cases", [
            Self.header,
            "LA-1,EHC/1,9990000018,2016-05-01,RBT,salt,2026-03-02,requested,,2026-03-02T10:00:00Z",
            "LA-2,EHC/2,9990000026,2017-06-02,RBT,ot,2026-03-02,requested,,2026-03-02T10:00:00Z",
        ].joined(separator: "\n") + "\n")
        try place.drop("p1.ndjson", into: "trust", [
            SampleExport.ndjsonLine(["request_id": "LA-2", "status": "acknowledged", "updated_at": "2026-03-03T08:00:00Z"]),
            SampleExport.ndjsonLine(["request_id": "LA-1", "provider_ref": "RBT-1", "status": "in_progress",
                                     "received_on": "2026-03-03", "updated_at": "2026-03-04T08:00:00Z"]),
        ].joined(separator: "\n") + "\n")
        try await place.cycle("2026-03-09T09:00:00Z")

        try place.drop("day2.csv", into: "la-cases", [
            Self.header,
            "LA-2,EHC/2,9990000026,2017-06-02,RBT,ot,2026-03-02,requested,,2026-03-02T10:00:00Z",
            "LA-1,EHC/1A,9990000018,2016-05-01,RBT,salt,2026-03-02,returned,2026-03-09,2026-03-09T10:00:00Z",
        ].joined(separator: "\n") + "\n")
        try await place.cycle("2026-03-10T09:00:00Z")

        try place.drop("late.csv", into: "la-cases", [
            Self.header,
            "LA-1,EHC/1-OLD,9990000018,2016-05-01,RBT,salt,2026-03-02,requested,,2026-03-05T10:00:00Z",
        ].joined(separator: "\n") + "\n")
        try place.drop("p2.ndjson", into: "trust", SampleExport.ndjsonLine([
            "request_id": "LA-1", "provider_ref": "RBT-1", "status": "submitted", "received_on": "2026-03-03",
            "submitted_on": "2026-03-11", "updated_at": "2026-03-11T08:00:00Z"]) + "\n")
        try await place.cycle("2026-03-11T09:00:00Z")

        let history = try #require(try place.history("LA-1", today: "2026-03-11"))
        #expect(history.item.state.requestID == "LA-1")
        let trail = history.entries.map { "\($0.feed) \($0.source):\($0.line) \($0.outcome)" }
        #expect(trail == [
            "la-cases day1.csv:2 created",
            "trust p1.ndjson:2 updated",
            "la-cases day2.csv:3 updated",
            "la-cases late.csv:2 stale",
            "trust p2.ndjson:1 updated",
        ])
        guard history.entries.count == 5 else { return }
        let e = history.entries
        #expect(e[0].updatedAt == (try TestPlace.timestamp("2026-03-02T10:00:00Z")))
        #expect(e[0].appliedAt == (try TestPlace.timestamp("2026-03-09T09:00:00Z")))
        #expect(Set(try Self.changes(e[0].changesJSON)) == [
            Change(field: "la.request_id", old: nil, new: "LA-1"),
            Change(field: "la.case_ref", old: nil, new: "EHC/1"),
            Change(field: "la.nhs_number", old: nil, new: "9990000018"),
            Change(field: "la.date_of_birth", old: nil, new: "2016-05-01"),
            Change(field: "la.provider_ods", old: nil, new: "RBT"),
            Change(field: "la.service", old: nil, new: "salt"),
            Change(field: "la.requested_on", old: nil, new: "2026-03-02"),
            Change(field: "la_status", old: nil, new: "requested"),
        ])
        #expect(Set(try Self.changes(e[1].changesJSON)) == [
            Change(field: "provider.request_id", old: nil, new: "LA-1"),
            Change(field: "provider.provider_ref", old: nil, new: "RBT-1"),
            Change(field: "provider.provider_ods", old: nil, new: "RBT"),
            Change(field: "provider.received_on", old: nil, new: "2026-03-03"),
            Change(field: "provider_status", old: nil, new: "in_progress"),
        ])
        #expect(Set(try Self.changes(e[2].changesJSON)) == [
            Change(field: "la.case_ref", old: "EHC/1", new: "EHC/1A"),
            Change(field: "la.returned_on", old: nil, new: "2026-03-09"),
            Change(field: "la_status", old: "requested", new: "returned"),
        ])
        #expect(try Self.changes(e[3].changesJSON).isEmpty, "a stale observation changes nothing")
        #expect(e[3].notes?.contains("stale") == true, "the audit says why it was not applied: \(e[3].notes ?? "nil")")
        // The provider starts again after the return: the status changes are listed in the order they happened.
        #expect(try Self.changes(e[4].changesJSON) == [
            Change(field: "provider.submitted_on", old: nil, new: "2026-03-11"),
            Change(field: "awaiting_amendment", old: "true", new: "false"),
            Change(field: "provider_status", old: "in_progress", new: "submitted"),
            Change(field: "answered_on", old: nil, new: "2026-03-11"),
        ])
        #expect(history.item.state.value(.case_ref) == "EHC/1A")
        #expect(history.conflicts.isEmpty)

        // LA-2's identical row on day 2 said nothing new: it is not in LA-2's history again.
        let other = try #require(try place.history("LA-2", today: "2026-03-11"))
        #expect(other.entries.map { "\($0.source):\($0.line)" } == ["day1.csv:3", "p1.ndjson:1"])
    }

    @Test func historyOfAParkedObservationKeepsItsOwnFileAndLine() async throws {
        let place = try TestPlace()
        try place.configure([.provider(), .la()])
        try place.drop("early.ndjson", into: "trust", [
            SampleExport.ndjsonLine(["request_id": "LA-8", "status": "acknowledged", "updated_at": "2026-03-03T08:00:00Z"]),
            SampleExport.ndjsonLine(["request_id": "LA-7", "status": "acknowledged", "updated_at": "2026-03-03T08:00:00Z"]),
        ].joined(separator: "\n") + "\n")
        try await place.cycle("2026-03-09T09:00:00Z")
        try place.drop("cases.csv", into: "la-cases", SampleExport.laCSV([SampleExport.laRow("LA-7")]))
        try await place.cycle("2026-03-10T09:00:00Z")

        let history = try #require(try place.history("LA-7", today: "2026-03-10"))
        // Both observations are in its history, each with its own file and line (the
        // parked one was read first, so it comes first).
        #expect(history.entries.map { "\($0.feed) \($0.source):\($0.line) \($0.outcome)" } == [
            "trust early.ndjson:2 updated",
            "la-cases cases.csv:2 created",
        ])
        #expect(history.entries.contains { $0.source == "early.ndjson" && $0.line == 2 && $0.notes?.contains("linked") == true },
                "the linked observation says how it was linked")
        #expect(history.conflicts.map(\.kind.rawValue) == ["unmatched_response"])
        #expect(history.conflicts.first?.status == "resolved")
    }

    /// SPEC §9: `advice show` lists "every observation and change in order". The
    /// changes of one observation must come in one stable order (SPEC §3 field order),
    /// not in whatever order a dictionary happens to hold them, or the audit trail of
    /// the same input reads differently from run to run.
    @Test func changesOfOneObservationAreListedInFieldOrder() async throws {
        let place = try TestPlace()
        try place.configure([.la()])
        try place.drop("cases.csv", into: "la-cases", """
            request_id,case_ref,assessment_requested_on,nhs_number,date_of_birth,given_name,family_name,provider_ods,service,requested_on,status,dispute,dispute_reason,updated_at
            LA-1,EHC/1,2026-02-16,9990000018,2016-05-01,Amara,Smith,RBT,salt,2026-03-02,requested,open,mediation,2026-03-02T10:00:00Z

            """)
        try await place.cycle("2026-03-10T09:00:00Z")
        let history = try #require(try place.history("LA-1", today: "2026-03-10"))
        let fields = try Self.changes(history.entries.first?.changesJSON).map(\.field)
        #expect(fields == [
            "la.request_id", "la.case_ref", "la.assessment_requested_on", "la.nhs_number", "la.date_of_birth",
            "la.given_name", "la.family_name", "la.provider_ods", "la.service", "la.requested_on",
            "la.dispute", "la.dispute_reason", "la_status",
        ])
    }
}
