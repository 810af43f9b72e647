import EHCCore
import Foundation
import GRDB

/// One feed's health, as `status` and the digest show it.
public struct FeedHealth: Sendable, Equatable {
    public enum State: String, Sendable { case ok, degraded, failing, stale, never }
    public var name: String
    public var role: String
    public var state: State
    public var lastSuccessAt: Timestamp?
    public var lastDataAt: Timestamp?
    public var lastError: String?
    public var consecutiveFailures: Int
    /// HTTP feeds (once polled): their reading state adds `retry_at` and
    /// `row_error_lines` to the JSON.
    public var isHTTP = false
    /// HTTP feeds: the row errors of the last walk of pages (kept up to 100; all are logged).
    public var rowErrorLines: [String] = []
    /// HTTP feeds: backing off, not polled by the service before this instant.
    public var retryAt: Timestamp?
    /// Rejected files, skipped rows and never-taken files (SPEC §7).
    public var problems = FeedProblemSummary()

    /// SPEC §9's object plus `rejected_files`, `row_errors` and `ignored_files` (counts of
    /// the last file or walk, SPEC §7) and `problems` (each file with its first reason).
    public var json: String {
        "{\"name\":\(JSONText.quoted(name)),\"role\":\(JSONText.quoted(role)),\"state\":\(JSONText.quoted(state.rawValue)),"
            + "\"last_success_at\":\(lastSuccessAt.map { JSONText.quoted($0.description) } ?? "null"),"
            + "\"last_error\":\(lastError.map(JSONText.quoted) ?? "null"),\"consecutive_failures\":\(consecutiveFailures),"
            + "\"rejected_files\":\(problems.rejectedFiles),\"row_errors\":\(problems.rowErrors),\"ignored_files\":\(problems.ignoredFiles),"
            + "\"problems\":[" + problems.problems.map(\.json).joined(separator: ",") + "]"
            + (isHTTP ? ",\"retry_at\":\(retryAt.map { JSONText.quoted($0.description) } ?? "null"),"
                + "\"row_error_lines\":[" + rowErrorLines.map(JSONText.quoted).joined(separator: ",") + "]" : "") + "}"
    }

    /// The digest's view of this feed, with the problem files of `problems`.
    public var digestFeed: DigestFeed {
        DigestFeed(name: name, role: Role(rawValue: role) ?? .la, state: DigestFeed.State(rawValue: state.rawValue) ?? .never,
                   lastSuccessAt: lastSuccessAt, lastError: lastError, consecutiveFailures: consecutiveFailures,
                   rejectedFiles: problems.rejectedFiles, rowErrors: problems.rowErrors, ignoredFiles: problems.ignoredFiles,
                   problems: problems.problems)
    }
}

/// The figures behind `ehcsync status`.
public struct StatusReport: Sendable {
    public var feeds: [FeedHealth]
    public var advice: [AdviceStateKind: Int]
    public var disputed: Int
    /// Records with a reg 8(2) exception: a flag beside the state, like `disputed`.
    public var withException = 0
    public var conflictsOpen: Int
    public var outboxPending: Int
    public var outboxFailed: Int

    /// `{"feeds": [...], "advice": {state: count}, "flags": {"disputed": n, "exception": n},
    /// "conflicts_open": n, "outbox": {"pending": n, "failed": n}}`: the states add up to
    /// the records; the flags are counted apart.
    public var json: String {
        let advice = AdviceStateKind.allCases.map { "\(JSONText.quoted($0.rawValue)):\(self.advice[$0] ?? 0)" }.joined(separator: ",")
        return "{\"feeds\":[" + feeds.map(\.json).joined(separator: ",") + "],\"advice\":{" + advice
            + "},\"flags\":{\"disputed\":\(disputed),\"exception\":\(withException)},\"conflicts_open\":\(conflictsOpen),\"outbox\":{\"pending\":\(outboxPending),\"failed\":\(outboxFailed)}}"
    }
}

public enum StatusQuery {
    /// Health of the configured feeds (in config order) from what the store recorded.
    /// A feed is `stale` when no new data arrived for `staleAfterSeconds`.
    /// A feed is `degraded` while its last file or walk had rejects or row errors;
    /// `problemsSince` widens the list of problem files (the digest asks since its last
    /// one, so a bad file followed by a good one still reaches the DCO).
    public static func feeds(_ db: AppDatabase, configured: [(name: String, role: Role)], now: Timestamp,
                             staleAfterSeconds: Int, problemsSince: Timestamp? = nil) throws -> [FeedHealth] {
        try db.read { db in
            try configured.map { feed in
                let row = try Row.fetchOne(db, sql: """
                    SELECT f.last_attempt_at, f.last_success_at, f.last_data_at, f.last_error, f.consecutive_failures,
                      h.row_errors, h.retry_at, h.feed_id IS NOT NULL, f.id
                    FROM feed f LEFT JOIN http_feed h ON h.feed_id = f.id WHERE f.name = ?
                    """, arguments: [feed.name])
                let attempt = (row?[0] as Int64?).map(Timestamp.init(millis:))
                let success = (row?[1] as Int64?).map(Timestamp.init(millis:))
                let data = (row?[2] as Int64?).map(Timestamp.init(millis:))
                let failures: Int = row?[4] ?? 0
                let feedID: Int64? = row?[8]
                let problems = try feedID.map { try AppDatabase.feedProblems(db, feedID: $0, since: problemsSince) } ?? FeedProblemSummary()
                let state: FeedHealth.State
                if attempt == nil {
                    state = .never
                } else if failures > 0 {
                    state = .failing
                } else if let since = data ?? success, since.adding(seconds: staleAfterSeconds) < now {
                    state = .stale
                } else if problems.isDegraded {
                    state = .degraded
                } else {
                    state = .ok
                }
                return FeedHealth(name: feed.name, role: feed.role.rawValue, state: state, lastSuccessAt: success,
                                  lastDataAt: data, lastError: row?[3], consecutiveFailures: failures, isHTTP: row?[7] ?? false,
                                  rowErrorLines: (row?[5] as String?)?.split(separator: "\n").map(String.init) ?? [],
                                  retryAt: (row?[6] as Int64?).map(Timestamp.init(millis:)), problems: problems)
            }
        }
    }

    public static func report(_ db: AppDatabase, config: AppConfig, now: Timestamp) throws -> StatusReport {
        let today = now.localDate(in: config.timeZone)
        let items = try AdviceQuery.list(db, rules: config.adviceRules, today: today, dueSoonDays: config.notices.dueSoonDays)
        var counts: [AdviceStateKind: Int] = [:]
        for item in items { counts[item.view.state, default: 0] += 1 }
        let open = try db.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM conflict WHERE status = 'open'") ?? 0 }
        let feeds = try Self.feeds(db, configured: config.feeds.map { ($0.name, $0.role) }, now: now,
                                   staleAfterSeconds: config.staleAfterSeconds)
        let outbox = try db.outboxCounts()
        return StatusReport(feeds: feeds, advice: counts, disputed: items.filter(\.view.disputed).count,
                            withException: items.filter { $0.view.exception != nil }.count, conflictsOpen: open, outboxPending: outbox.pending, outboxFailed: outbox.failed)
    }
}
