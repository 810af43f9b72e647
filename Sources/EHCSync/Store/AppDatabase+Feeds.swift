import EHCCore
import Foundation
import GRDB

extension AppDatabase {
    /// Records one poll's outcome on the feed (SPEC §7 feed health) in one statement,
    /// creating the feed's row if a failure came before the feed ever opened.
    public func recordPoll(feed name: String, role: Role, now: Timestamp, error: String?) throws {
        try write { db in
            if let error {
                try db.execute(sql: """
                    INSERT INTO feed(name, role, last_attempt_at, last_error, consecutive_failures) VALUES (?, ?, ?, ?, 1)
                    ON CONFLICT(name) DO UPDATE SET last_attempt_at = excluded.last_attempt_at, last_error = excluded.last_error,
                      consecutive_failures = feed.consecutive_failures + 1
                    """, arguments: [name, role.rawValue, now.millis, error])
            } else {
                try db.execute(sql: """
                    INSERT INTO feed(name, role, last_attempt_at, last_success_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT(name) DO UPDATE SET last_attempt_at = excluded.last_attempt_at,
                      last_success_at = excluded.last_success_at, last_error = NULL, consecutive_failures = 0
                    """, arguments: [name, role.rawValue, now.millis, now.millis])
            }
        }
    }

    /// Whether a file with this content was applied from this feed before (under any name).
    public func isApplied(_ file: SourceFile) throws -> Bool {
        try read { db in
            try Int64.fetchOne(db, sql: "SELECT id FROM source_file WHERE feed_id = ? AND content_sha256 = ? AND outcome = 'applied'",
                               arguments: [file.feedID, file.sha256]) != nil
        }
    }

    /// Records a file taken but not applied because its content was applied before.
    public func recordDuplicate(_ file: SourceFile, now: Timestamp) throws {
        try write { db in
            try db.execute(sql: """
                INSERT INTO source_file(feed_id, name, content_sha256, size, outcome, taken_at) VALUES (?, ?, ?, ?, 'duplicate', ?)
                """, arguments: [file.feedID, file.name, file.sha256, file.size, now.millis])
        }
    }

    /// Records a file rejected as a whole, with the reason it was.
    public func recordRejected(_ file: SourceFile, reason: String, now: Timestamp) throws {
        try write { db in
            try db.execute(sql: """
                INSERT INTO source_file(feed_id, name, content_sha256, size, outcome, error, taken_at) VALUES (?, ?, ?, ?, 'rejected', ?, ?)
                """, arguments: [file.feedID, file.name, file.sha256, file.size, reason, now.millis])
        }
    }

    /// Applies one file of a drop folder in one transaction (SPEC §7): `read` hands
    /// every record of it to the applier it is given; then the file's `source_file`
    /// row and the feed's `last_data_at` are written, and `beforeCommit` runs (the
    /// caller puts its errors list in place there), so that no crash leaves the rows
    /// without their bookkeeping or the bookkeeping without the list. A large batch
    /// takes the bulk path and, into an empty store, a first load's journal. Returns
    /// what the applier counted and what `read` tallied.
    public func applyFile(_ file: SourceFile, _ batch: FeedBatch, read: (ObservationApplier) throws -> RowTally,
                          beforeCommit: () throws -> Void) throws -> (ObservationApplier.Counts, RowTally) {
        try firstLoad(if: batch.large) {
            try write { db in
                let applier = ObservationApplier(db: db, batch: batch)
                let tally = try batch.large ? applier.bulk { try read(applier) } : read(applier)
                let counts = applier.counts
                try db.execute(sql: """
                    INSERT INTO source_file(feed_id, name, content_sha256, size, outcome, rows_read, rows_applied, rows_unchanged,
                      rows_stale, rows_unmatched, rows_failed, first_row_error, taken_at) VALUES (?, ?, ?, ?, 'applied', ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [file.feedID, file.name, file.sha256, file.size, tally.rowsRead, counts.applied,
                                     counts.unchanged, counts.stale, counts.unmatched, tally.rowsFailed, tally.firstRowError,
                                     batch.now.millis])
                try db.execute(sql: "UPDATE feed SET last_data_at = ? WHERE id = ?", arguments: [batch.now.millis, file.feedID])
                try beforeCommit()
                return (counts, tally)
            }
        }
    }

    /// Applies one page of an HTTP feed in one transaction with the feed's reading state
    /// (SPEC §7): `read` hands every record of it to the applier and returns the
    /// feed's state after the page; that state is saved, and the feed's `last_data_at`
    /// moved when the page held records, in the same transaction, so a crash resumes at
    /// this page or the next and never skips or doubles a record.
    public func applyPage(_ batch: FeedBatch, read: (ObservationApplier) throws -> (RowTally, HTTPFeedState))
        throws -> (ObservationApplier.Counts, RowTally) {
        try firstLoad(if: batch.large) {
            try write { db in
                let applier = ObservationApplier(db: db, batch: batch)
                let (tally, next) = try batch.large ? applier.bulk { try read(applier) } : read(applier)
                try Self.saveHTTPFeedState(db, feedID: batch.feedID, next)
                if tally.rowsRead > 0 {
                    try db.execute(sql: "UPDATE feed SET last_data_at = ? WHERE id = ?", arguments: [batch.now.millis, batch.feedID])
                }
                return (applier.counts, tally)
            }
        }
    }
}

extension ObservationApplier {
    /// An applier for `batch`, in the open transaction `db`, its immediate notices set.
    convenience init(db: Database, batch: FeedBatch) {
        self.init(db: db, feedID: batch.feedID, role: batch.role, rules: batch.rules, now: batch.now, today: batch.today)
        notices = batch.notices
    }
}
