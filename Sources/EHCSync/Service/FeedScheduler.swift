import EHCCore
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// The service's heart: polls each feed on its own `every` (with jitter, through
/// `FeedPollTiming`), runs the end-of-cycle work at least every minute (and after any
/// poll that took in files), then publishes the figures: `STATUS=`, and the metrics
/// file when `metrics_file:` is set. Every unit of work runs on the store worker
/// thread; the loop itself only waits.
///
/// On graceful shutdown it starts no new unit; a folder poll stops after the file in
/// hand (one transaction). If that is still running 7 s after the signal, the store
/// is interrupted: the transaction rolls back whole and the file is taken again at
/// the next start, so SIGTERM ends the process within systemd's 10 s either way.
public struct FeedScheduler: ServiceLifecycle.Service, CustomStringConvertible {
    /// What swift-service-lifecycle logs for this service: its name alone, never its
    /// fields (the reloader holds the process environment, which may carry secrets).
    public var description: String { "FeedScheduler" }

    let runtime: ServiceRuntime
    /// How long the work in hand may take after SIGTERM before the store is interrupted.
    let stopGrace: Duration

    public init(runtime: ServiceRuntime, stopGrace: Duration = .seconds(7)) {
        self.runtime = runtime
        self.stopGrace = stopGrace
    }

    public func run() async {
        let clock = ContinuousClock()
        let origin = clock.now
        func seconds() -> Double {
            let d = origin.duration(to: clock.now).components
            return Double(d.seconds) + Double(d.attoseconds) / 1e18
        }
        var settings = runtime.settings
        var engine = SyncEngine(config: settings.config, db: runtime.db, logger: runtime.logger)
        var timetable = FeedTimetable(feeds: settings.config.feeds, now: seconds())
        // An HTTP feed that was backing off when the service last stopped waits out its
        // stored retry time, rather than polling at once.
        let started = runtime.clock.now()
        for feed in settings.config.feeds {
            guard case .http = feed.transport, let retryAt = try? runtime.db.feedRetryAt(name: feed.name), retryAt > started else { continue }
            timetable.postpone(feed.name, until: seconds() + runtime.clock.realSeconds(until: retryAt))
        }
        let finishedPolls = PollMailbox()
        await withGracefulShutdownHandler {
            // HTTP feeds poll in tasks of their own, so a slow or dead endpoint holds up
            // no other feed: the loop goes on, and takes each outcome when it comes.
            await withDiscardingTaskGroup { polls in
                var inFlight: Set<String> = []
                while !Task.isShuttingDownGracefully && !Task.isCancelled {
                    let current = runtime.settings
                    if current.generation != settings.generation {
                        settings = current
                        engine = SyncEngine(config: settings.config, db: runtime.db, logger: runtime.logger)
                        timetable.replaceFeeds(settings.config.feeds, now: seconds())
                        for name in inFlight { timetable.started(name) }
                    }
                    var pagesApplied = false
                    for (feed, outcome) in finishedPolls.take() {
                        inFlight.remove(feed.name)
                        if (outcome.result?.pagesApplied ?? 0) > 0 { pagesApplied = true }
                        timetable.polled(feed.name, at: seconds(), delay: runtime.timing.delayAfterPoll(feed, outcome))
                    }
                    let now = seconds()
                    var due: [String] = []
                    for name in timetable.dueFeeds(at: now) where !inFlight.contains(name) {
                        guard let feed = settings.config.feeds.first(where: { $0.name == name }) else { continue }
                        guard case .http = feed.transport else {
                            due.append(name)
                            continue
                        }
                        inFlight.insert(name)
                        timetable.started(name)
                        let engine = engine, runtime = runtime
                        polls.addTask {
                            let outcome = await withTaskExecutorPreference(runtime.storeWorker) {
                                await engine.pollFeed(feed, now: runtime.clock.now(), wallClock: Date())
                            }
                            finishedPolls.put(feed, outcome)
                            runtime.schedulerBell.ring()
                        }
                    }
                    guard !due.isEmpty || pagesApplied || timetable.isFinishDue(at: now) else {
                        await runtime.schedulerBell.wait(until: origin + .milliseconds(Int64(min(timetable.nextWake, 1e9) * 1000)))
                        continue
                    }
                    await pass(due: due, engine: engine, config: settings.config, newData: pagesApplied, timetable: &timetable,
                               seconds: seconds)
                }
                // Transfers in flight are cancelled; a page being applied commits or rolls back whole.
                polls.cancelAll()
            }
        } onGracefulShutdown: {
            runtime.schedulerBell.ring()
        }
    }

