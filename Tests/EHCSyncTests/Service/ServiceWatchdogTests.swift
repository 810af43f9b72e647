import Foundation
import GRDB
import Testing
@testable import EHCSync

extension ServiceLifecycleTests {
    /// A cycle that hangs must let the watchdog fire: another connection holds the
    /// store's write lock for 8 s, so the service's next poll waits on it; after the
    /// allowance (the whole 2 s watchdog timeout) the pings stop, and they resume once
    /// the poll gets through.
    @Test(.timeLimit(.minutes(2)))
    func aCycleStuckOnTheStoreStopsTheWatchdogPings() async throws {
        let place = try TestPlace()
        try place.configure([FeedSpec(name: "la-cases", role: "la", format: "csv", every: "1s")])
        let service = try ServiceProcess(config: place.configPath, watchdogUSec: 2_000_000)
        try await service.waitReady()
        try await service.notify.wait("three pings") { $0.filter { $0.fields["WATCHDOG"] == "1" }.count >= 3 }

        let held = ContinuousClock.now
        try await holdWriteLock(place.storePath, seconds: 8)
        let released = ContinuousClock.now
        try await service.notify.wait("pings again after the store is free", seconds: 20) { m in
            m.contains { $0.fields["WATCHDOG"] == "1" && $0.at > released }
        }
        let pings = service.notify.messages(with: "WATCHDOG", "1").map(\.at)
        let during = pings.filter { $0 > held + .seconds(3) && $0 < released }
        #expect(during.isEmpty, "\(during.count) pings while the poll was stuck for more than the 2 s timeout")
        let gaps = zip(pings.dropFirst(), pings).map { $0 - $1 }
        #expect((gaps.max() ?? .zero) > .seconds(4), "the longest gap between pings was \(gaps.max() ?? .zero)")
        #expect(service.stderr.contains("watchdog: not pinging systemd: stuck on polling feed la-cases"), "\(service.stderr)")
        #expect(service.stderr.contains("watchdog: the scheduler is working again; pings resumed"))

        let stop = try await service.stop()
        #expect(stop.result.status == 0, "\(stop.result)")
    }

    /// SIGTERM while a poll waits on a store another process has locked: SQLite's own
    /// wait (up to 10 s) cannot be interrupted, so the last resort ends the process; it
    /// must still be gone within 10 s of the signal, and the store must be whole.
    @Test(.timeLimit(.minutes(2)))
    func sigtermWhileTheStoreIsLockedStillEndsWithinTenSeconds() async throws {
        let place = try TestPlace()
        try place.configure([FeedSpec(name: "la-cases", role: "la", format: "csv", every: "1s")])
        let service = try await ServiceProcess.started(place)
        let storePath = place.storePath
        async let held: Void = holdWriteLock(storePath, seconds: 15)
        try await Task.sleep(for: .seconds(1.5))
        let stop = try await service.stop(seconds: 10)
        #expect(stop.took < 10)
        #expect([0, 1].contains(stop.result.status), "\(stop.result)")
        try await held
        #expect(try place.store().integrityCheck() == "ok")
    }

    /// Holds SQLite's write lock on `path` from this process for `seconds`, on a
    /// thread of its own (the test's threads stay free).
    func holdWriteLock(_ path: String, seconds: Double) async throws {
        let queue = try DatabaseQueue(path: path)
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            Thread {
                do {
                    try queue.writeWithoutTransaction { db in
                        try db.execute(sql: "BEGIN IMMEDIATE")
                        Thread.sleep(forTimeInterval: seconds)
                        try db.execute(sql: "ROLLBACK")
                    }
                    done.resume()
                } catch {
                    done.resume(throwing: error)
                }
            }.start()
        }
    }
}
