import EHCCore
import Foundation
import GRDB

/// Plans this cycle's notices and writes them to the outbox (SPEC §5): each item is
/// recorded once ever in `notice_item` (its key is unique), and the items for one
/// recipient, kind and channel become one message. Planning and queueing are one
/// transaction, so a crash never half-queues a cycle; an item missed while the
/// service was down is planned on the next cycle if its condition still holds.
public struct NoticeCycle {
    public let config: AppConfig
    let db: AppDatabase

    public init(config: AppConfig, db: AppDatabase) {
        self.config = config
        self.db = db
    }

    public struct Result: Sendable, Equatable {
        public var itemsPlanned = 0, itemsSuppressed = 0, messagesQueued = 0, digestsQueued = 0
    }

    /// The planner's view of `notices:` and `recipients:`.
    public var policy: NoticePolicy {
        let n = config.notices
        return NoticePolicy(
            remindersBeforeDueDays: n.remindersBeforeDueDays,
            escalations: n.escalations,
            conflictsTo: n.conflictsTo, disputesTo: n.disputesTo,
            teams: config.recipients.map { .init(name: $0.name, match: $0.match) },
            fallback: config.recipients.contains { $0.name == "dco" } ? "dco" : config.notices.digest.to.first)
    }

    public var schedule: DigestSchedule {
        DigestSchedule(hour: config.notices.digest.hour, minute: config.notices.digest.minute,
                       weekdaysOnly: config.notices.digest.weekdaysOnly)
    }

    /// What notice planning depends on, in a few index lookups: the local day, the
    /// newest change to a record, the conflicts (newest, and how many are open), the
    /// newest recorded item, and the digest day due now. Equal stamps plan equally, so
    /// a cycle whose stamp matches the last one's has nothing new to plan or queue.
    public struct Stamp: Sendable, Equatable {
        var today: CivilDate
        var adviceChangedAt: Int64
        var newestConflict: Int64
        var openConflicts: Int
        var newestItem: Int64
        var digestDay: CivilDate?
    }

    public func stamp(now: Timestamp) throws -> Stamp {
        let today = now.localDate(in: config.timeZone)
        let digestDay = schedule.dueDay(at: now, zone: config.timeZone)
        return try db.read { db in
            Stamp(today: today,
                  adviceChangedAt: try Int64.fetchOne(db, sql: "SELECT max(changed_at) FROM advice_clock") ?? 0,
                  newestConflict: try Int64.fetchOne(db, sql: "SELECT max(id) FROM conflict") ?? 0,
                  openConflicts: try Int.fetchOne(db, sql: "SELECT count(*) FROM conflict WHERE status = 'open'") ?? 0,
                  newestItem: try Int64.fetchOne(db, sql: "SELECT max(id) FROM notice_item") ?? 0,
                  digestDay: digestDay)
        }
    }

