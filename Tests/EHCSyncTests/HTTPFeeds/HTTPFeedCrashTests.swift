import EHCCore
import Foundation
import Testing
@testable import EHCSync

/// SPEC §7: "the cursor and the validators advance only in the transaction that applies
/// the page". A real `ehcsync sync` reading a paginated endpoint is killed with SIGKILL
/// part-way through the pages, several times, then run to the end: every record must be
/// in the store exactly once, and each run after a kill must go on from the page it was
/// killed on, never from the first page again.
@Suite struct HTTPFeedCrashTests {
    static let records = 1500
    static let pageSize = 30
    static var pages: Int { (records + pageSize - 1) / pageSize }

    @Test(.timeLimit(.minutes(3)))
    func killedSyncResumesMidWalkAndNeitherLosesNorDoublesARecord() async throws {
        let seed = UInt64(Date().timeIntervalSince1970 * 1000)
        var rng = SeededRandom(seed: seed)
        let peer = try FeedPeer(FeedPeer.laRecords(Self.records))
        let place = try TestPlace()
        try place.configure(http: [HTTPFeedSpec(url: peer.url("/feed?paging=body&page_size=\(Self.pageSize)&delay=0.03"),
                                                http: ["since_param: since"])])
        let arguments = ["sync", "--config", place.configPath, "--now", "2026-03-10T09:00:00Z"]
        func pagesDone() -> Int { (try? place.int("SELECT walk_pages FROM http_feed")) ?? 0 }
        func walkOver() -> Bool { pagesDone() > 0 && ((try? place.int("SELECT count(*) FROM http_feed WHERE next_url IS NULL")) ?? 0) == 1 }

        let kills = try Self.killRounds(arguments, seed: seed, rng: &rng, pagesDone: pagesDone, walkOver: walkOver)
        #expect(kills >= 1, "seed \(seed): no run was killed part-way; the walk is too short for this machine")
        let last = try EHCSyncBinary.run(arguments)
        #expect(last.status == 0, "seed \(seed): \(last)")
        #expect(walkOver())

        // Every page was asked for; the walk never started again from the top.
        let pages = try await peer.log().filter { $0.path == "/feed" }.compactMap { Int($0.query["page"] ?? "1") }
        #expect(pages.filter { $0 == 1 }.count == 1, "seed \(seed): page 1 asked once: \(pages)")
        #expect(Set(pages) == Set(1...Self.pages), "seed \(seed)")
        #expect(pages == pages.sorted(), "seed \(seed): each run went on from where the last one stopped: \(pages)")

        // Store: every record exactly once, observed exactly once.
        let store = try AppDatabase(path: place.storePath)
        #expect(try store.integrityCheck() == "ok")
        #expect(try place.int("SELECT count(*) FROM advice") == Self.records, "seed \(seed)")
        #expect(try place.int("SELECT count(*) FROM observation") == Self.records, "seed \(seed): nothing doubled")
        #expect(try place.int("SELECT count(DISTINCT request_id) FROM observation WHERE outcome = 'created'") == Self.records)
        #expect(try place.httpState().cursor == (try TestPlace.timestamp("2026-03-02T21:59:00Z")), "the greatest updated_at served")

        // And the next syncs apply nothing new: the first asks from the cursor as it stood
        // before the walk (none: everything again), the second from the cursor on.
        let applied = try place.appliedState()
        for since in [nil, "2026-03-02T21:59:00Z"] {
            let idle = try EHCSyncBinary.run(arguments)
            #expect(idle.status == 0, "\(idle)")
            #expect(try place.appliedState() == applied)
            #expect(try await peer.log().last { $0.query["page"] == nil }?.query["since"] == since)
        }
    }

    /// Kill rounds: lets each run commit a few more pages (1 to 6), then SIGKILLs it,
    /// which lands somewhere in the next page. Synchronous, so the wait blocks its
    /// thread (as in CrashRecoveryTests) and a busy test pool cannot make a kill late.
    static func killRounds(_ arguments: [String], seed: UInt64, rng: inout SeededRandom,
                           pagesDone: () -> Int, walkOver: () -> Bool) throws -> Int {
        var kills = 0
        for _ in 0..<6 {
            if walkOver() { break }
            let target = pagesDone() + 1 + Int(rng.next() % 6)
            let child = try EHCSyncBinary.start(arguments)
            let deadline = Date().addingTimeInterval(30)
            while child.process.isRunning && pagesDone() < target && Date() < deadline {
                Thread.sleep(forTimeInterval: 0.002)
            }
            if child.process.isRunning {
                kill(child.process.processIdentifier, SIGKILL)
                kills += 1
            }
            child.process.waitUntilExit()
            let result = try child.finish()
            #expect(result.killedBySignal || result.status == 0, "seed \(seed): \(result)")
        }
        return kills
    }
}
