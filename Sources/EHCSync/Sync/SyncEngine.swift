import EHCCore
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// What one cycle did, for the command line and the logs.
public struct CycleReport: Sendable {
    public var feeds: [(name: String, result: FeedPollResult?, error: String?)] = []
    public var linked = 0
    public var clockConflicts = 0
    public var notices = NoticeCycle.Result()
    public var delivery = OutboxDeliverer.Result()
}

/// One full cycle (SPEC §9 `sync`): every feed once, then the unmatched retry and the
/// clock's conflicts. Each feed's failure is its own: the others keep flowing.
public final class SyncEngine: Sendable {
    public let config: AppConfig
    public let db: AppDatabase
    let logger: Logger
    public let rules: AdviceRules
    public let zone: TimeZone

    /// The notice stamp after the last planning this engine did: a cycle with the same
    /// stamp skips planning, which would read every record to find nothing new.
    private let lastPlanned = Mutex<NoticeCycle.Stamp?>(nil)

    /// A terminal's progress line for long files and walks (nil: none; see `FeedProgress.forTerminal`).
    public let progress: FeedProgress?

    public init(config: AppConfig, db: AppDatabase, logger: Logger, progress: FeedProgress? = nil) {
        self.progress = progress
        self.config = config
        self.db = db
        self.logger = logger
        rules = config.adviceRules
        zone = config.timeZone
    }

    /// One full cycle: every feed once, then `finishCycle`. Folder feeds are read in
    /// config order; HTTP feeds are polled at the same time, each in its own task, so a
    /// slow or dead endpoint delays no other feed (their pages are still applied one
    /// transaction at a time: the store has one writer). Feeds in backoff are polled
    /// too: a manual cycle is the operator asking. The report lists feeds in config order.
    public func runCycle(now: Timestamp, wallClock: Date = Date()) async -> CycleReport {
        var report = CycleReport()
        let immediate = NoticeCycle(config: config, db: db).immediateNotices
        for outcome in await pollFeeds(config.feeds, now: now, wallClock: wallClock, immediate: immediate) {
            report.feeds.append((outcome.name, outcome.result, outcome.error))
        }
        let end = finishCycle(now: now, immediate: immediate)
        report.linked = end.linked
        report.clockConflicts = end.clockConflicts
        report.notices = end.notices
        return report
    }

    /// Polls `feeds` once each and returns their outcomes in the order given. HTTP
    /// feeds are polled at the same time, so a slow or dead endpoint delays no other
    /// feed; folder feeds one after another (their work is the store's, which takes
    /// one writer at a time). A folder feed not yet started when the service is asked
    /// to stop is skipped.
    public func pollFeeds(_ feeds: [FeedConfig], now: Timestamp, wallClock: Date = Date(),
                          immediate: ImmediateNotices? = nil) async -> [FeedOutcome] {
        var outcomes: [String: FeedOutcome] = [:]
        await withTaskGroup(of: FeedOutcome.self) { group in
            for feed in feeds {
                guard case .http = feed.transport else { continue }
                group.addTask { await self.pollFeed(feed, now: now, wallClock: wallClock, immediate: immediate) }
            }
            for feed in feeds {
                guard case .folder = feed.transport else { continue }
                if Task.isShuttingDownGracefully { break }
                outcomes[feed.name] = await pollFeed(feed, now: now, wallClock: wallClock, immediate: immediate)
            }
            for await outcome in group { outcomes[outcome.name] = outcome }
        }
        return feeds.compactMap { outcomes[$0.name] }
    }

    /// What one poll of one feed did: its counts, or the error that stopped it.
    public struct FeedOutcome: Sendable {
        public var name: String
        public var result: FeedPollResult?
        public var error: String?
        /// After a failed HTTP poll: the service should not poll this feed again before
        /// this instant (backoff with jitter, at least the server's `Retry-After`). Also
        /// stored: `AppDatabase.feedRetryAt(name:)` reads it after a restart.
        public var retryAt: Timestamp?
    }

