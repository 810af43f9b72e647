import EHCCore
import Foundation
import GRDB
import Testing
@testable import EHCSync

/// Notices end to end through the real engine, store and `.eml` outbox.
@Suite struct NoticeCycleTests {
    /// Recipients and channels writing `.eml` files into `outbox/`.
    static func notices(_ place: TestPlace, digest: String = "{ at: \"07:30\", weekdays_only: true, to: [dco] }") -> String {
        """
        notices:
          reminders_before_due_days: [14, 7, 2]
          escalations:
            - { after_due_days: 1, level: 1, to: [dco] }
            - { after_due_days: 14, level: 2, to: [dco, commissioner] }
          digest: \(digest)
        recipients:
          dco: { channels: [dco-mail] }
          commissioner: { channels: [icb-mail] }
          salt-team: { for: { provider_ods: RBT, service: salt }, channels: [salt-mail] }
        channels:
          dco-mail: { email_file: { dir: "\(place.root)/outbox", from: "EHC Sync <ehcsync@council.example>", to: ["Dr Zoë Example <dco@nhs.example>"] } }
          icb-mail: { email_file: { dir: "\(place.root)/outbox", from: "EHC Sync <ehcsync@council.example>", to: [icb@nhs.example] } }
          salt-mail: { email_file: { dir: "\(place.root)/outbox", from: "EHC Sync <ehcsync@council.example>", to: [salt@nhs.example] } }

        """
    }

    /// `n` requests to RBT for SALT, sent on `requestedOn`.
    static func requests(_ n: Int, requestedOn: String = "2026-01-05") -> String {
        SampleExport.laCSV((0..<n).map { SampleExport.laRow("LA-\(1000 + $0)", nhs: SampleExport.nhs[$0 % SampleExport.nhs.count],
                                                            requestedOn: requestedOn) })
    }

    func place(_ n: Int = 3, requestedOn: String = "2026-01-05") throws -> TestPlace {
        let place = try TestPlace()
        try place.configure([.la()], extra: Self.notices(place))
        try place.drop("cases.csv", into: "la-cases", Self.requests(n, requestedOn: requestedOn))
        return place
    }

    func deliver(_ place: TestPlace, _ now: String) async throws -> OutboxDeliverer.Result {
        let config = try #require(place.config)
        return await OutboxDeliverer(channels: try ChannelFactory.make(config))
            .deliverDue(db: try place.store(), now: try TestPlace.timestamp(now), logger: TestPlace.quietLogger)
    }

    func messages(_ place: TestPlace) throws -> [Row] {
        try place.store().read { db in
            try Row.fetchAll(db, sql: """
                SELECT m.kind, m.recipient, m.channel, m.status, (SELECT count(*) FROM outbox_item i WHERE i.message_id = m.id), m.notice_id
                FROM outbox_message m ORDER BY m.id
                """)
        }
    }

    @Test func threeHundredOverdueRequestsMakeOneEscalationMessagePerRecipient() async throws {
        let p = try place(300)
        // Due 2026-02-16; on 2026-03-03 they are 15 days overdue: level 2, which covers level 1.
        try await p.cycle("2026-03-03T06:00:00Z")
        let escalations = try messages(p).filter { ($0[0] as String) == "escalation" }
        #expect(escalations.map { $0[1] as String }.sorted() == ["commissioner", "dco"])
        #expect(escalations.allSatisfy { ($0[4] as Int) == 300 })
        #expect(try p.int("SELECT count(*) FROM notice_item WHERE suppressed = 1") == 300, "level 1 for dco recorded as superseded")
        let result = try await deliver(p, "2026-03-03T06:00:00Z")
        #expect(result.delivered == 2)
        #expect(p.names(in: p.root + "/outbox").filter { $0.hasSuffix(".eml") }.count == 2)
    }

    @Test func aNoticeIsSentOnceEverEvenAcrossRestarts() async throws {
        let p = try place(2)
        try await p.cycle("2026-02-17T06:00:00Z")   // due 2026-02-16: one day overdue, before the 07:30 digest
        func notDigests() throws -> [Row] { try messages(p).filter { ($0[0] as String) != "digest" } }
        let first = try notDigests().count
        #expect(first > 0)
        // A restart: a fresh engine and store handle on the same file.
        let config = try #require(p.config)
        let reopened = try AppDatabase(path: config.storePath)
        _ = await SyncEngine(config: config, db: reopened, logger: TestPlace.quietLogger).runCycle(now: try TestPlace.timestamp("2026-02-17T09:00:00Z"))
        _ = await SyncEngine(config: config, db: reopened, logger: TestPlace.quietLogger).runCycle(now: try TestPlace.timestamp("2026-02-18T09:00:00Z"))
        #expect(try notDigests().count == first)
        #expect(try messages(p).filter { ($0[0] as String) == "digest" }.count == 2, "one digest a day, Tuesday and Wednesday")
    }

