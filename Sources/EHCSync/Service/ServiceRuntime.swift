import EHCCore
import Foundation
import Logging
import Synchronization

/// What the parts of the running service share: the store, the systemd channel, the
/// worker threads, the wake-up bells, the current settings and the latest figures.
/// Each part is a `Service` of its own; this is the one place they meet.
public final class ServiceRuntime: Sendable {
    public let db: AppDatabase
    public let notifier: SystemdNotifier
    public let logger: Logger
    public let heartbeat = SchedulerHeartbeat()
    /// Runs feed polls, end-of-cycle work and status reads (SQLite and files).
    public let storeWorker = WorkerThread(name: "ehcsync-store")
    /// Runs outbox deliveries and config reloads, so neither waits behind a long poll.
    public let deliveryWorker = WorkerThread(name: "ehcsync-delivery")
    /// Wakes the scheduler (reload, shutdown).
    public let schedulerBell = Doorbell()
    /// Wakes the outbox (new messages queued, reload, shutdown).
    public let outboxBell = Doorbell()
    /// When a feed is polled again after a poll.
    public let timing: FeedPollTiming
    /// The service's wall clock: the real time, or a test clock (`ServiceClock`).
    public let clock: ServiceClock

    private struct Shared {
        var settings: ServiceSettings
        var figures = ServiceFigures()
        var reloadProblem: String?
    }

    private let shared: Mutex<Shared>

    public init(settings: ServiceSettings, db: AppDatabase, notifier: SystemdNotifier, logger: Logger,
                timing: FeedPollTiming = .jittered(), clock: ServiceClock = .system) {
        self.db = db
        self.clock = clock
        self.notifier = notifier
        self.logger = logger
        self.timing = timing
        shared = Mutex(Shared(settings: settings))
    }

    deinit {
        storeWorker.stop()
        deliveryWorker.stop()
    }

    public var settings: ServiceSettings { shared.withLock { $0.settings } }

    /// Puts a new, wholly built config in place; each loop takes it up at its next turn.
    public func replaceSettings(_ settings: ServiceSettings) {
        shared.withLock {
            $0.settings = settings
            $0.reloadProblem = nil
        }
        schedulerBell.ring()
        outboxBell.ring()
    }

    /// Says in `STATUS=` (until the next good reload) that a reload was refused.
    public func setReloadProblem(_ text: String) {
        shared.withLock { $0.reloadProblem = text }
    }

    public var figures: ServiceFigures { shared.withLock { $0.figures } }

    /// Keeps the latest figures and sends the `STATUS=` line made from them.
    public func publish(_ figures: ServiceFigures) {
        shared.withLock { $0.figures = figures }
        notifier.status(statusLine)
    }

    /// The current `STATUS=` line.
    public var statusLine: String {
        shared.withLock { $0.figures.statusLine(reloadProblem: $0.reloadProblem) }
    }
}
