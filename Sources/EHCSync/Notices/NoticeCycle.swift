import EHCCore
import Foundation

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
        let marks = try db.noticeMarks()
        return Stamp(today: today, adviceChangedAt: marks.adviceChangedAt, newestConflict: marks.newestConflict,
                     openConflicts: marks.openConflicts, newestItem: marks.newestItem, digestDay: digestDay)
    }

    /// Plans and queues everything due at `now`.
    @discardableResult
    public func run(now: Timestamp) throws -> Result {
        guard !config.recipients.isEmpty else { return Result() }
        let today = now.localDate(in: config.timeZone)
        let items = try AdviceQuery.list(db, rules: config.adviceRules, today: today, dueSoonDays: config.notices.dueSoonDays)
        let conflicts = try ConflictQuery.list(db, includeResolved: false)
        let recorded = try db.recordedNoticeKeys()
        let planned = NoticePlanner(policy: policy, rules: config.adviceRules).planSideBySide(
            records: items.map { ($0.state, $0.view) },
            conflicts: conflicts.map { OpenConflict(id: $0.id, kind: $0.kind, requestID: $0.requestID) },
            recorded: recorded, today: today)
        var digests: [DigestToQueue] = []
        if let day = schedule.dueDay(at: now, zone: config.timeZone) {
            for recipient in config.notices.digest.to where !recorded.contains(Self.digestKey(recipient, day)) {
                let digest = try DigestBuilder.build(digestInput(recipient: recipient, date: day, now: now, items: items, conflicts: conflicts))
                digests.append(queued(digest, key: Self.digestKey(recipient, day), recipient: recipient,
                                      reason: "daily digest for \(digest.date)", now: now))
            }
        }
        let byID = Dictionary(items.map { ($0.state.requestID, $0) }, uniquingKeysWith: { a, _ in a })
        let conflictByID = Dictionary(conflicts.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        // This cycle's items carry the reasons the planner gave them; one recorded in an
        // earlier cycle gets its reason back from its key.
        let plannedReason = Dictionary(planned.map { ($0.key, $0.reason) }, uniquingKeysWith: { a, _ in a })
        // Record what is due now (immediate items were recorded with their change), then
        // every recorded item not yet in a message, grouped per recipient and kind.
        var result = Result()
        result.itemsSuppressed = planned.filter(\.isSuppressed).count
        result.digestsQueued = digests.count
        (result.itemsPlanned, result.messagesQueued) = try db.queueNotices(planned, digests: digests, now: now) { stored in
            let waiting = stored.map { item -> (Int64, PlannedNotice) in
                let reason = plannedReason[item.key]
                    ?? NoticeReason(recorded: item.kind, key: item.key, conflictKind: item.conflictID.flatMap { conflictByID[$0]?.kind },
                                    daysOverdue: item.requestID.flatMap { byID[$0]?.view.daysOverdue })
                return (item.itemID, PlannedNotice(key: item.key, kind: item.kind, recipient: item.recipient, requestID: item.requestID,
                                                   conflictID: item.conflictID, reason: reason, exception: item.exception))
            }
            var messages: [QueuedMessage] = []
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
                    messages.append(QueuedMessage(noticeID: id, kind: first.kind, recipient: first.recipient, channel: channel,
                                                  subject: rendered.subject, text: rendered.text, html: rendered.html,
                                                  json: rendered.json, giveUpAt: giveUpAt(channel: channel, now: now),
                                                  itemIDs: group.map(\.0)))
                }
            }
            return messages
        }
        return result
    }

    /// `ehcsync digest --send`: queues the digest for `recipient` on `date` now. It takes
    /// the day's ledger entry if the scheduled one has not gone yet (so it is not sent
    /// twice); otherwise it is recorded as an extra, manual send.
    public func queueDigest(recipient: String, date: CivilDate, now: Timestamp) throws -> Int {
        let digest = DigestBuilder.build(try digestInput(recipient: recipient, date: date, now: now))
        let scheduled = Self.digestKey(recipient, date)
        return try db.queueDigest(queued(digest, key: scheduled, recipient: recipient, reason: "daily digest for \(date), sent by hand",
                                         now: now),
                                  manualKey: scheduled + ":manual:\(now.millis)", now: now)
    }

    /// Whether the digest for `recipient` on `date` is already in the ledger (planned by
    /// a cycle or queued by hand), so a caller that wants exactly one can ask first.
    public func digestRecorded(recipient: String, date: CivilDate) throws -> Bool {
        try db.noticeRecorded(key: Self.digestKey(recipient, date))
    }

    /// A digest as the store queues it: one message per channel of its recipient, each
    /// with its own notice id.
    private func queued(_ digest: Digest, key: String, recipient: String, reason: String, now: Timestamp) -> DigestToQueue {
        DigestToQueue(key: key, recipient: recipient, reason: reason, messages: channels(of: recipient).map { channel in
            let id = Self.newNoticeID()
            return QueuedMessage(noticeID: id, kind: .digest, recipient: recipient, channel: channel, subject: digest.subject,
                                 text: digest.text(), html: digest.html(), json: digest.json(id: id),
                                 giveUpAt: giveUpAt(channel: channel, now: now))
        })
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

    /// When the outbox gives up on a message queued now for `channel`: its `max_retry_hours` on.
    func giveUpAt(channel: String, now: Timestamp) -> Timestamp {
        let hours = config.channels.first { $0.name == channel }.map(ChannelFactory.maxRetryHours) ?? 24
        return now.adding(seconds: hours * 3600)
    }

    /// Everything a digest for `recipient` on `date` is made of: shared by the cycle and
    /// by `ehcsync digest` (preview and `--send`).
    public func digestInput(recipient: String, date: CivilDate, now: Timestamp, items: [AdviceListItem]? = nil,
                            conflicts: [ConflictItem]? = nil) throws -> DigestInput {
        let items = try items ?? AdviceQuery.list(db, rules: config.adviceRules, today: date, dueSoonDays: config.notices.dueSoonDays)
        let conflicts = try conflicts ?? ConflictQuery.list(db, includeResolved: false)
        let lastDigest = try db.lastScheduledDigestKey(recipient: recipient, before: Self.digestKey(recipient, date))
            .flatMap { CivilDate(iso: String($0.suffix(10))) }
        let failedSince = Timestamp.local(lastDigest ?? date.adding(days: -7), minuteOfDay: 0, in: config.timeZone)
        // Problem files since the last digest's day, so one rejected between two digests is named.
        let feeds = try StatusQuery.feeds(db, configured: config.feeds.map { ($0.name, $0.role) }, now: now,
                                          staleAfterSeconds: config.staleAfterSeconds, problemsSince: failedSince)
        let failed = try db.failedNotices(since: failedSince)
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
