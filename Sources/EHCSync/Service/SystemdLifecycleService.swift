import Foundation
import Logging
import ServiceLifecycle

/// Tells systemd where the service is in its life: `READY=1` once it runs (the config
/// is valid and the store is open before the group starts, and every signal handler
/// is installed), `STOPPING=1` when shutdown begins. Last in the group, so its
/// graceful shutdown comes first. If the rest cannot stop within 9.5 s of the signal
/// (the work in hand is interrupted at 7 s, so this is a last resort), the process
/// exits 1 rather than outlive systemd's patience.
public struct SystemdLifecycleService: ServiceLifecycle.Service, CustomStringConvertible {
    /// What swift-service-lifecycle logs for this service: its name alone, never its
    /// fields (the reloader holds the process environment, which may carry secrets).
    public var description: String { "SystemdLifecycleService" }

    let runtime: ServiceRuntime
    let hardStopAfter: Double

    public init(runtime: ServiceRuntime, hardStopAfter: Double = 9.5) {
        self.runtime = runtime
        self.hardStopAfter = hardStopAfter
    }

    public func run() async {
        let settings = runtime.settings
        runtime.notifier.ready(status: "started: \(settings.config.feeds.count) feeds; first cycle running")
        runtime.logger.notice("ehcsync \(EHCSyncVersion.string) running: \(settings.config.feeds.count) feeds, store \(settings.config.storePath)")
        try? await gracefulShutdown()
        runtime.notifier.stopping(status: "stopping: finishing the work in hand")
        runtime.logger.notice("stopping: finishing the work in hand")
        let logger = runtime.logger, limit = hardStopAfter
        DispatchQueue.global().asyncAfter(deadline: .now() + limit) {
            logger.critical("stopping: the work in hand did not end within \(limit) s; exiting now")
            exit(1)
        }
    }
}
