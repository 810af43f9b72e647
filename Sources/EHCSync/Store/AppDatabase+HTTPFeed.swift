import EHCCore
import Foundation
import GRDB

/// Where one HTTP feed's reading stands (table `http_feed`, migration `v3-http`).
public struct HTTPFeedState: Sendable, Equatable {
    /// The configured URL this state belongs to; another URL starts afresh.
    public var url: String
    /// The greatest `updated_at` applied by the walks of pages completed so far. It
    /// moves only when a walk ends, because a server need not sort its pages by
    /// `updated_at`: a walk abandoned half-way (404/410 on a next page, a new URL) must
    /// start again from no later than here, or it could skip unread records.
    public var cursor: Timestamp?
    /// The `since_param` value: `cursor` as it stood before the last completed walk
    /// (migration `v9-since-cursor`). A record changed during a walk, on a page the walk
    /// had already read, is missed by that walk; yet a later page may hold a change
    /// later still, which moves `cursor` past the missed one. One walk behind, `since`
    /// is older than every change made during the last walk, so the next walk reads
    /// them (re-reading the last walk's changes, which apply as no-ops).
    public var sinceCursor: Timestamp?
    /// The greatest `updated_at` applied by the walk under way.
    public var walkCursor: Timestamp?
    /// Validators of the last first page answered with 200.
    public var etag: String?
    public var lastModified: String?
    /// The next page of a walk under way (nil: the next poll starts from `url`).
    public var nextURL: String?
    /// Pages applied so far in the walk under way (or the last one).
    public var walkPages: Int
    /// Row errors of the walk under way (or the last one), one per line, capped.
    public var rowErrors: [String]
    public var rowErrorCount: Int
    /// HTTP status of the last answer that applied a page or failed (nil: none yet, or
    /// the transfer failed); a 304 leaves it as it was.
    public var lastStatus: Int?
    /// Backoff: not to be polled by the service before this instant.
    public var retryAt: Timestamp?

    /// A feed never read.
    public init(url: String) {
        self.url = url
        walkPages = 0
        rowErrors = []
        rowErrorCount = 0
    }
}

extension AppDatabase {
    /// How many row errors a feed keeps in its state (the log has them all).
    static let keptRowErrors = 100

