import EHCCore
import Foundation
import Testing
@testable import EHCSync

/// SPEC §7 HTTP: pages by `{"records", "next"}` and by `Link: rel="next"`, `since_param`
/// from the greatest `updated_at` applied before the last completed walk, and a failed
/// page resumed where it failed, against `feed_peer.py` on 127.0.0.1 and a real store.
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

    @Test func sinceIsTheCursorAsItStoodBeforeTheLastCompletedWalk() async throws {
        let peer = try FeedPeer(FeedPeer.laRecords(3))
        let place = try TestPlace()
        try place.configure(http: [HTTPFeedSpec(url: peer.url("/feed"), http: ["since_param: since"])])
        _ = try await place.poll("la-api", now: Self.now)
        #expect(try place.httpState().cursor?.description == "2026-03-02T10:02:00Z")
        #expect(try place.httpState().sinceCursor == nil, "there was no cursor before the first walk")
        try peer.serve(FeedPeer.laRecords(5))
        let second = try await place.poll("la-api", now: "2026-03-10T09:05:00Z")
        #expect(second.error == nil)
        // No since yet (one walk behind): all five again, the three known unchanged.
        #expect(second.result?.rowsRead == 5)
        #expect(second.result?.counts.applied == 2)
        #expect(second.result?.counts.unchanged == 3)
        #expect(try place.httpState().cursor?.description == "2026-03-02T10:04:00Z")
        #expect(try place.httpState().sinceCursor?.description == "2026-03-02T10:02:00Z")
        try peer.serve(FeedPeer.laRecords(6))
        let third = try await place.poll("la-api", now: "2026-03-10T09:10:00Z")
        #expect(third.error == nil)
        // The peer sends records updated at or after `since`: the second walk's two again, 10:02 too, and one new.
        #expect(third.result?.rowsRead == 4)
        #expect(third.result?.counts.applied == 1)
        let queries = try await peer.log().map { $0.query["since"] }
        #expect(queries == [nil, nil, "2026-03-02T10:02:00Z"], "the cursor as it stood before the last completed walk")
        #expect(try place.int("SELECT count(*) FROM advice") == 6)
        #expect(try place.httpState().cursor?.description == "2026-03-02T10:05:00Z")
        #expect(try place.httpState().sinceCursor?.description == "2026-03-02T10:04:00Z")
    }

    /// Issue 6, "the cursor never skips". The peer pages in request-id order; during a
    /// walk the LA changes a record on a page the walk has already read (REQ-100000, to
    /// 12:00) and one on a later page (REQ-100003, to 12:30). The walk misses the first
    /// change and its cursor moves past it, to 12:30; the next walk's `since`, one walk
    /// behind, still reads it. The change lands between pages 1 and 2 of one poll, or
    /// while page 2 is refused with a 429 and the walk resumes at the next poll.
    @Test(arguments: [false, true])
    func aRecordChangedOnAPageAlreadyReadIsReadByTheNextWalk(interrupted: Bool) async throws {
        func at(_ time: String) -> String { "2026-03-02T\(time):00Z" }
        let peer = try FeedPeer(FeedPeer.laRecords(4))  // REQ-100000…100003 at 10:00…10:03
        let refuse = peer.directory + "/refuse-page-2"
        let place = try TestPlace()
        try place.configure(http: [HTTPFeedSpec(url: peer.url("/feed?paging=body&page_size=2&swap_page=1&swap_file=during.json"
                                                              + "&fail_page=2&fail_status=429&fail_retry_after=1&fail_file=\(refuse)"),
                                                http: ["since_param: since"])])
        // Two walks with nothing changing: since is then 10:03.
        for now in [Self.now, "2026-03-10T09:05:00Z"] { #expect(try await place.poll("la-api", now: now).error == nil) }
        #expect(try place.httpState().sinceCursor?.description == at("10:03"))

        // Every record changes (so the walk has two pages); while it is under way,
        // REQ-100000 (page 1) changes again, and REQ-100003 (page 2) later still.
        try peer.serve((0..<4).map { FeedPeer.laRecord($0, updatedAt: at("11:0\($0)"), caseRef: "EHC/\($0)/b") })
        try peer.stage([FeedPeer.laRecord(0, updatedAt: at("12:00"), caseRef: "EHC/0/c"),
                        FeedPeer.laRecord(1, updatedAt: at("11:01"), caseRef: "EHC/1/b"),
                        FeedPeer.laRecord(2, updatedAt: at("11:02"), caseRef: "EHC/2/b"),
                        FeedPeer.laRecord(3, updatedAt: at("12:30"), caseRef: "EHC/3/c")], as: "during.json")
        if interrupted {
            #expect(FileManager.default.createFile(atPath: refuse, contents: nil))
            let refused = try await place.poll("la-api", now: "2026-03-10T09:10:00Z")
            #expect(refused.error?.contains("HTTP 429") == true, "\(refused.error ?? "no error")")
            #expect(try place.httpState().nextURL?.contains("page=2") == true)
            try FileManager.default.removeItem(atPath: refuse)
        }
        let walk = try await place.poll("la-api", now: "2026-03-10T09:15:00Z")
        #expect(walk.error == nil)
        #expect(try place.httpState().nextURL == nil, "the walk is complete")
        #expect(try place.httpState().cursor?.description == at("12:30"))
        func caseRef() throws -> String? { try place.records(today: "2026-03-10")["REQ-100000"]?.state.la[.case_ref] }
        #expect(try caseRef() == "EHC/0/b", "the walk read REQ-100000 before it changed again")

        let next = try await place.poll("la-api", now: "2026-03-10T09:20:00Z")
        #expect(next.error == nil)
        #expect(try caseRef() == "EHC/0/c", "the next walk read the change the last one missed")
        let mark = try place.int("SELECT f.updated_at FROM advice a JOIN advice_feed f ON f.advice_id = a.id WHERE a.request_id = 'REQ-100000'")
        let changed = try TestPlace.timestamp(at("12:00"))
        #expect(mark == Int(changed.millis))
        let log = try await peer.log().filter { $0.path == "/feed" }
        #expect(log.last(where: { $0.query["page"] == nil })?.query["since"] == at("10:03"),
                "the last walk began from the cursor as it stood before the walk that missed the change")
        #expect(log.allSatisfy { $0.sinceOK != false }, "a since skipped a record: \(log.filter { $0.sinceOK == false }.map(\.query))")
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

    /// A feed pointed at another URL starts afresh: neither its cursor nor its `since`
    /// (one walk behind) belongs to the new endpoint.
    @Test func anotherURLAsksWithoutSince() async throws {
        let peer = try FeedPeer(FeedPeer.laRecords(3))
        let place = try TestPlace()
        try place.configure(http: [HTTPFeedSpec(url: peer.url("/feed"), http: ["since_param: since"])])
        for now in [Self.now, "2026-03-10T09:05:00Z"] { #expect(try await place.poll("la-api", now: now).error == nil) }
        #expect(try place.httpState().sinceCursor?.description == "2026-03-02T10:02:00Z")
        try place.configure(http: [HTTPFeedSpec(url: peer.url("/feed?v=2"), http: ["since_param: since"])])
        #expect(try place.httpState().sinceCursor == nil)
        #expect(try place.httpState().cursor == nil)
        #expect(try await place.poll("la-api", now: "2026-03-10T09:10:00Z").error == nil)
        #expect(try await peer.log().last?.query == ["v": "2"], "the new URL's first walk reads everything")
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
        #expect(try place.httpState().sinceCursor == nil, "nor after the first: since is one walk behind")
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
