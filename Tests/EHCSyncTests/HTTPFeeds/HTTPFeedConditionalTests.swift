import EHCCore
import Foundation
import Testing
@testable import EHCSync

/// SPEC §7 HTTP: `If-None-Match` / `If-Modified-Since` from the last answer; a 304
/// applies nothing and writes nothing but the feed's health.
@Suite struct HTTPFeedConditionalTests {
    @Test(arguments: [("etag", "if-none-match"), ("lm", "if-modified-since")])
    func a304AppliesNothingAndKeepsTheFeedHealthy(validator: String, header: String) async throws {
        let peer = try FeedPeer(FeedPeer.laRecords(3))
        let place = try TestPlace()
        try place.configure(http: [HTTPFeedSpec(url: peer.url("/feed?validator=\(validator)"))])
        let first = try await place.poll("la-api", now: "2026-03-10T09:00:00Z")
        #expect(first.result?.counts.applied == 3)
        let stateAfterFirst = try place.httpState()
        #expect((validator == "etag" ? stateAfterFirst.etag : stateAfterFirst.lastModified) != nil)
        let applied = try place.appliedState()

        let second = try await place.poll("la-api", now: "2026-03-10T09:05:00Z")
        #expect(second.error == nil)
        #expect(second.result?.pagesNotModified == 1)
        #expect(second.result?.pagesApplied == 0)
        #expect(try place.appliedState() == applied, "a 304 applies nothing")
        #expect(try place.httpState() == stateAfterFirst, "nor moves the feed's reading state")
        let health = try place.health(now: "2026-03-10T09:05:00Z")
        #expect(health.state == .ok)
        #expect(health.lastSuccessAt?.description == "2026-03-10T09:05:00Z", "the health is written")
        let seen = try await peer.log()
        #expect(seen.count == 2)
        #expect(seen.first?.headers[header] == nil, "nothing to validate on the first poll")
        #expect(seen.last?.headers[header] != nil)
        #expect(seen.last?.headers["user-agent"]?.hasPrefix("EHC-Sync/\(EHCSyncVersion.string) ") == true)

        // A changed record changes the validator: the next poll applies it.
        var records = FeedPeer.laRecords(3)
        records[1] = FeedPeer.laRecord(1, updatedAt: "2026-03-09T10:00:00Z", caseRef: "EHC/1/amended")
        try peer.serve(records)
        let third = try await place.poll("la-api", now: "2026-03-10T09:10:00Z")
        #expect(third.result?.pagesApplied == 1)
        #expect(third.result?.counts.applied == 1)
        #expect(try place.records(today: "2026-03-10")["REQ-100001"]?.state.la[.case_ref] == "EHC/1/amended")
    }

    @Test func aQuietEndpointIsStaleButNotFailing() async throws {
        let peer = try FeedPeer(FeedPeer.laRecords(1))
        let place = try TestPlace()
        try place.configure(http: [HTTPFeedSpec(url: peer.url("/feed?validator=etag"))])
        _ = try await place.poll("la-api", now: "2026-03-01T09:00:00Z")
        _ = try await place.poll("la-api", now: "2026-03-10T09:00:00Z")
        // Days of 304s: the endpoint answers, but no data came (stale_after, default 2 days).
        #expect(try place.health(now: "2026-03-10T09:00:00Z").state == .stale)
    }
}
