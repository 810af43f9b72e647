import EHCCore
import Foundation
import GRDB

/// What one feed is missing (SPEC §7, "nothing is dropped quietly"): files rejected
/// whole, rows skipped, and files its pattern never takes, with the first reason of each.
public struct FeedProblemSummary: Sendable, Equatable {
    /// Counted over the feed's last poll that took files (its last file or walk).
    public var rejectedFiles = 0
    public var rowErrors = 0
    /// Files now in the folder that the pattern never takes.
    public var ignoredFiles = 0
    /// Each problem file of the asked window, newest first, then the ignored files.
    public var problems: [FeedProblem] = []

    /// The last file or walk had rejects or row errors: the feed is `degraded`.
    public var isDegraded: Bool { rejectedFiles > 0 || rowErrors > 0 }
}

extension AppDatabase {
    /// Problem files listed at most, so a flood of bad files keeps `status` and the digest short.
    static let listedProblems = 20

    /// Records the files in a drop folder that its pattern never takes, and forgets
    /// those gone. Returns the ones seen for the first time, to be logged once each.
    func noteStrayFiles(feedID: Int64, found: [(name: String, reason: String)], now: Timestamp) throws -> [(name: String, reason: String)] {
        // Most polls find what the last one found: read first, and write only a change.
        let present = Set(found.map(\.name))
        let unchanged = try read { db in
            Set(try String.fetchAll(db, sql: "SELECT name FROM folder_stray WHERE feed_id = ?", arguments: [feedID])) == present
        }
        if unchanged { return [] }
        return try write { db in
            let known = Set(try String.fetchAll(db, sql: "SELECT name FROM folder_stray WHERE feed_id = ?", arguments: [feedID]))
            for gone in known.subtracting(present) {
                try db.execute(sql: "DELETE FROM folder_stray WHERE feed_id = ? AND name = ?", arguments: [feedID, gone])
            }
            var new: [(name: String, reason: String)] = []
            for file in found where !known.contains(file.name) {
                try db.execute(sql: "INSERT INTO folder_stray(feed_id, name, reason, seen_at) VALUES (?, ?, ?, ?)",
                               arguments: [feedID, file.name, file.reason, now.millis])
                new.append(file)
            }
            return new
        }
    }

    /// A feed's problems: the counts of its last poll that took files (or, for an HTTP
    /// feed, its last walk of pages), and the problem files taken since `since` (the
    /// last poll's when nil), plus its stray files.
    static func feedProblems(_ db: Database, feedID: Int64, since: Timestamp?) throws -> FeedProblemSummary {
        var summary = FeedProblemSummary()
        let lastPoll = try Int64.fetchOne(db, sql: """
            SELECT max(taken_at) FROM source_file WHERE feed_id = ? AND outcome <> 'duplicate'
            """, arguments: [feedID])
        if let lastPoll {
            if let row = try Row.fetchOne(db, sql: """
                SELECT coalesce(sum(outcome = 'rejected'), 0), coalesce(sum(rows_failed), 0) FROM source_file
                WHERE feed_id = ? AND taken_at = ? AND outcome <> 'duplicate'
                """, arguments: [feedID, lastPoll]) {
                summary.rejectedFiles = row[0]
                summary.rowErrors = row[1]
            }
            let from = since?.millis ?? lastPoll
            summary.problems = try Row.fetchAll(db, sql: """
                SELECT outcome, name, rows_failed, coalesce(error, first_row_error, '') FROM source_file
                WHERE feed_id = ? AND taken_at >= ? AND (outcome = 'rejected' OR rows_failed > 0)
                ORDER BY taken_at DESC, id DESC LIMIT ?
                """, arguments: [feedID, from, listedProblems]).map { row in
                let rejected = (row[0] as String) == "rejected"
                return FeedProblem(kind: rejected ? .rejected : .rowErrors, file: row[1], count: rejected ? 1 : row[2],
                                   reason: Self.firstLine(row[3]))
            }
        }
        if let http = try Row.fetchOne(db, sql: "SELECT row_error_count, row_errors FROM http_feed WHERE feed_id = ?",
                                       arguments: [feedID]), let count = http[0] as Int?, count > 0 {
            summary.rowErrors += count
            let first = Self.firstLine(http[1] as String? ?? "")
            summary.problems.insert(FeedProblem(kind: .rowErrors, file: "last walk of pages", count: count, reason: first), at: 0)
        }
        let strays = try Row.fetchAll(db, sql: "SELECT name, reason FROM folder_stray WHERE feed_id = ? ORDER BY name",
                                      arguments: [feedID])
        summary.ignoredFiles = strays.count
        for stray in strays.prefix(listedProblems) {
            summary.problems.append(FeedProblem(kind: .ignored, file: stray[0], reason: stray[1]))
        }
        return summary
    }

    /// The first line of a stored reason, control characters escaped (file names come from outside).
    static func firstLine(_ text: String) -> String {
        String(text.split(separator: "\n", maxSplits: 1).first ?? "").escapingControlCharacters
    }
}
