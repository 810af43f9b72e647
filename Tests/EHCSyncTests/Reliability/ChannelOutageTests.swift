import EHCCore
import Foundation
import GRDB
import Testing
@testable import EHCSync

/// Issue 6, channels down for a day: the SMTP server (aiosmtpd, STARTTLS) and the
/// webhook receiver are down (connection refused), then up but failing (SMTP `451` to
/// MAIL FROM and `554` after DATA; HTTP 503 with `Retry-After`, then 500 without), then
/// down again, for 22 hours of a simulated Tuesday, stepped with the real `ehcsync sync
/// --now`: the day's reminders, escalations, digest and a dispute are planned meanwhile.
/// Then they come back. Every planned message is delivered exactly once by its id
/// (`webhook-id`, `Message-ID`), none lost or doubled or given up; after every run each
/// message's next attempt is inside the README's backoff window (30 s doubling to an
/// hour, never sooner than `Retry-After`), and no message is tried before it is due.
@Suite(.serialized) struct ChannelOutageTests {
    static let from = "EHC Sync <ehcsync@council.example>"
    /// `max_retry_hours` of the commissioner's webhook, which never comes back.
    static let deadHours = 2

    /// Three requests to RBT for SALT that on Tuesday 10 March 2026 make a 14-day
    /// reminder (due 24 March), a level 1 escalation (due 9 March) and a level 2 one
    /// (due 24 February): the requests were sent six weeks before.
    static let requests = SampleExport.laCSV([
        SampleExport.laRow("LA-1", nhs: SampleExport.nhs[0], requestedOn: "2026-02-10", updatedAt: "2026-02-10T09:00:00Z"),
        SampleExport.laRow("LA-2", nhs: SampleExport.nhs[1], requestedOn: "2026-01-26", updatedAt: "2026-01-26T09:00:00Z"),
        SampleExport.laRow("LA-3", nhs: SampleExport.nhs[2], requestedOn: "2026-01-13", updatedAt: "2026-01-13T09:00:00Z"),
    ])

    /// At noon the LA marks a dispute on LA-1: a dispute notice to the DCO.
    static let dispute = SampleExport.laHeader + ",dispute,dispute_reason\n"
        + SampleExport.laRow("LA-1", nhs: SampleExport.nhs[0], requestedOn: "2026-02-10", updatedAt: "2026-03-10T11:50:00Z")
        + ",open,family disagrees with the provision\n"

    /// What Tuesday's plan must hold, worked out from the rules by hand: kind, recipient,
    /// channel of each message.
    static let tuesday = [
        "digest dco dco-dead", "digest dco dco-hook", "digest dco dco-smtp", "dispute dco dco-dead", "dispute dco dco-hook",
        "dispute dco dco-smtp", "escalation commissioner icb-dead", "escalation commissioner icb-smtp", "escalation dco dco-dead",
        "escalation dco dco-hook", "escalation dco dco-smtp", "reminder salt-team salt-hook",
    ]

    struct Message {
        var id: Int64, noticeID: String, kind: String, recipient: String, channel: String, status: String
        var attempts: Int, nextAttempt: Int64, createdAt: Int64
    }

