import EHCCore
import Foundation
import Testing
@testable import EHCSync

/// SPEC §7 HTTP: pages by `{"records", "next"}` and by `Link: rel="next"`, `since_param`
/// from the greatest `updated_at` applied, and a failed page resumed where it failed,
/// against `feed_peer.py` on 127.0.0.1 and a real store.
@Suite struct HTTPFeedPagingTests {
    static let now = "2026-03-10T09:00:00Z"

    @Test(arguments: ["body", "link"])
    func everyPageIsAppliedOnce(paging: String) async throws {
        let records = FeedPeer.laRecords(5)
        let peer = try FeedPeer(records)
        let place = try TestPlace()
        try place.configure(http: [HTTPFeedSpec(url: peer.url("/feed?paging=\(paging)&page_size=2"))])
        let outcome = try await place.poll("la-api", now: Self.now)
        #expect(outcome.error == nil)
        #expect(outcome.result?.pagesApplied == 3)
        #expect(outcome.result?.counts.applied == 5)
        #expect(try place.int("SELECT count(*) FROM advice") == 5)
        #expect(try place.int("SELECT count(*) FROM observation") == 5)
        let state = try place.httpState()
        #expect(state.nextURL == nil, "the walk ended")
        #expect(state.walkPages == 3)
        let pages = try await peer.log().filter { $0.path == "/feed" }.map { $0.query["page"] ?? "1" }
        #expect(pages == ["1", "2", "3"])
        // Where each observation came from names the page, never the query.
        let sources = try place.rows("SELECT DISTINCT source FROM observation ORDER BY source").map { $0[0] ?? "" }
        #expect(sources == (1...3).map { CurlURL.redacted(peer.url("/")) + "/feed page \($0)" })
    }

    @Test func sinceCarriesTheGreatestUpdatedAtApplied() async throws {
        let peer = try FeedPeer(FeedPeer.laRecords(3))
        let place = try TestPlace()
        try place.configure(http: [HTTPFeedSpec(url: peer.url("/feed"), http: ["since_param: since"])])
        _ = try await place.poll("la-api", now: Self.now)
        #expect(try place.httpState().cursor?.description == "2026-03-02T10:02:00Z")
        try peer.serve(FeedPeer.laRecords(5))
        let second = try await place.poll("la-api", now: "2026-03-10T09:05:00Z")
        #expect(second.error == nil)
        // The peer sends records updated at or after `since`: the last one again, and two new.
        #expect(second.result?.rowsRead == 3)
        #expect(second.result?.counts.applied == 2)
        let queries = try await peer.log().map { $0.query["since"] }
        #expect(queries == [nil, "2026-03-02T10:02:00Z"], "no since on the first poll; then the greatest applied")
        #expect(try place.int("SELECT count(*) FROM advice") == 5)
        #expect(try place.httpState().cursor?.description == "2026-03-02T10:04:00Z")
    }

    @Test func aFailedPageIsRetriedAndTheWalkResumesThere() async throws {
        let peer = try FeedPeer(FeedPeer.laRecords(6))
        let failFlag = peer.directory + "/fail-page-2"
        #expect(FileManager.default.createFile(atPath: failFlag, contents: nil))
        let place = try TestPlace()
        try place.configure(http: [HTTPFeedSpec(url: peer.url("/feed?paging=body&page_size=2&fail_page=2&fail_file=\(failFlag)"),
                                                http: ["since_param: since"])])
        let failed = try await place.poll("la-api", now: Self.now)
        #expect(failed.error?.contains("HTTP 500") == true)
        #expect(failed.error?.contains("(page 2): page store offline") == true, "the status and the body's first line")
        #expect(try place.int("SELECT count(*) FROM advice") == 2, "page 1 stays applied")
        let stuck = try place.httpState()
        #expect(stuck.walkPages == 1)
        #expect(stuck.nextURL?.contains("page=2") == true)

        try FileManager.default.removeItem(atPath: failFlag)
        let resumed = try await place.poll("la-api", now: "2026-03-10T09:05:00Z")
        #expect(resumed.error == nil)
        #expect(resumed.result?.pagesApplied == 2)
        let pages = try await peer.log().filter { $0.path == "/feed" }.map { $0.query["page"] ?? "1" }
        #expect(pages == ["1", "2", "2", "3"], "the second poll starts at the page that failed")
        #expect(try place.int("SELECT count(*) FROM advice") == 6)
        #expect(try place.int("SELECT count(*) FROM observation") == 6, "nothing skipped, nothing doubled")
        #expect(try place.httpState().nextURL == nil)
        #expect(try place.health(now: "2026-03-10T09:05:00Z").state == .ok)
    }