    @Test func aReminderWhoseConditionEndedIsNotSent() async throws {
        let p = try place(1, requestedOn: "2026-02-02")   // due 2026-03-16
        try p.drop("answer.ndjson", into: "la-cases", "")  // nothing: only to show other files do not matter
        try await p.cycle("2026-02-20T06:00:00Z")               // 24 days left: no reminder yet
        #expect(try messages(p).isEmpty)
        let cancelled = SampleExport.laCSV([SampleExport.laRow("LA-1000", requestedOn: "2026-02-02", status: "cancelled",
                                                               updatedAt: "2026-03-05T10:00:00Z")])
        try p.drop("cancel.csv", into: "la-cases", cancelled)
        try await p.cycle("2026-03-10T06:00:00Z")               // 6 days left, but cancelled
        #expect(try messages(p).filter { ($0[0] as String) == "reminder" }.isEmpty)
    }

    @Test func aReminderMissedWhileDownGoesOutOnTheNextCycleAsTheMostUrgentOne() async throws {
        let p = try place(1, requestedOn: "2026-02-02")   // due 2026-03-16
        try await p.cycle("2026-03-15T06:00:00Z")               // first run the day before: 1 day left
        let reminders = try messages(p).filter { ($0[0] as String) == "reminder" }
        #expect(reminders.map { $0[1] as String } == ["salt-team"])
        #expect(try p.int("SELECT count(*) FROM notice_item WHERE kind = 'reminder' AND suppressed = 1") == 2)
        #expect(try p.int("SELECT count(*) FROM notice_item WHERE kind = 'reminder' AND suppressed = 0 AND key LIKE '%:2'") == 1)
    }

    @Test(arguments: [("2026-03-07T09:00:00Z", 0), ("2026-03-09T07:29:00Z", 0), ("2026-03-09T07:30:00Z", 1), ("2026-03-09T22:00:00Z", 1)])
    func theDigestGoesOutOnWeekdaysAtHalfSevenLocal(now: String, digests: Int) async throws {
        let p = try place(1)
        try await p.cycle(now)
        #expect(try messages(p).filter { ($0[0] as String) == "digest" }.count == digests)
        try await p.cycle(now)
        #expect(try messages(p).filter { ($0[0] as String) == "digest" }.count == digests, "once per day")
    }

    @Test func theEmlFileIsAProperMessageByPythonsEmailParser() async throws {
        let p = try place(1)
        try await p.cycle("2026-03-09T08:00:00Z")
        _ = try await deliver(p, "2026-03-09T08:00:00Z")
        let digestID = try #require(try messages(p).first { ($0[0] as String) == "digest" }?[5] as String?)
        let path = p.root + "/outbox/" + digestID + ".eml"
        var st = stat()
        #expect(stat(path, &st) == 0 && st.st_mode & 0o777 == 0o640)
        let parsed = try PythonEmail.parse(path)
        #expect(parsed["subject"]?.hasPrefix("EHC Sync") == true)
        #expect(parsed["message_id"] == "<\(digestID)@council.example>")
        #expect(parsed["to"]?.contains("Zoë") == true)
        #expect(parsed["content_type"] == "multipart/alternative")
        #expect(parsed["plain"]?.contains("LA-1000") == true)
        #expect(parsed["html"]?.contains("<h2 ") == true && parsed["html"]?.contains("LA-1000") == true)
        #expect(parsed["defects"] == "0")
        #expect(!(try p.text(path)).contains("9990000018"), "no NHS number in a default digest")
    }

    /// SPEC §2: a notice is written in the same transaction as the change that caused
    /// it. Here the feeds are read without the notice cycle (as if the process died
    /// right after): the identity_mismatch item is already in the ledger, and the next
    /// cycle turns it into a message for the DCO.
    @Test func anImmediateNoticeIsRecordedWithTheChangeThatCausedIt() throws {
        let p = try TestPlace()
        let config = try p.configure([.la(), .provider()], extra: Self.notices(p))
        try p.drop("cases.csv", into: "la-cases", SampleExport.laCSV([SampleExport.laRow("LA-1", dateOfBirth: "2016-05-01")]))
        try p.drop("p.ndjson", into: "trust", SampleExport.ndjsonLine([
            "request_id": "LA-1", "date_of_birth": "2016-05-10", "status": "acknowledged", "updated_at": "2026-03-04T08:00:00Z"]) + "\n")
        let db = try p.store()
        let now = try TestPlace.timestamp("2026-03-04T09:00:00Z")
        for feed in config.feeds {
            guard case .folder(let folder) = feed.transport else { continue }
            var runner = try FolderFeed(feed: feed, folder: folder, mapping: config.recordMapping(for: feed), rules: config.adviceRules,
                                        zone: config.timeZone, db: db)
            runner.immediateNotices = NoticeCycle(config: config, db: db).immediateNotices
            _ = try runner.poll(now: now, wallClock: Date()) { _, _ in }
        }
        #expect(try p.int("SELECT count(*) FROM notice_item WHERE kind = 'conflict' AND recipient = 'dco' AND conflict_id IS NOT NULL") == 1)
        #expect(try messages(p).isEmpty)
        try NoticeCycle(config: config, db: db).run(now: now)
        let conflictMessages = try messages(p).filter { ($0[0] as String) == "conflict" }
        #expect(conflictMessages.map { $0[1] as String } == ["dco"])
        #expect(conflictMessages.first?[4] as Int? == 1)
    }

