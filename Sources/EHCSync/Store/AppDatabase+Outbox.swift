import EHCCore
import Foundation
import GRDB

extension AppDatabase {
    /// How many due messages one delivery round takes (`dueMessages`' default limit).
    static let dueBatchSize = 100

    /// The columns `outboxMessage` reads, in its order.
    static let outboxColumns = """
        id, notice_id, kind, recipient, channel, subject, text_body, html_body, json_body, created_at, attempts, give_up_at
        """

    /// One `outbox_message` row, read with `outboxColumns`, as the plain value channels send.
    static func outboxMessage(_ r: Row) -> OutboxMessage {
        OutboxMessage(id: r[0], noticeID: r[1], kind: NoticeKind(rawValue: r[2]) ?? .reminder, recipient: r[3], channel: r[4],
                      subject: r[5], text: r[6], html: r[7], json: r[8], createdAt: Timestamp(millis: r[9]), attempts: r[10],
                      giveUpAt: Timestamp(millis: r[11]))
    }

    /// Pending messages whose next attempt is due, oldest first.
    public func dueMessages(now: Timestamp, limit: Int = 100) throws -> [OutboxMessage] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.outboxColumns) FROM outbox_message WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?",
                             arguments: [now.millis, limit]).map(Self.outboxMessage)
        }
    }

    /// Records one delivery attempt of message `id` in one statement: sent, due again
    /// at a later instant, or failed for good.
    public func settle(message id: Int64, as outcome: OutboxSettlement, now: Timestamp) throws {
        try write { db in
            switch outcome {
            case .sent:
                try db.execute(sql: "UPDATE outbox_message SET status = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?",
                               arguments: [now.millis, id])
            case .retry(let next, let error):
                try db.execute(sql: "UPDATE outbox_message SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ?",
                               arguments: [next.millis, error, id])
            case .failed(let error):
                try db.execute(sql: "UPDATE outbox_message SET status = 'failed', attempts = attempts + 1, last_error = ? WHERE id = ?",
                               arguments: [error, id])
            }
        }
    }

    /// Pending and finally failed message counts, for `status`.
    public func outboxCounts() throws -> (pending: Int, failed: Int) {
        try read { db in
            let pending = try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox_message WHERE status = 'pending'") ?? 0
            let failed = try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox_message WHERE status = 'failed'") ?? 0
            return (pending, failed)
        }
    }

    /// When the earliest pending message is next due, if any: how long the outbox may sleep.
    func nextOutboxAttempt() throws -> Timestamp? {
        try read { db in
            try Int64.fetchOne(db, sql: "SELECT min(next_attempt_at) FROM outbox_message WHERE status = 'pending'")
                .map(Timestamp.init(millis:))
        }
    }
}
