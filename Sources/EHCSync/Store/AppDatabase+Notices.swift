import EHCCore
import Foundation
import GRDB

/// What a notice cycle's stamp reads from the store (`NoticeCycle.Stamp`): a few index
/// lookups that change whenever anything notice planning depends on does.
public struct NoticeMarks: Sendable, Equatable {
    /// The newest `changed_at` of any record (`advice_clock`).
    public var adviceChangedAt: Int64 = 0
    /// The newest conflict's id, and how many conflicts are open.
    public var newestConflict: Int64 = 0, openConflicts = 0
    /// The newest recorded notice item's id.
    public var newestItem: Int64 = 0
}

/// A recorded notice item not yet in any message, as the ledger keeps it: the cycle
/// reads its reason back from the key and groups it into a message.
public struct WaitingNotice: Sendable, Equatable {
    public var itemID: Int64
    public var key: String
    public var kind: NoticeKind
    public var recipient: String
    public var requestID: String?
    public var conflictID: Int64?
    public var exception: AdviceException?
}

/// One rendered message to put in the outbox, with the ledger items it carries.
public struct QueuedMessage: Sendable, Equatable {
    /// The stable notice id (`webhook-id`, the Message-ID's local part).
    public var noticeID: String
    public var kind: NoticeKind
    public var recipient: String
    public var channel: String
    public var subject: String, text: String, html: String, json: String
    /// When the outbox stops retrying it (the channel's `max_retry_hours` from now).
    public var giveUpAt: Timestamp
    /// The `notice_item` ids it carries (empty for a digest's: `DigestToQueue` makes its item).
    public var itemIDs: [Int64] = []
}

/// A digest to record as one ledger item and queue as one message per channel.
public struct DigestToQueue: Sendable, Equatable {
    public var key: String
    public var recipient: String
    public var reason: String
    /// One message per channel of the recipient.
    public var messages: [QueuedMessage]
}

extension AppDatabase {
    /// The store's part of a notice cycle's stamp, read on one snapshot.
    public func noticeMarks() throws -> NoticeMarks {
        try read { db in
            NoticeMarks(adviceChangedAt: try Int64.fetchOne(db, sql: "SELECT max(changed_at) FROM advice_clock") ?? 0,
                        newestConflict: try Int64.fetchOne(db, sql: "SELECT max(id) FROM conflict") ?? 0,
                        openConflicts: try Int.fetchOne(db, sql: "SELECT count(*) FROM conflict WHERE status = 'open'") ?? 0,
                        newestItem: try Int64.fetchOne(db, sql: "SELECT max(id) FROM notice_item") ?? 0)
        }
    }

    /// Every key in the notice ledger: what planning must not plan again.
    public func recordedNoticeKeys() throws -> Set<String> {
        try read { db in Set(try String.fetchAll(db, sql: "SELECT key FROM notice_item")) }
    }

    /// Whether the ledger holds an item with `key`.
    public func noticeRecorded(key: String) throws -> Bool {
        try read { db in try Int.fetchOne(db, sql: "SELECT 1 FROM notice_item WHERE key = ?", arguments: [key]) != nil }
    }

    /// A cycle's queueing, in one transaction so a crash never half-queues it: records
    /// `planned` in the ledger, hands `compose` every recorded item not yet in a message
    /// (in ledger order, digests and suppressed items left out), queues the messages it
    /// returns, then records and queues `digests`. Returns the items handed to `compose`
    /// and the messages queued.
    public func queueNotices(_ planned: [PlannedNotice], digests: [DigestToQueue], now: Timestamp,
                             compose: ([WaitingNotice]) throws -> [QueuedMessage]) throws -> (waiting: Int, messages: Int) {
        try write { db in
            try NoticeLedger.insert(db, planned, now: now)
            let waiting = try Row.fetchAll(db, sql: """
                SELECT i.id, i.key, i.kind, i.recipient, i.request_id, i.conflict_id, i.exception FROM notice_item i
                WHERE i.suppressed = 0 AND i.kind <> 'digest' AND NOT EXISTS (SELECT 1 FROM outbox_item o WHERE o.item_id = i.id)
                ORDER BY i.id
                """).compactMap { row -> WaitingNotice? in
                guard let kind = NoticeKind(rawValue: row[2]) else { return nil }
                return WaitingNotice(itemID: row[0], key: row[1], kind: kind, recipient: row[3], requestID: row[4], conflictID: row[5],
                                     exception: (row[6] as String?).flatMap(AdviceException.init(rawValue:)))
            }
            var queued = 0
            for message in try compose(waiting) {
                try Self.insert(db, message, itemIDs: message.itemIDs, now: now)
                queued += 1
            }
            for digest in digests { queued += try Self.queue(db, digest, now: now) }
            return (waiting.count, queued)
        }
    }