    /// The stored state of an HTTP feed, or a fresh one when there is none or it
    /// belongs to another URL (the operator pointed the feed elsewhere: validators, the
    /// cursor and any walk of the old endpoint mean nothing for the new one).
    static func httpFeedState(_ db: Database, feedID: Int64, url: String) throws -> HTTPFeedState {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT url, cursor, etag, last_modified, next_url, walk_pages, row_errors, row_error_count, last_status, retry_at,
              walk_cursor, since_cursor
            FROM http_feed WHERE feed_id = ?
            """, arguments: [feedID]) else { return HTTPFeedState(url: url) }
        var state = HTTPFeedState(url: url)
        state.retryAt = (row[9] as Int64?).map(Timestamp.init(millis:))
        guard (row[0] as String) == url else { return state }
        state.cursor = (row[1] as Int64?).map(Timestamp.init(millis:))
        state.etag = row[2]
        state.lastModified = row[3]
        state.nextURL = row[4]
        state.walkPages = row[5]
        state.rowErrors = (row[6] as String?).map { $0.split(separator: "\n").map(String.init) } ?? []
        state.rowErrorCount = row[7]
        state.lastStatus = row[8]
        state.walkCursor = (row[10] as Int64?).map(Timestamp.init(millis:))
        state.sinceCursor = (row[11] as Int64?).map(Timestamp.init(millis:))
        return state
    }

    /// Writes the whole state of an HTTP feed (inside the caller's transaction).
    static func saveHTTPFeedState(_ db: Database, feedID: Int64, _ state: HTTPFeedState) throws {
        let errors = state.rowErrors.isEmpty ? nil : state.rowErrors.joined(separator: "\n")
        try db.execute(sql: """
            INSERT INTO http_feed(feed_id, url, cursor, etag, last_modified, next_url, walk_pages, row_errors, row_error_count,
              last_status, retry_at, walk_cursor, since_cursor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(feed_id) DO UPDATE SET url = excluded.url, cursor = excluded.cursor, walk_cursor = excluded.walk_cursor,
              since_cursor = excluded.since_cursor,
              etag = excluded.etag,
              last_modified = excluded.last_modified, next_url = excluded.next_url, walk_pages = excluded.walk_pages,
              row_errors = excluded.row_errors, row_error_count = excluded.row_error_count,
              last_status = excluded.last_status, retry_at = excluded.retry_at
            """, arguments: [feedID, state.url, state.cursor?.millis, state.etag, state.lastModified, state.nextURL,
                             state.walkPages, errors, state.rowErrorCount, state.lastStatus, state.retryAt?.millis,
                             state.walkCursor?.millis, state.sinceCursor?.millis])
    }

    /// Writes the whole reading state of HTTP feed `feedID` in one transaction (after
    /// the server forgot a walk, say: the next poll starts from the feed's url).
    public func save(_ state: HTTPFeedState, feedID: Int64) throws {
        try write { db in try Self.saveHTTPFeedState(db, feedID: feedID, state) }
    }

    /// Forgets every HTTP feed's validators (ETag, Last-Modified), so the next poll
    /// of each reads its first page whole instead of a 304: the benchmark's way to time
    /// a page that has not changed.
    public func forgetHTTPValidators() throws {
        try write { db in try db.execute(sql: "UPDATE http_feed SET etag = NULL, last_modified = NULL") }
    }

    /// The state of the HTTP feed `feedID` as the next poll will use it.
    func httpFeedState(feedID: Int64, url: String) throws -> HTTPFeedState {
        try read { db in try Self.httpFeedState(db, feedID: feedID, url: url) }
    }

    /// After an answer that applied nothing (304, 204): the backoff ends. Nothing else
    /// of the feed's reading state changes, and nothing is written when it was not
    /// backing off, so a quiet feed's 304 costs one read here (and the health write).
    func endHTTPBackoff(feedID: Int64, state: HTTPFeedState) throws {
        guard state.retryAt != nil else { return }
        try write { db in
            try db.execute(sql: "UPDATE http_feed SET retry_at = NULL WHERE feed_id = ?", arguments: [feedID])
        }
    }

    /// After a failed poll of an HTTP feed: when to try again. Full jitter over a
    /// window that doubles with each consecutive failure (from the feed's own `every`
    /// up to `schedule.capSeconds`), never sooner than the server's `Retry-After`.
    /// Stored, so the backoff survives a restart; returns the instant.
    @discardableResult
    public func scheduleFeedRetry(name: String, role: Role, url: String, now: Timestamp, schedule: RetrySchedule,
                                  retryAfterSeconds: Int?, lastStatus: Int?, jitter: Double) throws -> Timestamp {
        try write { db in
            let feedID = try Self.feedID(db, name: name, role: role)
            let failures = try Int.fetchOne(db, sql: "SELECT consecutive_failures FROM feed WHERE id = ?", arguments: [feedID]) ?? 1
            let delay = schedule.delaySeconds(after: max(failures, 1), retryAfterSeconds: retryAfterSeconds, jitter: jitter)
            let retryAt = now.adding(seconds: delay)
            var state = try Self.httpFeedState(db, feedID: feedID, url: url)
            state.retryAt = retryAt
            state.lastStatus = lastStatus
            try Self.saveHTTPFeedState(db, feedID: feedID, state)
            return retryAt
        }
    }

    /// The earliest instant the service should poll feed `name` again because it is
    /// backing off (after failures, or as the server's `Retry-After` asked); nil when it
    /// is not backing off and simply follows its `every`. `ehcsync sync` ignores it.
    public func feedRetryAt(name: String) throws -> Timestamp? {
        try read { db in
            try Int64.fetchOne(db, sql: """
                SELECT h.retry_at FROM http_feed h JOIN feed f ON f.id = h.feed_id WHERE f.name = ?
                """, arguments: [name]).map(Timestamp.init(millis:))
        }
    }
}