    @Test func aWalkTheServerForgotStartsAgainWithoutSkippingOlderRecords() async throws {
        // Pages in the server's own order, not by updated_at: page 1 holds the newest.
        let peer = try FeedPeer(Array(FeedPeer.laRecords(4).reversed()))
        let gone = peer.directory + "/gone"
        #expect(FileManager.default.createFile(atPath: gone, contents: nil))
        let place = try TestPlace()
        try place.configure(http: [HTTPFeedSpec(url: peer.url("/feed?paging=body&page_size=2&fail_page=2&fail_status=410&fail_file=\(gone)"),
                                                http: ["since_param: since"])])
        let forgotten = try await place.poll("la-api", now: Self.now)
        #expect(forgotten.error?.contains("HTTP 410") == true)
        #expect(try place.int("SELECT count(*) FROM advice") == 2)
        let state = try place.httpState()
        #expect(state.nextURL == nil, "the walk is dropped")
        #expect(state.cursor == nil, "and since stays where it was before the walk (10:03 would skip page 2)")

        try FileManager.default.removeItem(atPath: gone)
        let again = try await place.poll("la-api", now: "2026-03-10T09:05:00Z")
        #expect(again.error == nil)
        #expect(try place.int("SELECT count(*) FROM advice") == 4, "the older records of the unread page arrive")
        #expect(try place.httpState().cursor?.description == "2026-03-02T10:03:00Z")
        let firsts = try await peer.log().filter { $0.query["page"] == nil }.map { $0.query["since"] }
        #expect(firsts == [nil, nil], "no since until a walk completed")
    }

    @Test(arguments: [("http://127.0.0.1:1/steal", "points to http://127.0.0.1:1"), ("/file?name=page.json", "the page itself")])
    func aRefusedNextLinkAppliesNothingOfThePage(next: String, why: String) async throws {
        let peer = try FeedPeer()
        let body = #"{"records": [{"request_id": "REQ-1", "updated_at": "2026-03-02T10:00:00Z"}], "next": "\#(next)"}"#
        try body.write(toFile: peer.directory + "/page.json", atomically: true, encoding: .utf8)
        let place = try TestPlace()
        try place.configure(http: [HTTPFeedSpec(url: peer.url("/file?name=page.json"))])
        let outcome = try await place.poll("la-api", now: Self.now)
        #expect(outcome.error?.contains(why) == true, "\(outcome.error ?? "no error")")
        #expect(try place.int("SELECT count(*) FROM advice") == 0)
        #expect(try place.httpState().walkPages == 0)
    }

    @Test func anNDJSONBodyIsReadLikeAnNDJSONFile() async throws {
        let peer = try FeedPeer()
        let lines = FeedPeer.laRecords(3).map { record in
            String(decoding: (try? JSONSerialization.data(withJSONObject: record, options: [.sortedKeys])) ?? Data(), as: UTF8.self)
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: peer.directory + "/page.ndjson", atomically: true, encoding: .utf8)
        let place = try TestPlace()
        try place.configure(http: [HTTPFeedSpec(url: peer.url("/file?name=page.ndjson"), format: "ndjson")])
        let outcome = try await place.poll("la-api", now: Self.now)
        #expect(outcome.error == nil)
        #expect(outcome.result?.counts.applied == 3)
        #expect(try await peer.log().first?.headers["accept"]?.hasPrefix("application/x-ndjson") == true)
    }

    @Test(arguments: [
        ("<https://a.example/x?page=2>; rel=\"next\", <https://a.example/x?page=9>; rel=\"last\"", "https://a.example/x?page=2"),
        ("<https://a.example/x?page=1>; rel=\"prev\", </x?page=3>; rel=\"next last\"", "/x?page=3"),
        ("<https://a.example/x?a=1,2>; title=\"a, b\"; rel=next", "https://a.example/x?a=1,2"),
        ("<https://a.example/x?page=1>; rel=\"first\"", nil),
    ] as [(String, String?)])
    func theLinkHeadersNextIsFound(header: String, next: String?) {
        #expect(LinkHeader.next([header]) == next)
    }
}
