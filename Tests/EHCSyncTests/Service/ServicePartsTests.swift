import EHCCore
import Foundation
import Logging
import Testing
@testable import EHCSync

/// The service's small parts, in process: sd_notify, the worker thread, the doorbell,
/// the heartbeat, the metrics text, the status line and journald detection.
@Suite struct ServicePartsTests {
    @Test(arguments: [false, true])
    func notifierReachesAPathOrAnAbstractSocket(abstract: Bool) async throws {
        let socket = try NotifySocket(abstract: abstract)
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": socket.address])
        #expect(notifier.isActive)
        notifier.ready(status: "two\nlines")
        notifier.reloading()
        let messages = try await socket.wait("two datagrams", seconds: 10) { $0.count == 2 }
        #expect(messages[0].text == "READY=1\nSTATUS=two lines", "a status stays on one line")
        #expect(messages[1].fields["RELOADING"] == "1")
        #expect(messages[1].fields["MONOTONIC_USEC"].flatMap(UInt64.init) != nil)
    }

    @Test func withoutNotifySocketNothingIsSent() {
        let notifier = SystemdNotifier(environment: [:])
        #expect(!notifier.isActive)
        #expect(!notifier.send("READY=1"))
        #expect(notifier.watchdogInterval == nil)
    }

    @Test func watchdogIntervalIsHalfTheTimeoutAndOnlyForThisProcess() {
        #expect(SystemdNotifier.watchdogInterval(["WATCHDOG_USEC": "3000000"]) == .milliseconds(1500))
        #expect(SystemdNotifier.watchdogInterval(["WATCHDOG_USEC": "3000000", "WATCHDOG_PID": String(getpid())]) == .milliseconds(1500))
        #expect(SystemdNotifier.watchdogInterval(["WATCHDOG_USEC": "3000000", "WATCHDOG_PID": "1"]) == nil)
        #expect(SystemdNotifier.watchdogInterval(["WATCHDOG_USEC": "soon"]) == nil)
    }

    /// Blocking work handed to the worker runs on its thread, not on the cooperative pool.
    @Test func workRunsOnTheWorkerThread() async {
        let worker = WorkerThread(name: "test-worker")
        defer { worker.stop() }
        #expect(!worker.isCurrent)
        let inClosure = await withTaskExecutorPreference(worker) { worker.isCurrent }
        let inAsyncCall = await withTaskExecutorPreference(worker) { await Self.isOn(worker) }
        #expect(inClosure && inAsyncCall)
    }

    static func isOn(_ worker: WorkerThread) async -> Bool { worker.isCurrent }

    /// The waits end long before their 10-minute deadlines, so a ring ended them (the
    /// bounds are loose: the test pool may be busy with other tests for a while).
    @Test func doorbellRungBeforeTheWaitIsNotLost() async {
        let bell = Doorbell()
        bell.ring()
        let start = ContinuousClock.now
        await bell.wait(until: .now + .seconds(600))
        #expect(ContinuousClock.now - start < .seconds(300))
    }

    @Test func doorbellWaitEndsAtTheDeadlineOrOnARing() async {
        let bell = Doorbell()
        var start = ContinuousClock.now
        await bell.wait(until: .now + .milliseconds(100))
        #expect(ContinuousClock.now - start >= .milliseconds(100))
        start = ContinuousClock.now
        async let waited: Void = bell.wait(until: .now + .seconds(600))
        try? await Task.sleep(for: .milliseconds(50))
        bell.ring()
        await waited
        #expect(ContinuousClock.now - start < .seconds(300))
    }

    @Test func heartbeatIsAliveWhenIdleOrBusyWithinTheAllowance() {
        let beat = SchedulerHeartbeat()
        #expect(beat.check(allowance: .seconds(2)).alive)
        beat.begin("polling feed la")
        #expect(beat.check(allowance: .seconds(2)).alive)
        let later = ContinuousClock.now + .seconds(3)
        let stuck = beat.check(allowance: .seconds(2), now: later)
        #expect(!stuck.alive && stuck.stuckOn?.hasPrefix("polling feed la, running for") == true)
        beat.end()
        #expect(beat.check(allowance: .seconds(2), now: later).alive)
    }

