import Foundation
import Testing
@testable import EHCSync

extension ServiceLifecycleTests {
    /// SIGHUP: a good config takes effect (a feed added is polled, the log level
    /// changes); a bad one changes nothing, every error is logged, `STATUS=` says so,
    /// and the service keeps running on the old config.
    @Test(.timeLimit(.minutes(3)))
    func sighupAppliesAGoodConfigAndRefusesABadOne() async throws {
        let place = try TestPlace()
        let la = FeedSpec(name: "la-cases", role: "la", format: "csv", every: "1s")
        let extra = FeedSpec(name: "la-extra", role: "la", format: "csv", every: "1s")
        let refused = FeedSpec(name: "la-refused", role: "la", format: "csv", every: "1s")
        try place.configure([la])
        for feed in [extra, refused] {
            try FileManager.default.createDirectory(atPath: place.folder(feed.name), withIntermediateDirectories: true)
        }
        try place.drop("extra.csv", into: "la-extra", Self.laFile(101...102))
        try place.drop("refused.csv", into: "la-refused", Self.laFile(201...201))
        let service = try await ServiceProcess.started(place)
        #expect(try place.int("SELECT count(*) FROM advice") == 0, "la-extra is not configured yet")
        #expect(!service.stderr.contains("cycle: "), "debug lines appear only after the reload sets log_level: debug")

        // A good config: one more feed, and debug logging.
        try (place.yaml([la, extra]) + "log_level: debug\n").write(toFile: place.configPath, atomically: true, encoding: .utf8)
        service.signal(SIGHUP)
        try await service.notify.wait("READY=1 after the good reload") { $0.filter { $0.fields["READY"] == "1" }.count == 2 }
        let reloading = service.notify.messages.filter { $0.fields["RELOADING"] == "1" }
        #expect(reloading.count == 1)
        #expect(reloading.first?.fields["MONOTONIC_USEC"].flatMap(UInt64.init) != nil, "RELOADING=1 carries MONOTONIC_USEC")
        try await waitFor("la-extra's file taken after the reload") { try place.int("SELECT count(*) FROM advice") == 2 }
        try await waitFor("a debug line") { service.stderr.contains("cycle: ") }

        // A bad config: a third feed and a key that does not exist. Nothing of it may apply.
        let bad = place.yaml([la, extra, refused]) + "log_level: debug\nbogus_key: 1\n"
        try bad.write(toFile: place.configPath, atomically: true, encoding: .utf8)
        let badLine = bad.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasPrefix("bogus_key") }.map { $0 + 1 } ?? 0
        service.signal(SIGHUP)
        try await service.notify.wait("READY=1 after the bad reload") { $0.filter { $0.fields["READY"] == "1" }.count == 3 }
        #expect(service.notify.statuses.last?.contains("reload failed with 1 errors") == true, "\(service.notify.statuses.suffix(2))")
        #expect(service.stderr.contains("reload: \(place.configPath):\(badLine): bogus_key: unknown key 'bogus_key'"), "\(service.stderr)")
        // Two more cycles on the old config: the refused feed's file stays where it is.
        let cyclesBefore = service.notify.statuses.filter { $0.contains("last cycle") }.count
        try await service.notify.wait("two cycles after the bad reload") { m in
            m.compactMap { $0.fields["STATUS"] }.filter { $0.contains("last cycle") }.count >= cyclesBefore + 2
        }
        #expect(service.process.isRunning)
        #expect(place.names(in: place.folder("la-refused")) == ["refused.csv"])
        #expect(try place.int("SELECT count(*) FROM advice") == 2)
        #expect(service.notify.statuses.last?.contains("reload failed") == true, "the refusal stays in STATUS= until a good reload")

        let stop = try await service.stop()
        #expect(stop.result.status == 0, "\(stop.result)")
    }

    /// Polls `condition` every 50 ms without blocking a thread; fails after `seconds`.
    func waitFor(_ what: String, seconds: Double = 30, _ condition: () throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        if try condition() { return }
        throw TestFailure("timed out after \(seconds) s waiting for \(what)")
    }
}
