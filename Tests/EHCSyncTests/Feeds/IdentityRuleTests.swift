import EHCCore
import Foundation
import Testing
@testable import EHCSync

/// SPEC §4 rule 4: "When nhs_number or date_of_birth differ between the sides for one
/// request_id, an identity_mismatch conflict opens and the provider's values are not
/// merged. It is escalated to the DCO at once (patient safety); it never links by guess."
@Suite struct IdentityRuleTests {
    /// LA-1 for one child; the provider answers with another date of birth.
    static func placeWithIdentityMismatch() async throws -> TestPlace {
        let place = try TestPlace()
        try place.configure([.la(), .provider()])
        try place.drop("cases.csv", into: "la-cases", SampleExport.laCSV([SampleExport.laRow("LA-1", dateOfBirth: "2016-05-01")]))
        try place.drop("p1.ndjson", into: "trust", SampleExport.ndjsonLine([
            "request_id": "LA-1", "provider_ref": "RBT-1", "nhs_number": "9990000018", "date_of_birth": "2016-05-10",
            "status": "acknowledged", "received_on": "2026-03-04", "updated_at": "2026-03-04T08:00:00Z"]) + "\n")
        try await place.cycle("2026-03-09T09:00:00Z")
        return place
    }

    @Test func identityMismatchKeepsTheProvidersValuesOut() async throws {
        let place = try await Self.placeWithIdentityMismatch()
        let record = try #require(try place.records(today: "2026-03-09")["LA-1"])
        #expect(record.state.providerStatus == nil)
        #expect(record.state.value(.received_on) == nil)
        #expect(record.state.value(.date_of_birth) == "2016-05-01", "the LA's identity stands")
        #expect(try place.conflicts(includeResolved: false).map(\.kind.rawValue) == ["identity_mismatch"])
        let detail = try place.conflicts(includeResolved: false).first?.detail ?? ""
        #expect(!detail.contains("2016-05"), "the detail names the field, never the values: \(detail)")
    }

    /// While the sides still disagree about who the child is, later provider records
    /// for that request must not merge either, even when they leave the identity
    /// fields out (found by request_id, or by the provider_ref the first one carried).
    @Test(arguments: [
        ["request_id": "LA-1"],
        ["provider_ref": "RBT-1"],
    ])
    func laterProviderRecordsDoNotMergeWhileTheIdentityStillDiffers(_ key: [String: String]) async throws {
        let place = try await Self.placeWithIdentityMismatch()
        var fields = key
        fields["status"] = "submitted"
        fields["submitted_on"] = "2026-03-09"
        fields["updated_at"] = "2026-03-09T08:00:00Z"
        let line = "{" + fields.sorted { $0.key < $1.key }
            .map { SampleExport.quoted($0.key) + ":" + SampleExport.quoted($0.value) }.joined(separator: ",") + "}"
        try place.drop("p2.ndjson", into: "trust", line + "\n")
        try await place.cycle("2026-03-10T09:00:00Z")

        // Found by request_id, it is refused by rule 4. By provider_ref alone it never links
        // at all: the reference was not linked while the identity was disputed, so the
        // record is parked as unmatched (and shown to the DCO) rather than guessed.
        let expected = key["request_id"] != nil ? ["identity_mismatch"] : ["identity_mismatch", "unmatched_response"]
        #expect(try place.conflicts(includeResolved: false).map(\.kind.rawValue).sorted() == expected, "still unresolved")
        let record = try #require(try place.records(today: "2026-03-10")["LA-1"])
        #expect(record.state.providerStatus == nil, "a provider status was merged into a record whose child may be another")
        #expect(record.state.value(.submitted_on) == nil)
        #expect(record.view.state != .answered)
    }
}
