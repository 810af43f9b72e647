import EHCCore
import Foundation
import Testing
@testable import EHCSync

/// `ehcsync run` as systemd runs it (SPEC §9, issue 5): the real binary as a child
/// process, a real `NOTIFY_SOCKET` owned by the test, real folders and store. One at
/// a time: each keeps a service running for some seconds.
@Suite(.serialized) struct ServiceLifecycleTests {
    /// One LA row with a fresh request id.
    static func laFile(_ ids: ClosedRange<Int>, prefix: String = "REQ-") -> String {
        SampleExport.laCSV(ids.map { SampleExport.laRow(prefix + String($0), nhs: SampleExport.nhs[$0 % SampleExport.nhs.count]) })
    }

    @Test(.timeLimit(.minutes(2)))
    func readyStatusWatchdogPingsAndMetrics() async throws {
        let place = try TestPlace()
        let metrics = place.root + "/metrics/ehcsync.prom"
        try FileManager.default.createDirectory(atPath: place.root + "/metrics", withIntermediateDirectories: true)
        try place.configure([FeedSpec(name: "la-cases", role: "la", format: "csv", every: "1s")], extra: "metrics_file: \"\(metrics)\"\n")
        try place.drop("cases.csv", into: "la-cases", Self.laFile(1...3))
        let service = try ServiceProcess(config: place.configPath, watchdogUSec: 1_000_000)
        try await service.waitReady()
        // READY=1 comes once, with a status; the first cycle's STATUS= follows (the three
        // requests of March 2026 are long overdue by the real clock).
        let status = try await service.notify.wait("a STATUS= after the first cycle") { m in
            m.contains { $0.fields["STATUS"]?.contains("last cycle") == true }
        }.compactMap { $0.fields["STATUS"] }.last { $0.contains("last cycle") }
        #expect(status?.contains("feeds: 1 ok, 0 failing") == true, "\(String(describing: status))")
        #expect(status?.contains("3 overdue") == true, "\(String(describing: status))")
        // WATCHDOG=1 every half WATCHDOG_USEC (0.5 s): at least 5 in the next 4 s.
        let before = service.notify.messages(with: "WATCHDOG", "1").count
        try await Task.sleep(for: .seconds(4))
        let pings = service.notify.messages(with: "WATCHDOG", "1")
        #expect(pings.count - before >= 5, "only \(pings.count - before) WATCHDOG=1 in 4 s")
        let gaps = zip(pings.dropFirst(), pings).map { Double(($0.at - $1.at).components.attoseconds) / 1e18 + Double(($0.at - $1.at).components.seconds) }
        #expect((gaps.max() ?? 0) < 1.0, "a gap of \(gaps.max() ?? 0) s between pings would let a 1 s watchdog fire")
        #expect(service.notify.messages(with: "READY", "1").count == 1)
        #expect(try place.int("SELECT count(*) FROM advice") == 3)
        // The metrics textfile, written whole after each cycle (no temporary file left beside it).
        let text = try String(contentsOfFile: metrics, encoding: .utf8)
        for line in ["ehcsync_advice{state=\"overdue\"} 3", "ehcsync_feed_consecutive_failures{feed=\"la-cases\"} 0",
                     "ehcsync_outbox_pending 0", "ehcsync_conflicts_open{kind=\"field_mismatch\"} 0"] {
            #expect(text.contains(line + "\n"), "missing \(line) in:\n\(text)")
        }
        #expect(text.contains("ehcsync_cycle_duration_seconds "))
        #expect(place.names(in: place.root + "/metrics") == ["ehcsync.prom"])

        let stop = try await service.stop()
        #expect(stop.result.status == 0, "\(stop.result)")
        #expect(service.notify.messages.contains { $0.fields["STOPPING"] == "1" })
    }

    @Test(.timeLimit(.minutes(2)))
    func secondInstanceOnTheSameStoreIsRefused() async throws {
        let place = try TestPlace()
        try place.configure([FeedSpec(name: "la-cases", role: "la", format: "csv", every: "1m")])
        let first = try ServiceProcess(config: place.configPath)
        try await first.waitReady()
        let second = try ServiceProcess(config: place.configPath)
        guard let exit = try await second.waitExit(seconds: 30) else {
            throw TestFailure("the second ehcsync run on the same store kept running")
        }
        #expect(exit.result.status == 69, "\(exit.result)")
        #expect(exit.result.stderr.contains("another ehcsync process (pid \(first.pid))"), "\(exit.result)")
        #expect(!second.notify.messages.contains { $0.fields["READY"] == "1" }, "the refused instance must never say READY=1")
        #expect(first.process.isRunning)
        let stop = try await first.stop()
        #expect(stop.result.status == 0, "\(stop.result)")
    }

    @Test(.timeLimit(.minutes(2)))
    func badConfigAtStartExits78WithEveryError() async throws {
        let place = try TestPlace()
        try place.configure([FeedSpec(name: "la-cases", role: "la", format: "csv")])
        try (place.yaml([FeedSpec(name: "la-cases", role: "la", format: "csv")]) + "log_level: loud\nmetrics_file: /tmp/x.txt\n")
            .write(toFile: place.configPath, atomically: true, encoding: .utf8)
        let service = try ServiceProcess(config: place.configPath)
        guard let exit = try await service.waitExit(seconds: 30) else { throw TestFailure("a bad config must stop ehcsync run") }
        #expect(exit.result.status == 78, "\(exit.result)")
        #expect(exit.result.stderr.contains("\(place.configPath):8: log_level: must be trace, debug, info, notice, warning, error or critical, not 'loud'"),
                "\(exit.result)")
        #expect(exit.result.stderr.contains("\(place.configPath):9: metrics_file: must name a .prom file"), "\(exit.result)")
        #expect(service.notify.messages.isEmpty)
    }
}
