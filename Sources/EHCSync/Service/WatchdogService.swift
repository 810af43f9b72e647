import Foundation
import Logging
import ServiceLifecycle

/// Sends `WATCHDOG=1` every half `WATCHDOG_USEC`, but only while the scheduler is
/// alive (`SchedulerHeartbeat`): idle, or in a unit of work that has run for less
/// than the whole watchdog timeout. A unit stuck longer stops the pings, and systemd
/// kills and restarts the service (`Restart=on-failure`) within one more timeout.
/// Without `WATCHDOG_USEC` it only waits for shutdown. First in the group, so it is
/// the last to stop.
public struct WatchdogService: ServiceLifecycle.Service, CustomStringConvertible {
    /// What swift-service-lifecycle logs for this service: its name alone, never its
    /// fields (the reloader holds the process environment, which may carry secrets).
    public var description: String { "WatchdogService" }

    let runtime: ServiceRuntime

    public init(runtime: ServiceRuntime) {
        self.runtime = runtime
    }

    public func run() async {
        guard let interval = runtime.notifier.watchdogInterval else {
            try? await gracefulShutdown()
            return
        }
        var stuck = false
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let check = runtime.heartbeat.check(allowance: interval * 2)
            if check.alive {
                runtime.notifier.watchdog()
                if stuck { runtime.logger.notice("watchdog: the scheduler is working again; pings resumed") }
                stuck = false
            } else if !stuck {
                stuck = true
                runtime.logger.error("watchdog: not pinging systemd: stuck on \(check.stuckOn ?? "?")")
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