    static func messages(_ place: TestPlace) throws -> [Message] {
        try place.store().read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, notice_id, kind, recipient, channel, status, attempts, next_attempt_at, created_at
                FROM outbox_message ORDER BY id
                """).map {
                Message(id: $0[0], noticeID: $0[1], kind: $0[2], recipient: $0[3], channel: $0[4], status: $0[5],
                        attempts: $0[6], nextAttempt: $0[7], createdAt: $0[8])
            }
        }
    }

    @Test(.timeLimit(.minutes(NetworkFaultScale.pick(4, 30))))
    func channelsDownForADayDeliverEveryNoticeExactlyOnceWhenBack() async throws {
        let stepMinutes = NetworkFaultScale.pick(60, 5)
        let hook = try WebhookChannelTests.Receiver(secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        defer { hook.stop() }
        let mail = try CurlSMTPTests.MailPeer(mode: "starttls")
        defer { mail.stop() }
        let place = try TestPlace()
        let smtp = { (to: String) in
            "{ smtp: { url: \"smtp://127.0.0.1:\(mail.port)\", ca_file: \"\(mail.pki.caFile)\", from: \"\(Self.from)\", to: [\(to)], timeout_seconds: 5 } }"
        }
        let webhook = "{ webhook: { url: \"http://127.0.0.1:\(hook.port)/ok\", secret_file: \"\(hook.secretFile)\", timeout_seconds: 5 } }"
        try place.configure([.la()], extra: """
            notices:
              reminders_before_due_days: [14, 7, 2]
              escalations:
                - { after_due_days: 1, level: 1, to: [dco] }
                - { after_due_days: 14, level: 2, to: [dco, commissioner] }
              conflicts_to: [dco]
              disputes_to: [dco]
              digest: { at: "07:30", weekdays_only: true, to: [dco] }
            recipients:
              dco: { channels: [dco-hook, dco-smtp, dco-dead] }
              commissioner: { channels: [icb-smtp, icb-dead] }
              salt-team: { for: { provider_ods: RBT, service: salt }, channels: [salt-hook] }
            channels:
              dco-hook: \(webhook)
              salt-hook: \(webhook)
              dco-smtp: \(smtp("dco@nhs.example"))
              icb-smtp: \(smtp("icb@nhs.example"))
              icb-dead: { webhook: { url: "http://127.0.0.1:9/never", secret_file: "\(hook.secretFile)", max_retry_hours: \(Self.deadHours) } }
              dco-dead: { webhook: { url: "http://127.0.0.1:9/never", secret_file: "\(hook.secretFile)", max_retry_hours: \(Self.deadHours) } }

            """)
        try place.drop("cases.csv", into: "la-cases", Self.requests)
        /// One `sync`; its exit code, which must be a delivery outcome (0, 75 or 1).
        func sync(_ now: Timestamp) throws -> Int32 {
            let run = try EHCSyncBinary.run(["sync", "--config", place.configPath, "--now", now.description])
            guard [0, 1, 75].contains(run.status) else { throw TestFailure("sync at \(now) failed: \(run)") }
            return run.status
        }
        /// SPEC §9: 1 when a message tried in this run finally failed, else 75 when one
        /// tried is left to retry, else 0.
        func expectedExit(_ messages: [Message], before: [Int64: Message]) -> Int32 {
            let tried = messages.filter { $0.attempts > (before[$0.id]?.attempts ?? 0) }
            if tried.contains(where: { $0.status == "failed" }) { return 1 }
            return tried.contains { $0.status == "pending" } ? 75 : 0
        }
        // Monday evening, all up but the dead channels: Monday's notices go out.
        let mondayExit = try sync(try TestPlace.timestamp("2026-03-09T22:00:00Z"))
        let monday = try Self.messages(place)
        #expect(mondayExit == expectedExit(monday, before: [:]) && mondayExit == 75, "the dead channels' messages wait to be retried")
        #expect(!monday.isEmpty && monday.allSatisfy { $0.status == "sent" || $0.channel.hasSuffix("-dead") },
                "Monday's notices delivered while all was up")

        // Tuesday (GMT: local time is UTC): the schedule of faults, by the hour.
        func fault(at hour: Double) -> String {
            switch hour {
            case ..<8: "refused"
            case ..<10: "webhook 503 Retry-After 600, SMTP 451 to MAIL FROM"
            case ..<14: "webhook 500, SMTP 554 after DATA"
            case ..<22: "refused"
            default: "up"
            }
        }
        var applied = "", running = true
        func apply(_ state: String) throws {
            guard state != applied else { return }
            if state == "refused" {
                hook.down()
                mail.down()
                running = false
            } else {
                try hook.fault(state == "up" ? "" : state.contains("503") ? "503 600" : "500")
                try mail.fault(state == "up" ? "" : state.contains("451") ? "mail 451 4.3.2 try again later" : "data 554 5.3.0 transaction failed")
                if !running {
                    try hook.up()
                    try mail.up()
                    running = true
                }
            }
            applied = state
        }
        let midnight = try TestPlace.timestamp("2026-03-10T00:00:00Z")
        var previous = Dictionary(uniqueKeysWithValues: try Self.messages(place).map { ($0.id, $0) })
        var hookSeen = hook.received.count
        var runs = 0, attemptsWhileDown = 0
        var givenUp: [Double] = []
        var minute = 5
        let end = 25 * 60 + 30  // 01:30 on Wednesday: an hour and a half after the last fault
        while minute <= end {
            let now = midnight.adding(seconds: minute * 60)
            let hour = Double(minute) / 60
            try apply(fault(at: hour))
            if minute == 12 * 60 + 5 { try place.drop("dispute.csv", into: "la-cases", Self.dispute) }
            let exit = try sync(now)
            runs += 1
            let messages = try Self.messages(place)
            #expect(exit == expectedExit(messages, before: previous), "sync at \(now) exited \(exit)")
            // What the webhook receiver saw in this run, by id.
            let received = hook.received
            let seenNow = received.dropFirst(hookSeen).compactMap { $0["id"] as? String }
            hookSeen = received.count
            for message in messages {
                let before = previous[message.id]
                let tried = message.attempts - (before?.attempts ?? 0)
                #expect(tried <= 1, "\(message.noticeID) tried \(tried) times in one run at \(now)")
                if let before, tried > 0 {
                    #expect(before.nextAttempt <= now.millis, "\(message.noticeID) tried at \(now), before it was due (\(Timestamp(millis: before.nextAttempt)))")
                }
                if let before, before.status == "pending", before.nextAttempt <= now.millis {
                    #expect(tried == 1, "\(message.noticeID) was due at \(Timestamp(millis: before.nextAttempt)) but not tried at \(now)")
                }
                if seenNow.contains(message.noticeID) {
                    #expect(tried == 1, "the receiver saw \(message.noticeID) at \(now) but the store counted no attempt")
                }
                if message.channel.hasSuffix("-dead") {
                    // Never up: retried for the whole of its max_retry_hours, then given up.
                    if message.status == "failed", before?.status == "pending" {
                        #expect(now.millis >= message.createdAt + Int64(Self.deadHours) * 3_600_000,
                                "\(message.noticeID) given up at \(now), before its \(Self.deadHours) h were over")
                        givenUp.append(Double(now.millis - message.createdAt) / 3_600_000)
                    }
                } else {
                    #expect(message.status != "failed", "\(message.noticeID) (\(message.kind) by \(message.channel)) was given up at \(now)")
                }
                if message.status == "pending", tried > 0 {
                    attemptsWhileDown += 1
                    let delay = Double(message.nextAttempt - now.millis) / 1000
                    let window = min(30 * pow(2, Double(message.attempts - 1)), 3600)
                    let floor = applied.contains("503") && ["dco-hook", "salt-hook"].contains(message.channel) ? 600.0 : 1
                    #expect(delay >= floor && delay <= max(window, floor), "\(message.noticeID): attempt \(message.attempts) at \(now) waits \(delay) s, window \(window) s, at least \(floor) s")
                }
            }
            previous = Dictionary(uniqueKeysWithValues: messages.map { ($0.id, $0) })
            minute += stepMinutes
        }

        let all = try Self.messages(place)
        let day = all.filter { $0.createdAt >= midnight.millis && $0.createdAt < midnight.adding(seconds: 86_400).millis }
        #expect(day.map { "\($0.kind) \($0.recipient) \($0.channel)" }.sorted() == Self.tuesday, "Tuesday's plan")
        #expect(day.allSatisfy { $0.attempts >= 2 }, "every one of Tuesday's messages met the outage")
        let live = all.filter { !$0.channel.hasSuffix("-dead") }
        let dead = all.filter { $0.channel.hasSuffix("-dead") }
        #expect(live.allSatisfy { $0.status == "sent" }, "undelivered: \(live.filter { $0.status != "sent" }.map { "\($0.kind) \($0.channel) \($0.status)" })")
        #expect(!dead.isEmpty && dead.allSatisfy { $0.status == "failed" }, "the channels that never came back gave up")
        let status = try EHCSyncBinary.run(["status", "--json", "--config", place.configPath])
        let outbox = (try status.json() as? [String: Any])?["outbox"] as? [String: Int]
        #expect(outbox == ["pending": 0, "failed": dead.count], "status shows those that finally failed: \(status)")

        // Exactly once by id, at the receivers.
        let hookOK = hook.received.filter { ($0["status"] as? Int).map { (200..<300).contains($0) } == true }
        #expect(hook.received.allSatisfy { $0["signature_ok"] as? Bool == true })
        let hookIDs = hookOK.compactMap { $0["id"] as? String }
        let expectedHook = live.filter { $0.channel.hasSuffix("hook") }.map(\.noticeID)
        #expect(hookIDs.sorted() == expectedHook.sorted(), "webhook: each message accepted exactly once by webhook-id")
        let mailIDs = try mail.received().compactMap { received -> String? in
            let text = String(decoding: received.data, as: UTF8.self)
            return text.split(separator: "\r\n").first { $0.lowercased().hasPrefix("message-id:") }
                .map { $0.dropFirst("message-id:".count).trimmingCharacters(in: .whitespaces) }
        }
        let expectedMail = all.filter { $0.channel.hasSuffix("smtp") }.map { "<\($0.noticeID)@council.example>" }
        #expect(mailIDs.sorted() == expectedMail.sorted(), "SMTP: each message accepted exactly once by Message-ID")
        let refusedMail = try mail.attempts().filter { $0.reply != "250 OK" }.count
        print("""
            channels down 22 h of a simulated day, stepped every \(stepMinutes) min (\(runs) runs of ehcsync sync): \
            \(all.count) messages (\(day.count) planned during the outage), \(all.map(\.attempts).reduce(0, +)) attempts in all, \
            \(attemptsWhileDown) retries scheduled while down, \(hook.received.count - hookOK.count) webhook answers 5xx, \
            \(refusedMail) mails refused after DATA; every message delivered exactly once; the \(dead.count) messages \
            of the channels that never came back (max_retry_hours \(Self.deadHours)) given up \
            \(givenUp.map { String(format: "%.2f", $0) }.joined(separator: ", ")) h after they were queued
            """)
    }
}
