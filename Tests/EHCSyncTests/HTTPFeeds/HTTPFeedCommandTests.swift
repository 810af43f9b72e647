import EHCCore
import Foundation
import Testing
@testable import EHCSync

/// The command line with HTTP feeds (SPEC §9): `check` accepts them, `sync` reads
/// them, and a failing endpoint shows in `sync`'s exit code, its log and `status`.
@Suite struct HTTPFeedCommandTests {
    @Test func checkAcceptsAnHTTPFeed() throws {
        let place = try TestPlace()
        try place.configure(http: [HTTPFeedSpec(url: "https://integration.example.nhs.uk/ehc/advice", http: ["since_param: since"])])
        let result = try EHCSyncBinary.run(["check", "--config", place.configPath])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("ok (1 feeds"))
    }

    @Test func syncReadsTheEndpointAndStatusShowsAFailureWithItsBackoff() throws {
        let peer = try FeedPeer(FeedPeer.laRecords(4))
        let place = try TestPlace()
        try place.configure(http: [HTTPFeedSpec(url: peer.url("/feed?paging=link&page_size=3"))])
        let now = "2026-03-10T09:00:00Z"
        let ok = try EHCSyncBinary.run(["sync", "--config", place.configPath, "--now", now])
        #expect(ok.status == 0, "\(ok)")
        #expect(ok.stderr.contains("feed la-api: 2 pages applied, 0 not modified, 4 records, 4 applied, 0 row errors"), "\(ok)")
        #expect(try place.int("SELECT count(*) FROM advice") == 4)

        // The endpoint breaks: the only feed fails, so sync exits 69 and says why.
        try place.configure(http: [HTTPFeedSpec(url: peer.url("/status/500?body=database+unavailable"))])
        let failed = try EHCSyncBinary.run(["sync", "--config", place.configPath, "--now", now])
        #expect(failed.status == 69, "\(failed)")
        #expect(failed.stderr.contains("feed la-api failed: HTTP 500 from \(CurlURL.redacted(peer.url("/"))) (page 1): database unavailable"),
                "\(failed)")
        #expect(failed.stderr.contains("feed la-api: backing off until"))

        let status = try EHCSyncBinary.run(["status", "--config", place.configPath, "--json", "--now", now])
        #expect(status.status == 0, "\(status)")
        let json = try #require(try status.json() as? [String: Any])
        let feed = try #require((json["feeds"] as? [[String: Any]])?.first)
        #expect(feed["state"] as? String == "failing")
        #expect((feed["last_error"] as? String)?.hasPrefix("HTTP 500 from ") == true)
        #expect(feed["consecutive_failures"] as? Int == 1)
        #expect(feed["retry_at"] is String)
        #expect((feed["row_error_lines"] as? [String])?.isEmpty == true)
        #expect(feed["row_errors"] as? Int == 0)
        #expect(feed["rejected_files"] as? Int == 0 && feed["ignored_files"] as? Int == 0)
    }

    @Test func theDigestsFeedHealthShowsAFailingEndpointAndWhy() async throws {
        let peer = try FeedPeer()
        let place = try TestPlace()
        let config = try place.configure(http: [HTTPFeedSpec(url: peer.url("/status/503?retry_after=600&body=maintenance"))],
                                         extra: NoticeCycleTests.notices(place))
        let now = "2026-03-10T09:00:00Z"
        let outcome = try await place.poll("la-api", now: now)
        let error = try #require(outcome.error)
        let input = try NoticeCycle(config: config, db: try place.store())
            .digestInput(recipient: "dco", date: try #require(CivilDate(iso: "2026-03-10")), now: try TestPlace.timestamp(now))
        let feed = try #require(input.feeds.first { $0.name == "la-api" })
        #expect(feed.lastError == error)
        // The text part wraps within 76 columns: read it with its line breaks as spaces.
        let text = DigestBuilder.build(input).text().split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
        #expect(text.contains("la-api"))
        #expect(text.contains("HTTP 503 from \(CurlURL.redacted(peer.url("/"))) (page 1): maintenance; Retry-After 600 s"), "\(text)")
    }
}
