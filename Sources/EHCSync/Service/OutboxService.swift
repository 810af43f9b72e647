import EHCCore
import Foundation
import ServiceLifecycle

/// Delivers the outbox continuously: whatever is due now, then sleeps until the next
/// message is due, a new one is queued (the scheduler rings), or a minute passes.
/// Deliveries run on the delivery worker, so a long feed poll never holds back a
/// notice. On shutdown the delivery in hand is cancelled; it counts as an attempt
/// to retry, and the notice keeps its stable id, so a receiver drops a duplicate.
public struct OutboxService: ServiceLifecycle.Service, CustomStringConvertible {
    /// What swift-service-lifecycle logs for this service: its name alone, never its
    /// fields (the reloader holds the process environment, which may carry secrets).
    public var description: String { "OutboxService" }

    let runtime: ServiceRuntime
    /// The longest sleep between two looks at the outbox.
    static let longestWait: Duration = .seconds(60)

    public init(runtime: ServiceRuntime) {
        self.runtime = runtime
    }

    public func run() async {
        await withGracefulShutdownHandler {
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                let channels = runtime.settings.channels
                let db = runtime.db, logger = runtime.logger, worker = runtime.deliveryWorker, clock = runtime.clock
                let batch = await cancelWhenGracefulShutdown { () async -> Int in
                    await withTaskExecutorPreference(worker) {
                        let r = await OutboxDeliverer(channels: channels).deliverDue(db: db, now: clock.now(), logger: logger)
                        return r.delivered + r.retrying + r.failed
                    }
                }
                if batch >= AppDatabase.dueBatchSize { continue }
                let next = await withTaskExecutorPreference(worker) { try? db.nextOutboxAttempt() }
                var deadline = ContinuousClock.now + Self.longestWait
                if let next {
                    let wait = Duration.milliseconds(Int64(max(0, clock.realSeconds(until: next) * 1000)))
                    deadline = min(deadline, .now + wait)
                }
                await runtime.outboxBell.wait(until: deadline)
            }
        } onGracefulShutdown: {
            runtime.outboxBell.ring()
        }
    }
}