    /// One pass: the due folder feeds in config order, the end-of-cycle work if due (or
    /// when new data came in), then the figures.
    private func pass(due: [String], engine: SyncEngine, config: AppConfig, newData: Bool, timetable: inout FeedTimetable,
                      seconds: () -> Double) async {
        let started = seconds()
        var tookFiles = newData
        let feeds = due.compactMap { name in config.feeds.first { $0.name == name } }
        if !feeds.isEmpty {
            let outcomes = await unit(feeds.count == 1 ? "polling feed \(feeds[0].name)" : "polling \(feeds.count) feeds") {
                await engine.pollFeeds(feeds, now: runtime.clock.now(), wallClock: Date())
            }
            for outcome in outcomes {
                guard let feed = feeds.first(where: { $0.name == outcome.name }) else { continue }
                if let result = outcome.result, result.filesApplied + result.filesRejected + result.filesDuplicate > 0 { tookFiles = true }
                timetable.polled(outcome.name, at: seconds(), delay: runtime.timing.delayAfterPoll(feed, outcome))
            }
        }
        guard !Task.isShuttingDownGracefully else { return }
        let finish = tookFiles || timetable.isFinishDue(at: seconds())
        if finish {
            let end = await unit("end-of-cycle work") { engine.finishCycle(now: runtime.clock.now()) }
            timetable.finished(at: seconds())
            if end.notices.messagesQueued > 0 { runtime.outboxBell.ring() }
        }
        let previous = runtime.figures
        let duration = seconds() - started
        let figures = await unit("reading the figures") { () -> ServiceFigures in
            let now = runtime.clock.now()
            do {
                var figures = try ServiceFigures.read(runtime.db, config: config, now: now, countAdvice: finish || previous.advice == nil,
                                                      previous: previous)
                figures.lastCycleAt = now
                figures.lastCycleSeconds = duration
                if let path = config.metricsFile {
                    do { try AtomicFile.write(MetricsText.render(figures), to: path, mode: 0o644) } catch {
                        runtime.logger.error("metrics: \(error)")
                    }
                }
                return figures
            } catch {
                runtime.logger.error("status: cannot read the figures: \(error)")
                return previous
            }
        }
        runtime.publish(figures)
        runtime.logger.debug("cycle: \(due.count) feeds polled\(finish ? ", end-of-cycle work done" : "") in \(String(format: "%.3f", duration)) s")
    }

    /// Runs one unit of work on the store worker, marked busy for the watchdog, with a
    /// guard that interrupts the store if a shutdown waits on it too long.
    private func unit<T>(_ what: String, _ body: () async -> T) async -> T {
        runtime.heartbeat.begin(what)
        defer { runtime.heartbeat.end() }
        let db = runtime.db, logger = runtime.logger, grace = stopGrace
        return await withTaskGroup(of: Void.self, returning: T.self) { group in
            group.addTask {
                guard (try? await gracefulShutdown()) != nil, (try? await Task.sleep(for: grace)) != nil else { return }
                logger.warning("shutdown: \(what) is still running: interrupting it; its transaction rolls back and its file is taken again at the next start")
                while !Task.isCancelled {
                    db.interrupt()
                    try? await Task.sleep(for: .milliseconds(100))
                }
            }
            let value = await withTaskExecutorPreference(runtime.storeWorker) { await body() }
            group.cancelAll()
            return value
        }
    }
}

/// Outcomes of HTTP polls that ended, for the scheduler's loop to take.
final class PollMailbox: Sendable {
    private let outcomes = Mutex<[(FeedConfig, SyncEngine.FeedOutcome)]>([])

    func put(_ feed: FeedConfig, _ outcome: SyncEngine.FeedOutcome) {
        outcomes.withLock { $0.append((feed, outcome)) }
    }

    func take() -> [(FeedConfig, SyncEngine.FeedOutcome)] {
        outcomes.withLock { taken in
            defer { taken.removeAll() }
            return taken
        }
    }
}