    /// Plans and queues everything due at `now`.
    @discardableResult
    public func run(now: Timestamp) throws -> Result {
        guard !config.recipients.isEmpty else { return Result() }
        let today = now.localDate(in: config.timeZone)
        let items = try AdviceQuery.list(db, rules: config.adviceRules, today: today, dueSoonDays: config.notices.dueSoonDays)
        let conflicts = try ConflictQuery.list(db, includeResolved: false)
        let recorded = try db.read { db in Set(try String.fetchAll(db, sql: "SELECT key FROM notice_item")) }
        let planned = NoticePlanner(policy: policy, rules: config.adviceRules).planSideBySide(
            records: items.map { ($0.state, $0.view) },
            conflicts: conflicts.map { OpenConflict(id: $0.id, kind: $0.kind, requestID: $0.requestID) },
            recorded: recorded, today: today)
        var digests: [(recipient: String, key: String, digest: Digest)] = []
        if let day = schedule.dueDay(at: now, zone: config.timeZone) {
            for recipient in config.notices.digest.to where !recorded.contains(Self.digestKey(recipient, day)) {
                digests.append((recipient, Self.digestKey(recipient, day),
                                try DigestBuilder.build(digestInput(recipient: recipient, date: day, now: now, items: items, conflicts: conflicts))))
            }
        }
        let byID = Dictionary(items.map { ($0.state.requestID, $0) }, uniquingKeysWith: { a, _ in a })
        let conflictByID = Dictionary(conflicts.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        // This cycle's items carry the reasons the planner gave them.
        let plannedReason = Dictionary(planned.map { ($0.key, $0.reason) }, uniquingKeysWith: { a, _ in a })
        return try db.write { db in
            var result = Result()
            // 1. Record what is due now (immediate items were recorded with their change).
            try NoticeLedger.insert(db, planned, now: now)
            result.itemsSuppressed = planned.filter(\.isSuppressed).count
            // 2. Every recorded item not yet in a message, grouped per recipient and kind.
            let waiting = try Row.fetchAll(db, sql: """
                SELECT i.id, i.key, i.kind, i.recipient, i.request_id, i.conflict_id, i.exception FROM notice_item i
                WHERE i.suppressed = 0 AND i.kind <> 'digest' AND NOT EXISTS (SELECT 1 FROM outbox_item o WHERE o.item_id = i.id)
                ORDER BY i.id
                """).compactMap { row -> (Int64, PlannedNotice)? in
                guard let kind = NoticeKind(rawValue: row[2]) else { return nil }
                let requestID: String? = row[4]
                let conflictID: Int64? = row[5]
                let key: String = row[1]
                let reason = plannedReason[key]
                    ?? NoticeReason(recorded: kind, key: key, conflictKind: conflictID.flatMap { conflictByID[$0]?.kind },
                                    daysOverdue: requestID.flatMap { byID[$0]?.view.daysOverdue })
                return (row[0], PlannedNotice(key: key, kind: kind, recipient: row[3], requestID: requestID, conflictID: conflictID,
                                              reason: reason, exception: (row[6] as String?).flatMap(AdviceException.init(rawValue:))))
            }
            result.itemsPlanned = waiting.count
            let groups = Dictionary(grouping: waiting) { "\($0.1.recipient)\u{1F}\($0.1.kind.rawValue)" }
            for key in groups.keys.sorted() {
                guard let group = groups[key], let first = group.first?.1 else { continue }
                let contents = group.map { (_, item) in
                    let record = item.requestID.flatMap { byID[$0] }
                    let conflict = item.conflictID.flatMap { conflictByID[$0] }
                    return NoticeItemContent(record: record.map { ($0.state, $0.view) }, notice: item,
                                             conflictKind: conflict?.kind,
                                             conflictDetail: conflict?.detail, openConflicts: record?.openConflicts ?? 0)
                }
                for channel in channels(of: first.recipient) {
                    let id = Self.newNoticeID()
                    let rendered = NoticeMessageBuilder.build(kind: first.kind, recipient: first.recipient, items: contents,
                                                              generatedAt: now, id: id,
                                                              includeIdentifiers: config.notices.includeIdentifiers)
                    let messageID = try insertMessage(db, id: id, kind: first.kind, recipient: first.recipient, channel: channel,
                                                      subject: rendered.subject, text: rendered.text, html: rendered.html,
                                                      json: rendered.json, now: now)
                    for (itemID, _) in group {
                        try db.execute(sql: "INSERT INTO outbox_item(message_id, item_id) VALUES (?, ?)", arguments: [messageID, itemID])
                    }
                    result.messagesQueued += 1
                }
            }
            for (recipient, key, digest) in digests {
                result.messagesQueued += try queue(db, digest, key: key, recipient: recipient,
                                                   reason: "daily digest for \(digest.date)", now: now)
                result.digestsQueued += 1
            }
            return result
        }
    }

    /// `ehcsync digest --send`: queues the digest for `recipient` on `date` now. It takes
    /// the day's ledger entry if the scheduled one has not gone yet (so it is not sent
    /// twice); otherwise it is recorded as an extra, manual send.
    public func queueDigest(recipient: String, date: CivilDate, now: Timestamp) throws -> Int {
        let digest = DigestBuilder.build(try digestInput(recipient: recipient, date: date, now: now))
        return try db.write { db in
            let scheduled = Self.digestKey(recipient, date)
            let taken = try Int.fetchOne(db, sql: "SELECT 1 FROM notice_item WHERE key = ?", arguments: [scheduled]) != nil
            let key = taken ? scheduled + ":manual:\(now.millis)" : scheduled
            return try queue(db, digest, key: key, recipient: recipient, reason: "daily digest for \(date), sent by hand", now: now)
        }
    }

    /// Whether the digest for `recipient` on `date` is already in the ledger (planned by
    /// a cycle or queued by hand), so a caller that wants exactly one can ask first.
    public func digestRecorded(recipient: String, date: CivilDate) throws -> Bool {
        try db.read { db in
            try Int.fetchOne(db, sql: "SELECT 1 FROM notice_item WHERE key = ?", arguments: [Self.digestKey(recipient, date)]) != nil
        }
    }

    /// Records a digest as one ledger item and queues one message per channel of its
    /// recipient, in the caller's transaction. Returns the messages queued.
    private func queue(_ db: Database, _ digest: Digest, key: String, recipient: String, reason: String,
                       now: Timestamp) throws -> Int {
        try db.execute(sql: "INSERT INTO notice_item(key, kind, recipient, reason, planned_at) VALUES (?, 'digest', ?, ?, ?)",
                       arguments: [key, recipient, reason, now.millis])
        let itemID = db.lastInsertedRowID
        var queued = 0
        for channel in channels(of: recipient) {
            let id = Self.newNoticeID()
            let messageID = try insertMessage(db, id: id, kind: .digest, recipient: recipient, channel: channel,
                                              subject: digest.subject, text: digest.text(), html: digest.html(),
                                              json: digest.json(id: id), now: now)
            try db.execute(sql: "INSERT INTO outbox_item(message_id, item_id) VALUES (?, ?)", arguments: [messageID, itemID])
            queued += 1
        }
        return queued
    }

    static func digestKey(_ recipient: String, _ day: CivilDate) -> String { "digest:\(recipient):\(day)" }

    /// The immediate-notice recorder the appliers use, or `nil` with no recipients.
    public var immediateNotices: ImmediateNotices? {
        guard !config.recipients.isEmpty else { return nil }
        return ImmediateNotices(planner: NoticePlanner(policy: policy, rules: config.adviceRules),
                                dueSoonDays: config.notices.dueSoonDays)
    }

    /// A notice id: the webhook-id and the local part of the Message-ID, fixed when
    /// the message is queued and the same on every retry.
    static func newNoticeID() -> String { "ehcsync-" + UUID().uuidString.lowercased() }

    func channels(of recipient: String) -> [String] {
        config.recipients.first { $0.name == recipient }?.channels ?? []
    }

    func insertMessage(_ db: Database, id: String, kind: NoticeKind, recipient: String, channel: String, subject: String,
                       text: String, html: String, json: String, now: Timestamp) throws -> Int64 {
        let hours = config.channels.first { $0.name == channel }.map(ChannelFactory.maxRetryHours) ?? 24
        try db.execute(sql: """
            INSERT INTO outbox_message(notice_id, kind, recipient, channel, subject, text_body, html_body, json_body, created_at,
              status, next_attempt_at, give_up_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)
            """, arguments: [id, kind.rawValue, recipient, channel, subject, text, html, json, now.millis, now.millis,
                             now.adding(seconds: hours * 3600).millis])
        return db.lastInsertedRowID
    }

    /// Everything a digest for `recipient` on `date` is made of: shared by the cycle and
    /// by `ehcsync digest` (preview and `--send`).
    public func digestInput(recipient: String, date: CivilDate, now: Timestamp, items: [AdviceListItem]? = nil,
                            conflicts: [ConflictItem]? = nil) throws -> DigestInput {
        let items = try items ?? AdviceQuery.list(db, rules: config.adviceRules, today: date, dueSoonDays: config.notices.dueSoonDays)
        let conflicts = try conflicts ?? ConflictQuery.list(db, includeResolved: false)
        let lastDigest = try db.read { db in
            try String.fetchOne(db, sql: "SELECT max(key) FROM notice_item WHERE kind = 'digest' AND recipient = ? AND key < ? AND key NOT LIKE '%:manual:%'",
                                arguments: [recipient, Self.digestKey(recipient, date)])
        }.flatMap { CivilDate(iso: String($0.suffix(10))) }
        let failedSince = Timestamp.local(lastDigest ?? date.adding(days: -7), minuteOfDay: 0, in: config.timeZone)
        // Problem files since the last digest's day, so one rejected between two digests is named.
        let feeds = try StatusQuery.feeds(db, configured: config.feeds.map { ($0.name, $0.role) }, now: now,
                                          staleAfterSeconds: config.staleAfterSeconds, problemsSince: failedSince)
        let failed = try db.read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, kind, recipient, channel, coalesce(last_error, ''), created_at FROM outbox_message
                WHERE status = 'failed' AND created_at >= ? ORDER BY id
                """, arguments: [failedSince.millis]).map {
                DigestFailedNotice(id: $0[0], kind: NoticeKind(rawValue: $0[1]) ?? .reminder, recipient: $0[2], channel: $0[3],
                                   lastError: $0[4], createdAt: Timestamp(millis: $0[5]))
            }
        }
        return DigestInput(
            date: date, generatedAt: now, recipient: recipient, records: items.map { ($0.state, $0.view) },
            openConflicts: conflicts.map { c in
                DigestConflict(id: c.id, kind: c.kind, requestID: c.requestID, detail: c.detail, openedAt: c.openedAt)
            },
            answeredSince: lastDigest,
            feeds: feeds.map(\.digestFeed),
            failedNotices: failed, includeIdentifiers: config.notices.includeIdentifiers,
            recipientName: config.recipients.first { $0.name == recipient }?.displayName, timeZone: config.timeZone,
            serviceNames: ServiceNames(overrides: config.notices.serviceNames))
    }
}
