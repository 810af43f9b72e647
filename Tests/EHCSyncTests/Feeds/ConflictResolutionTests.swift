import EHCCore
import Foundation
import Testing
@testable import EHCSync

/// SPEC §4: conflicts close when the sides come to agree, or by hand with a note kept
/// in the audit trail; a resolved disagreement is not reopened by the same values,
/// only by new ones.
@Suite struct ConflictResolutionTests {
    static let note = "checked with the SALT team lead: the LA asked for SALT"

    /// An LA request for SALT, and a provider that says it is OT: one open field_mismatch.
    static func placeWithServiceMismatch() async throws -> TestPlace {
        let place = try TestPlace()
        try place.configure([.la(), .provider()])
        try place.drop("cases.csv", into: "la-cases", SampleExport.laCSV([SampleExport.laRow("LA-1", service: "salt")]))
        try place.drop("p1.ndjson", into: "trust", SampleExport.ndjsonLine([
            "request_id": "LA-1", "service": "ot", "status": "in_progress", "received_on": "2026-03-04",
            "updated_at": "2026-03-04T08:00:00Z"]) + "\n")
        try await place.cycle("2026-03-09T09:00:00Z")
        return place
    }

    static func providerSays(_ place: TestPlace, _ name: String, service: String, receivedOn: String, at updatedAt: String,
                             now: String) async throws {
        try place.drop(name, into: "trust", SampleExport.ndjsonLine([
            "request_id": "LA-1", "service": service, "status": "in_progress", "received_on": receivedOn,
            "updated_at": updatedAt]) + "\n")
        try await place.cycle(now)
    }

    @Test func conflictResolvedByHandClosesWithItsNote() async throws {
        let place = try await Self.placeWithServiceMismatch()
        let open = try place.conflicts(includeResolved: false)
        #expect(open.map(\.kind.rawValue) == ["field_mismatch"])
        let conflict = try #require(open.first)
        #expect(conflict.requestID == "LA-1")
        #expect(conflict.field == "service")
        #expect(conflict.feed == "trust")
        #expect(try place.records(today: "2026-03-09")["LA-1"]?.state.value(.service) == "salt", "the owner's value stands")
        #expect(try place.records(today: "2026-03-09")["LA-1"]?.openConflicts == 1)

        let now = try TestPlace.timestamp("2026-03-09T11:15:00Z")
        #expect(try ConflictQuery.resolve(try place.store(), id: conflict.id, note: Self.note, now: now) == .resolved)
        #expect(try place.conflicts(includeResolved: false).isEmpty)
        let closed = try #require(try place.conflicts(includeResolved: true).first)
        #expect(closed.status == "resolved")
        #expect(closed.closeNote == Self.note)
        #expect(closed.closedAt == now)
        #expect(try place.rows("SELECT closed_by FROM conflict WHERE id = ?", [conflict.id]) == [["user"]])
        #expect(try place.records(today: "2026-03-09")["LA-1"]?.openConflicts == 0)

        #expect(try ConflictQuery.resolve(try place.store(), id: conflict.id, note: "again", now: now) == .alreadyResolved)
        #expect(try ConflictQuery.resolve(try place.store(), id: conflict.id + 1_000, note: "no such", now: now) == .notFound)
        #expect(try place.conflicts(includeResolved: true).first?.closeNote == Self.note, "a second resolve keeps the first note")
    }

    @Test func resolvedFieldMismatchIsNotReopenedBySameValuesButIsByDifferentOnes() async throws {
        let place = try await Self.placeWithServiceMismatch()
        let conflict = try #require(try place.conflicts(includeResolved: false).first)
        _ = try ConflictQuery.resolve(try place.store(), id: conflict.id, note: Self.note,
                                      now: try TestPlace.timestamp("2026-03-09T11:15:00Z"))

        // The provider reports again, still saying OT (and a corrected received_on).
        try await Self.providerSays(place, "p2.ndjson", service: "ot", receivedOn: "2026-03-05", at: "2026-03-10T08:00:00Z",
                              now: "2026-03-10T09:00:00Z")
        #expect(try place.records(today: "2026-03-10")["LA-1"]?.state.value(.received_on) == "2026-03-05", "the report applied")
        #expect(try place.conflicts(includeResolved: false).isEmpty, "the same disagreement, already resolved, stays closed")
        #expect(try place.conflicts(includeResolved: true).count == 1)

        // Now it says physio: a new disagreement.
        try await Self.providerSays(place, "p3.ndjson", service: "physio", receivedOn: "2026-03-05", at: "2026-03-11T08:00:00Z",
                              now: "2026-03-11T09:00:00Z")
        let reopened = try place.conflicts(includeResolved: false)
        #expect(reopened.map(\.kind.rawValue) == ["field_mismatch"])
        #expect(reopened.first?.field == "service")
        #expect(reopened.first?.detail.contains("physio") == true, "\(reopened.first?.detail ?? "")")
        #expect(try place.conflicts(includeResolved: true).count == 2)
        #expect(try place.records(today: "2026-03-11")["LA-1"]?.state.value(.service) == "salt")
    }

    @Test func fieldMismatchClosesByItselfWhenTheSidesAgree() async throws {
        let place = try await Self.placeWithServiceMismatch()
        try await Self.providerSays(place, "p2.ndjson", service: "salt", receivedOn: "2026-03-04", at: "2026-03-10T08:00:00Z",
                              now: "2026-03-10T09:00:00Z")
        #expect(try place.conflicts(includeResolved: false).isEmpty)
        let closed = try place.conflicts(includeResolved: true)
        #expect(closed.count == 1)
        #expect(closed.first?.status == "resolved")
        #expect(try place.rows("SELECT closed_by FROM conflict") == [["rules"]])
    }

    @Test func unmatchedResponseResolvedByHandIsNoLongerRetried() async throws {
        let place = try TestPlace()
        try place.configure([.la(), .provider()])
        try place.drop("early.ndjson", into: "trust", SampleExport.ndjsonLine([
            "request_id": "LA-9", "status": "acknowledged", "received_on": "2026-03-04", "updated_at": "2026-03-04T08:00:00Z"]) + "\n")
        try await place.cycle("2026-03-09T09:00:00Z")
        let parked = try #require(try place.conflicts(includeResolved: false).first)
        #expect(parked.kind == .unmatched_response)
        #expect(try place.int("SELECT count(*) FROM pending_observation") == 1)

        let note = "sent to the wrong LA; the trust has withdrawn it"
        #expect(try ConflictQuery.resolve(try place.store(), id: parked.id, note: note,
                                          now: try TestPlace.timestamp("2026-03-09T10:00:00Z")) == .resolved)
        #expect(try place.int("SELECT count(*) FROM pending_observation") == 0)

        try place.drop("cases.csv", into: "la-cases", SampleExport.laCSV([SampleExport.laRow("LA-9")]))
        try await place.cycle("2026-03-10T09:00:00Z")
        let record = try #require(try place.records(today: "2026-03-10")["LA-9"])
        #expect(record.state.providerStatus == nil, "a response resolved by hand is not linked later")
        let after = try place.conflicts(includeResolved: true)
        #expect(after.count == 1)
        #expect(after.first?.closeNote == note)
    }
}
