import EHCCore
import Foundation
import Testing
@testable import EHCSync

extension ServiceLifecycleTests {
    /// Issue 4: "a slow or dead endpoint never delays the others". Under `ehcsync run`
    /// an HTTP feed whose endpoint takes 20 s to answer, dribbles its body a byte every
    /// half second, or sends 40 bytes and stalls (issue 6's slow drips) is polled in a
    /// task of its own: the folder feed beside it keeps its 1 s rhythm and takes a file
    /// dropped while the slow answer is still on its way; SIGTERM then cancels the
    /// transfer in flight and the service still exits 0 within 10 s.
    @Test(.timeLimit(.minutes(2)), arguments: ["/feed?delay=20", "/drip?interval=0.5", "/stall?after=40"])
    func aSlowEndpointHoldsUpNoOtherFeedUnderTheService(path: String) async throws {
        let peer = try FeedPeer(FeedPeer.laRecords(2))
        let place = try TestPlace()
        try place.configure(http: [HTTPFeedSpec(name: "slow", url: peer.url(path), every: "1m",
                                                http: ["timeout_seconds: 30"])],
                            feeds: [FeedSpec(name: "la-cases", role: "la", format: "csv", every: "1s")])
        let service = try ServiceProcess(config: place.configPath)
        try await service.waitReady()
        let route = String(path.prefix { $0 != "?" })
        var asked = false
        for _ in 0..<400 where !asked {
            asked = try await peer.log().contains { $0.path == route }
            if !asked { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(asked, "the service never asked the slow endpoint")
        let dropped = Date()
        try place.drop("cases.csv", into: "la-cases", Self.laFile(1...3, prefix: "LA-"))
        try await waitFor("the dropped file taken while the slow answer is on its way", seconds: 15) {
            try place.int("SELECT count(*) FROM advice WHERE request_id LIKE 'LA-%'") == 3
        }
        #expect(Date().timeIntervalSince(dropped) < 12, "the folder feed waited \(Date().timeIntervalSince(dropped)) s")
        #expect(try place.int("SELECT count(*) FROM advice WHERE request_id LIKE 'REQ-%'") == 0,
                "the slow endpoint has not answered yet, so this proves the folder did not wait for it")
        let stop = try await service.stop(seconds: 10)
        #expect(stop.result.status == 0, "\(stop.result)")
        #expect(stop.took < 10)
        #expect(try place.store().integrityCheck() == "ok")
    }

    /// A feed backing off when the service stopped is not polled at once on the next
    /// start: the stored retry time (here the server's `Retry-After` of an hour) holds.
    @Test(.timeLimit(.minutes(2)))
    func aStoredBackoffHoldsAcrossARestart() async throws {
        let peer = try FeedPeer(FeedPeer.laRecords(2))
        let place = try TestPlace()
        try place.configure(http: [HTTPFeedSpec(name: "busy", url: peer.url("/status/429?retry_after=3600"), every: "1m")],
                            feeds: [FeedSpec(name: "la-cases", role: "la", format: "csv", every: "1s")])
        _ = try EHCSyncBinary.run(["sync", "--config", place.configPath])  // the 429 stores an hour's backoff
        #expect(try place.store().feedRetryAt(name: "busy") != nil)
        let asked = try await peer.log().count
        let service = try ServiceProcess(config: place.configPath)
        try await service.waitReady()
        try place.drop("cases.csv", into: "la-cases", Self.laFile(1...2, prefix: "LA-"))
        try await waitFor("the folder feed polled", seconds: 15) {
            try place.int("SELECT count(*) FROM advice WHERE request_id LIKE 'LA-%'") == 2
        }
        #expect(try await peer.log().count == asked, "the endpoint was asked again before its Retry-After")
        let stop = try await service.stop(seconds: 10)
        #expect(stop.result.status == 0, "\(stop.result)")
    }
}
