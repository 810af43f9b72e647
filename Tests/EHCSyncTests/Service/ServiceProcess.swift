import Foundation
import Synchronization
import Testing

/// `ehcsync run` as a child process, as systemd would start it: with a
/// `NOTIFY_SOCKET` the test owns and, if asked, `WATCHDOG_USEC`. Waits never block a
/// thread (the test pool has two), and the child is killed if a test forgets it.
final class ServiceProcess {
    let notify: NotifySocket
    let command: RunningCommand
    var process: Process { command.process }
    var pid: Int32 { command.process.processIdentifier }

    init(config: String, watchdogUSec: Int? = nil, extraEnvironment: [String: String] = [:], executable: String? = nil) throws {
        notify = try NotifySocket()
        var env = EHCSyncBinary.environment
        env["NOTIFY_SOCKET"] = notify.address
        if let watchdogUSec { env["WATCHDOG_USEC"] = String(watchdogUSec) }
        env.merge(extraEnvironment) { _, b in b }
        command = try EHCSyncBinary.start(["run", "--config", config], environment: env, executable: executable)
        let ended = self.ended
        command.process.terminationHandler = { _ in ended.time.withLock { $0 = Date() } }
    }

    /// When the child exited, as Foundation saw it (set from Foundation's own thread).
    private final class ExitTime: Sendable {
        let time = Mutex<Date?>(nil)
    }

    private let ended = ExitTime()
    private var exitTime: Date? { ended.time.withLock { $0 } }

    deinit {
        if command.process.isRunning { kill(pid, SIGKILL) }
    }

    func signal(_ number: Int32) { kill(pid, number) }

    /// The child's stderr so far.
    var stderr: String {
        (try? String(contentsOfFile: command.errPath, encoding: .utf8)) ?? ""
    }

    /// Waits for `READY=1`; fails with the child's stderr if it exits first.
    func waitReady(seconds: Double = 60) async throws {
        try await notify.wait("READY=1", seconds: seconds) { [process] messages in
            if !process.isRunning { return true }
            return messages.contains { $0.fields["READY"] == "1" }
        }
        guard process.isRunning else { throw TestFailure("ehcsync run exited before READY=1:\n\(stderr)") }
    }

    /// Starts `ehcsync run` on `place` and waits for `READY=1` and the end of its first
    /// cycle (a `STATUS=` that names it).
    static func started(_ place: TestPlace, watchdogUSec: Int? = nil) async throws -> ServiceProcess {
        let service = try ServiceProcess(config: place.configPath, watchdogUSec: watchdogUSec)
        try await service.waitReady()
        try await service.notify.wait("the first cycle") { m in m.contains { $0.fields["STATUS"]?.contains("last cycle") == true } }
        return service
    }

    /// Waits for the child to exit; returns its status and how long that took, or
    /// nil when it is still running after `seconds`.
    func waitExit(seconds: Double) async throws -> (result: CommandResult, took: Double)? {
        let start = Date()
        while process.isRunning {
            if Date().timeIntervalSince(start) > seconds { return nil }
            try await Task.sleep(for: .milliseconds(20))
        }
        // The process's own end time, not when this test got round to looking.
        let took = exitTime.map { $0.timeIntervalSince(start) } ?? Date().timeIntervalSince(start)
        return (try command.finish(), took)
    }

    /// SIGTERM, then the exit; fails when it takes longer than `seconds`.
    func stop(seconds: Double = 10) async throws -> (result: CommandResult, took: Double) {
        signal(SIGTERM)
        guard let exit = try await waitExit(seconds: seconds) else {
            let err = stderr
            kill(pid, SIGKILL)
            throw TestFailure("ehcsync run did not exit within \(seconds) s of SIGTERM:\n\(err)")
        }
        return exit
    }
}
