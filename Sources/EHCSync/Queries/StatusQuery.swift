import EHCCore
import Foundation
import GRDB

/// One feed's health, as `status` and the digest show it.
public struct FeedHealth: Sendable, Equatable {
    public enum State: String, Sendable { case ok, failing, stale, never }
    public var name: String
    public var role: String
    public var state: State
    public var lastSuccessAt: Timestamp?
    public var lastDataAt: Timestamp?
    public var lastError: String?
    public var consecutiveFailures: Int
    /// HTTP feeds (once polled): their reading state adds `retry_at` and `row_errors`
    /// to the JSON; a folder feed's JSON keeps exactly SPEC §9's keys.
    public var isHTTP = false
    /// HTTP feeds: the row errors of the last walk of pages (kept up to 100; all are logged).
    public var rowErrors: [String] = []
    /// HTTP feeds: backing off, not polled by the service before this instant.
    public var retryAt: Timestamp?

    public var json: String {
        "{\"name\":\(JSONText.quoted(name)),\"role\":\(JSONText.quoted(role)),\"state\":\(JSONText.quoted(state.rawValue)),"
            + "\"last_success_at\":\(lastSuccessAt.map { JSONText.quoted($0.description) } ?? "null"),"
            + "\"last_error\":\(lastError.map(JSONText.quoted) ?? "null"),\"consecutive_failures\":\(consecutiveFailures)"
            + (isHTTP ? ",\"retry_at\":\(retryAt.map { JSONText.quoted($0.description) } ?? "null"),"
                + "\"row_errors\":[" + rowErrors.map(JSONText.quoted).joined(separator: ",") + "]" : "") + "}"
    }
}

/// The figures behind `ehcsync status`.
public struct StatusReport: Sendable {
    public var feeds: [FeedHealth]
    public var advice: [AdviceStateKind: Int]
    public var disputed: Int
    public var conflictsOpen: Int
    public var outboxPending: Int
    public var outboxFailed: Int

    /// `{"feeds": [...], "advice": {state: count}, "conflicts_open": n, "outbox": {"pending": n, "failed": n}}`.
    public var json: String {
        let advice = AdviceStateKind.allCases.map { "\(JSONText.quoted($0.rawValue)):\(self.advice[$0] ?? 0)" }.joined(separator: ",")
        return "{\"feeds\":[" + feeds.map(\.json).joined(separator: ",") + "],\"advice\":{" + advice
            + "},\"conflicts_open\":\(conflictsOpen),\"outbox\":{\"pending\":\(outboxPending),\"failed\":\(outboxFailed)}}"
    }
}

public enum StatusQuery {
    /// Health of the configured feeds (in config order) from what the store recorded.
    /// A feed is `stale` when no new data arrived for `staleAfterSeconds`.
    public static func feeds(_ db: AppDatabase, configured: [(name: String, role: Role)], now: Timestamp,
                             staleAfterSeconds: Int) throws -> [FeedHealth] {
        try db.read { db in
            try configured.map { feed in
                let row = try Row.fetchOne(db, sql: """
                    SELECT f.last_attempt_at, f.last_success_at, f.last_data_at, f.last_error, f.consecutive_failures,
                      h.row_errors, h.retry_at, h.feed_id IS NOT NULL
                    FROM feed f LEFT JOIN http_feed h ON h.feed_id = f.id WHERE f.name = ?
                    """, arguments: [feed.name])
                let attempt = (row?[0] as Int64?).map(Timestamp.init(millis:))
                let success = (row?[1] as Int64?).map(Timestamp.init(millis:))
                let data = (row?[2] as Int64?).map(Timestamp.init(millis:))
                let failures: Int = row?[4] ?? 0
                let state: FeedHealth.State
                if attempt == nil {
                    state = .never
                } else if failures > 0 {
                    state = .failing
                } else if let since = data ?? success, since.adding(seconds: staleAfterSeconds) < now {
                    state = .stale
                } else {
                    state = .ok
                }
                return FeedHealth(name: feed.name, role: feed.role.rawValue, state: state, lastSuccessAt: success,
                                  lastDataAt: data, lastError: row?[3], consecutiveFailures: failures, isHTTP: row?[7] ?? false,
                                  rowErrors: (row?[5] as String?)?.split(separator: "\n").map(String.init) ?? [],
                                  retryAt: (row?[6] as Int64?).map(Timestamp.init(millis:)))
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
                            conflictsOpen: open, outboxPending: outbox.pending, outboxFailed: outbox.failed)
    }
}