    @Test func aSendThatWasNeverRecordedIsSentAgainWithTheSameID() async throws {
        let p = try place(1)
        try await p.cycle("2026-03-09T08:00:00Z")
        let config = try #require(p.config)
        let channels = try ChannelFactory.make(config)
        // Deliver without recording, as a process killed between the two would.
        let pending = try p.store().dueMessages(now: try TestPlace.timestamp("2026-03-09T08:00:00Z"))
        for m in pending { _ = await channels.first { $0.name == m.channel }?.deliver(m, now: try TestPlace.timestamp("2026-03-09T08:00:00Z")) }
        let before = Set(p.names(in: p.root + "/outbox"))
        let result = try await deliver(p, "2026-03-09T08:01:00Z")
        #expect(result.delivered == pending.count)
        #expect(Set(p.names(in: p.root + "/outbox")) == before, "the resend rewrote the same files, same Message-IDs")
        #expect(try p.int("SELECT count(*) FROM outbox_message WHERE status = 'sent'") == pending.count)
    }
}

/// Python's `email` package as an independent parser of our RFC 5322 output.
enum PythonEmail {
    static func parse(_ path: String) throws -> [String: String] {
        let script = """
        import email, json, sys
        from email import policy
        m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=policy.default)
        out = {"subject": str(m["subject"]), "message_id": str(m["message-id"]), "to": str(m["to"]),
               "content_type": m.get_content_type(), "defects": str(len(m.defects))}
        for part in m.iter_parts():
            out["plain" if part.get_content_type() == "text/plain" else "html"] = part.get_content()
        print(json.dumps(out))
        """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script, path]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: String] else {
            throw TestFailure("python could not parse \(path)")
        }
        return object
    }
}

extension NoticeCycleTests {
    /// The service plans every minute; a minute with nothing new skips planning. The
    /// stamp that decides it must move with every input of the plan.
    @Test func theNoticeStampMovesWithEveryInputOfThePlan() async throws {
        let p = try place(2, requestedOn: "2026-01-05")
        try await p.cycle("2026-02-02T09:00:00Z")  // due 2026-02-16: the 14-day reminder is due
        let config = try #require(p.config)
        let cycle = NoticeCycle(config: config, db: try p.store())
        let t0 = try TestPlace.timestamp("2026-02-02T09:05:00Z")
        let base = try cycle.stamp(now: t0)
        #expect(try cycle.stamp(now: TestPlace.timestamp("2026-02-02T09:06:00Z")) == base, "a quiet minute")
        #expect(try cycle.stamp(now: TestPlace.timestamp("2026-02-03T09:05:00Z")) != base, "a new day")
        #expect(try cycle.stamp(now: TestPlace.timestamp("2026-02-02T07:31:00Z")).digestDay != nil, "the digest comes due")

        try p.drop("more.csv", into: "la-cases", SampleExport.laCSV([SampleExport.laRow("LA-2000", requestedOn: "2026-01-05")]))
        try await p.cycle("2026-02-02T09:10:00Z")
        let afterRecord = try cycle.stamp(now: t0)
        #expect(afterRecord != base, "a record changed")

        try p.store().write { db in
            try db.execute(sql: """
                INSERT INTO conflict(kind, request_id, key, detail, status, opened_at) VALUES ('field_mismatch', 'LA-1000', 'k', 'd', 'open', 1)
                """)
        }
        let afterOpen = try cycle.stamp(now: t0)
        #expect(afterOpen != afterRecord, "a conflict opened")
        try p.store().write { db in
            try db.execute(sql: "UPDATE conflict SET status = 'resolved', closed_at = 2, closed_by = 'user' WHERE key = 'k'")
        }
        #expect(try cycle.stamp(now: t0) != afterOpen, "a conflict closed")
    }

    @Test func aCycleWithNothingNewQueuesNothingAndANewRecordIsStillPlanned() async throws {
        let p = try place(2, requestedOn: "2026-01-05")
        let config = try #require(p.config)
        let engine = SyncEngine(config: config, db: try p.store(), logger: TestPlace.quietLogger)
        let first = await engine.runCycle(now: try TestPlace.timestamp("2026-02-02T09:00:00Z"))
        #expect(first.notices.messagesQueued > 0)
        let quiet = engine.finishCycle(now: try TestPlace.timestamp("2026-02-02T09:01:00Z"))
        #expect(quiet.notices == NoticeCycle.Result())
        // A request already 3 days overdue arrives: the same engine must plan its escalation.
        try p.drop("late.csv", into: "la-cases", SampleExport.laCSV([SampleExport.laRow("LA-3000", requestedOn: "2025-12-17")]))
        let next = await engine.runCycle(now: try TestPlace.timestamp("2026-02-02T09:02:00Z"))
        #expect(next.notices.messagesQueued > 0)
        let kinds = try messages(p).map { $0[0] as String }
        #expect(kinds.contains("escalation"))
    }
}
