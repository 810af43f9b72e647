import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// `ehcsync run`: the long-running service, as one swift-service-lifecycle group.
/// Services start together and stop in reverse order on SIGTERM or SIGINT:
/// `STOPPING=1` first, then no more reloads, then the scheduler finishes the work in
/// hand, then the outbox, and the watchdog last. No task outlives the group.
public enum ServiceRunner {
    /// Runs until SIGTERM or SIGINT. The caller has validated `settings`, taken the
    /// store's lock and opened `db`: the service is ready the moment this starts.
    /// `timing` decides when a feed is polled again (the hook for transports that back
    /// off or honour `Retry-After`); `clock` is the service's wall clock (a test clock
    /// when `EHCSYNC_TEST_CLOCK` is set).
    public static func run(settings: ServiceSettings, db: AppDatabase, configPath: String,
                           environment: [String: String], logger: Logger,
                           clock: ServiceClock = .system, timing: FeedPollTiming? = nil) async throws {
        if let warning = clock.warning { logger.warning("\(warning)") }
        let runtime = ServiceRuntime(settings: settings, db: db, notifier: SystemdNotifier(environment: environment),
                                     logger: logger, timing: timing ?? .jittered(now: { clock.now() }, rate: clock.rate),
                                     clock: clock)
        // Installed before READY=1 (sent when the group starts), so a reload asked for
        // at once is never lost nor kills the process with SIGHUP's default action.
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [
                .init(service: WatchdogService(runtime: runtime)),
                .init(service: OutboxService(runtime: runtime)),
                .init(service: FeedScheduler(runtime: runtime)),
                .init(service: ReloadService(runtime: runtime, configPath: configPath, environment: environment, hangups: hangups)),
                .init(service: SystemdLifecycleService(runtime: runtime)),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint],
            cancellationSignals: [],
            logger: logger))
        try await group.run()
        logger.notice("stopped")
    }
}