    /// Polls one feed once and records its health. Never throws: a feed's failure is
    /// its own, recorded on the feed and returned. Folder work and applying an HTTP
    /// page block the calling thread (SQLite and file I/O); a long-running caller keeps
    /// them off the cooperative pool. HTTP transfers run on their own threads.
    public func pollFeed(_ feed: FeedConfig, now: Timestamp, wallClock: Date = Date(),
                         immediate: ImmediateNotices? = nil) async -> FeedOutcome {
        let immediate = immediate ?? NoticeCycle(config: config, db: db).immediateNotices
        let started = Date()
        do {
            let result: FeedPollResult
            switch feed.transport {
            case .folder(let folder):
                var runner = try FolderFeed(feed: feed, folder: folder, mapping: config.recordMapping(for: feed),
                                            rules: rules, zone: zone, db: db)
                runner.immediateNotices = immediate
                runner.progress = progress
                defer { progress?.finish() }
                result = try runner.poll(now: now, wallClock: wallClock) { logger.log(level: $0, "\($1)") }
                logger.log(level: result.hasProblems ? .warning : .info, "feed \(feed.name): \(result.filesApplied) files applied, \(result.filesDuplicate) duplicate, \(result.filesRejected) rejected, \(result.rowsRead) rows, \(result.counts.applied) applied, \(result.rowsFailed) row errors, \(result.filesIgnored) never taken")
            case .http(let http):
                var runner = try HTTPFeed(feed: feed, http: http, mapping: config.recordMapping(for: feed),
                                          rules: rules, zone: zone, db: db)
                runner.immediateNotices = immediate
                runner.progress = progress
                defer { progress?.finish() }
                result = try await runner.poll(now: now, wallClock: wallClock) { logger.log(level: $0, "\($1)") }
                logger.log(level: result.hasProblems ? .warning : .info, "feed \(feed.name): \(result.pagesApplied) pages applied, \(result.pagesNotModified) not modified, \(result.rowsRead) records, \(result.counts.applied) applied, \(result.rowsFailed) row errors")
            }
            try recordHealth(feed: feed, now: now, error: nil)
            return FeedOutcome(name: feed.name, result: result, error: nil)
        } catch {
            let message = "\(error)"
            logger.error("feed \(feed.name) failed: \(message)")
            try? recordHealth(feed: feed, now: now, error: message)
            var retryAt: Timestamp?
            if case .http(let http) = feed.transport {
                let failure = error as? HTTPFeedError
                // The backoff and the server's Retry-After count from the failure, not from
                // the start of the poll: after a long walk of pages or a transfer that timed
                // out, counting from the start would come back sooner than the server asked.
                let failedAt = Timestamp(millis: now.millis + Int64((Date().timeIntervalSince(started) * 1000).rounded(.up)))
                retryAt = try? db.scheduleFeedRetry(name: feed.name, role: feed.role, url: http.url, now: failedAt,
                                                    schedule: .feedBackoff(everySeconds: feed.everySeconds, status: failure?.status),
                                                    retryAfterSeconds: failure?.retryAfterSeconds, lastStatus: failure?.status,
                                                    jitter: Double.random(in: 0..<1))
                if let retryAt { logger.notice("feed \(feed.name): backing off until \(retryAt)") }
            }
            return FeedOutcome(name: feed.name, result: nil, error: message, retryAt: retryAt)
        }
    }

    /// The work after the feeds: parked provider records retried, the clock's
    /// conflicts raised, notices planned and queued. Each step's failure is logged
    /// and does not stop the next.
    public func finishCycle(now: Timestamp, immediate: ImmediateNotices? = nil)
        -> (linked: Int, clockConflicts: Int, notices: NoticeCycle.Result) {
        let immediate = immediate ?? NoticeCycle(config: config, db: db).immediateNotices
        var out = (linked: 0, clockConflicts: 0, notices: NoticeCycle.Result())
        let today = now.localDate(in: zone)
        do {
            out.linked = try db.retryUnmatched(rules: rules, now: now, today: today, zone: zone, notices: immediate)
            out.clockConflicts = try db.sweepClock(rules: rules, now: now, today: today, notices: immediate)
            if out.linked > 0 { logger.info("linked \(out.linked) parked provider records") }
        } catch {
            logger.error("end-of-cycle reconciliation failed: \(error)")
        }
        do {
            let cycle = NoticeCycle(config: config, db: db)
            let before = try cycle.stamp(now: now)
            if lastPlanned.withLock({ $0 }) != before {
                out.notices = try cycle.run(now: now)
                let after = try cycle.stamp(now: now)
                lastPlanned.withLock { $0 = after }
            }
            let n = out.notices
            if n.messagesQueued > 0 {
                logger.info("notices: \(n.itemsPlanned) items (\(n.itemsSuppressed) superseded), \(n.digestsQueued) digests, \(n.messagesQueued) messages queued")
            }
        } catch {
            logger.error("notice planning failed: \(error)")
        }
        return out
    }

    /// Delivers every outbox message that is due, through the configured channels.
    public func deliverOutbox(now: Timestamp, channels: [any NoticeChannel]) async -> OutboxDeliverer.Result {
        await OutboxDeliverer(channels: channels).deliverDue(db: db, now: now, logger: logger)
    }

    /// Records one poll's outcome on the feed (`AppDatabase.recordPoll`).
    func recordHealth(feed: FeedConfig, now: Timestamp, error: String?) throws {
        try db.recordPoll(feed: feed.name, role: feed.role, now: now, error: error)
    }
}

extension AppConfig {
    /// The core's rules from the config's `rules:` block.
    public var adviceRules: AdviceRules { rules }

    public var timeZone: TimeZone { TimeZone(identifier: timeZoneIdentifier) ?? .gmt }

    /// The core's mapping for one feed, with a cache of local hours' offsets of its own
    /// for the poll it is made for.
    public func recordMapping(for feed: FeedConfig) -> RecordMapping {
        var mapping = RecordMapping(role: feed.role, columns: feed.mapping.columns, values: feed.mapping.values, defaults: feed.defaults,
                                    datePattern: feed.mapping.dateFormat.flatMap { DatePattern($0) },
                                    timestampPattern: feed.mapping.timestampFormat.flatMap { DatePattern(timestamp: $0) },
                                    timeZone: timeZone)
        mapping.offsetCache = LocalOffsetCache()
        return mapping
    }
}