    static func figures() -> ServiceFigures {
        var f = ServiceFigures()
        f.feeds = [FeedHealth(name: "la-cases", role: "la", state: .ok, lastSuccessAt: Timestamp(millis: 1_767_225_600_000),
                              lastDataAt: nil, lastError: nil, consecutiveFailures: 0),
                   FeedHealth(name: "trust", role: "provider", state: .failing, lastSuccessAt: nil, lastDataAt: nil,
                              lastError: "cannot list", consecutiveFailures: 3)]
        f.advice = [.open: 4, .overdue: 2]
        f.disputed = 1
        f.conflictsByKind = [.field_mismatch: 2]
        f.outboxPending = 5
        f.outboxFailed = 1
        f.lastCycleAt = Timestamp(millis: 1_767_225_660_000)
        f.lastCycleSeconds = 0.25
        return f
    }

    @Test func metricsTextHasEverySeriesZerosIncluded() {
        let text = MetricsText.render(Self.figures())
        for line in [
            "ehcsync_advice{state=\"open\"} 4", "ehcsync_advice{state=\"due_soon\"} 0", "ehcsync_advice{state=\"overdue\"} 2",
            "ehcsync_advice_disputed 1",
            "ehcsync_conflicts_open{kind=\"field_mismatch\"} 2", "ehcsync_conflicts_open{kind=\"identity_mismatch\"} 0",
            "ehcsync_feed_last_success_timestamp_seconds{feed=\"la-cases\"} 1767225600.000",
            "ehcsync_feed_last_success_timestamp_seconds{feed=\"trust\"} 0",
            "ehcsync_feed_consecutive_failures{feed=\"trust\"} 3",
            "ehcsync_feed_rejected_files{feed=\"trust\"} 0", "ehcsync_feed_row_errors{feed=\"la-cases\"} 0",
            "ehcsync_feed_ignored_files{feed=\"trust\"} 0", "ehcsync_feed_degraded{feed=\"la-cases\"} 0",
            "ehcsync_outbox_pending 5", "ehcsync_outbox_failed 1",
            "ehcsync_cycle_duration_seconds 0.250000", "ehcsync_last_cycle_timestamp_seconds 1767225660.000",
            "# TYPE ehcsync_advice gauge",
        ] {
            #expect(text.split(separator: "\n").contains(Substring(line)), "missing: \(line)")
        }
        #expect(text.split(separator: "\n").filter { !$0.hasPrefix("#") }.count == 6 + 1 + 7 + 2 + 2 + 4 * 2 + 2 + 2)
        #expect(MetricsText.escaped("a\"b\\c\nd") == "a\\\"b\\\\c\\nd")
    }

    @Test func statusLineSaysFeedsOverdueLastCycleAndAReloadProblem() {
        #expect(Self.figures().statusLine() == "feeds: 1 ok, 1 failing; 2 overdue; 1 notices failed; last cycle 2026-01-01T00:01:00Z (0.250 s)")
        #expect(ServiceFigures().statusLine(reloadProblem: "reload failed") == "feeds: 0 ok, 0 failing; overdue not counted yet; no cycle yet; reload failed")
    }

    /// `<N>` prefixes only when stderr is the very stream `JOURNAL_STREAM` names.
    @Test func journalIsDetectedByStderrDeviceAndInode() {
        var st = stat()
        fstat(STDERR_FILENO, &st)
        #expect(StderrLogHandler.stderrIsJournal(environment: ["JOURNAL_STREAM": "\(st.st_dev):\(st.st_ino)"]))
        #expect(!StderrLogHandler.stderrIsJournal(environment: ["JOURNAL_STREAM": "\(st.st_dev):\(st.st_ino + 1)"]))
        #expect(!StderrLogHandler.stderrIsJournal(environment: [:]))
        #expect(StderrLogHandler.priority(.error) == 3 && StderrLogHandler.priority(.info) == 6)
    }
}