    /// `ehcsync digest --send`: records and queues `digest` in one transaction, under
    /// `manualKey` instead when its own key is in the ledger already (sent, or planned by
    /// a cycle), so the scheduled one is never sent twice. Returns the messages queued.
    public func queueDigest(_ digest: DigestToQueue, manualKey: String, now: Timestamp) throws -> Int {
        try write { db in
            var digest = digest
            if try Int.fetchOne(db, sql: "SELECT 1 FROM notice_item WHERE key = ?", arguments: [digest.key]) != nil {
                digest.key = manualKey
            }
            return try Self.queue(db, digest, now: now)
        }
    }

    /// The greatest scheduled (not manual) digest key for `recipient` below `key`: the
    /// last digest before the one at `key`.
    public func lastScheduledDigestKey(recipient: String, before key: String) throws -> String? {
        try read { db in
            try String.fetchOne(db, sql: "SELECT max(key) FROM notice_item WHERE kind = 'digest' AND recipient = ? AND key < ? AND key NOT LIKE '%:manual:%'",
                                arguments: [recipient, key])
        }
    }

    /// Messages that failed for good and were queued since `since`, oldest first, for a digest.
    public func failedNotices(since: Timestamp) throws -> [DigestFailedNotice] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, kind, recipient, channel, coalesce(last_error, ''), created_at FROM outbox_message
                WHERE status = 'failed' AND created_at >= ? ORDER BY id
                """, arguments: [since.millis]).map {
                DigestFailedNotice(id: $0[0], kind: NoticeKind(rawValue: $0[1]) ?? .reminder, recipient: $0[2], channel: $0[3],
                                   lastError: $0[4], createdAt: Timestamp(millis: $0[5]))
            }
        }
    }

    /// Records a digest as one ledger item and queues its messages, in the caller's transaction.
    private static func queue(_ db: Database, _ digest: DigestToQueue, now: Timestamp) throws -> Int {
        try db.execute(sql: "INSERT INTO notice_item(key, kind, recipient, reason, planned_at) VALUES (?, 'digest', ?, ?, ?)",
                       arguments: [digest.key, digest.recipient, digest.reason, now.millis])
        let itemID = db.lastInsertedRowID
        for message in digest.messages { try insert(db, message, itemIDs: [itemID], now: now) }
        return digest.messages.count
    }

    /// Puts one message in the outbox, due now, with its items, in the caller's transaction.
    private static func insert(_ db: Database, _ m: QueuedMessage, itemIDs: [Int64], now: Timestamp) throws {
        try db.execute(sql: """
            INSERT INTO outbox_message(notice_id, kind, recipient, channel, subject, text_body, html_body, json_body, created_at,
              status, next_attempt_at, give_up_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)
            """, arguments: [m.noticeID, m.kind.rawValue, m.recipient, m.channel, m.subject, m.text, m.html, m.json, now.millis,
                             now.millis, m.giveUpAt.millis])
        let messageID = db.lastInsertedRowID
        for itemID in itemIDs {
            try db.execute(sql: "INSERT INTO outbox_item(message_id, item_id) VALUES (?, ?)", arguments: [messageID, itemID])
        }
    }
}
