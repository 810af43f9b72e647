import EHCCore
import Foundation
import GRDB
import Testing
@testable import EHCSync

/// Crash consistency of the outbox (SPEC §2, §5, §6): `ehcsync sync --now DAY` plans the
/// day's reminders, escalations and digest and delivers them through signed webhooks to
/// `webhook_peer.py`, which holds each request for a random moment before taking it
/// (a sender killed then has not delivered) and again after recording it before it
/// answers (a sender killed then has delivered but not recorded it), so many kills land
/// on either side of a delivery. Each day's run is killed at random and restarted until
/// one finishes; then the next day.
extension CrashConsistencyTests {
    /// Outbox trial size: requests, and the receiver's longest hold (ms) before taking a
    /// request and again before answering it.
    static var outboxRequests: Int { ReliabilityScale.isFull ? 200 : 30 }
    static let holdMillis = 150
    static let noticeRequestDates = ["2026-01-05", "2026-01-07", "2026-01-12"]

    static func noticesYAML(hook: (String) -> String, secret: String) -> String {
        """
        notices:
          reminders_before_due_days: [14, 7, 2]
          escalations:
            - { after_due_days: 1, level: 1, to: [dco] }
            - { after_due_days: 14, level: 2, to: [dco, commissioner] }
          digest: { at: "07:30", weekdays_only: true, to: [dco] }
        recipients:
          dco: { channels: [dco-hook] }
          commissioner: { channels: [icb-hook] }
          salt-team: { for: { provider_ods: RBT, service: salt }, channels: [salt-hook] }
        channels:
          dco-hook: { webhook: { url: "\(hook("dco"))", secret_file: "\(secret)" } }
          icb-hook: { webhook: { url: "\(hook("commissioner"))", secret_file: "\(secret)" } }
          salt-hook: { webhook: { url: "\(hook("salt-team"))", secret_file: "\(secret)" } }

        """
    }

    @Test(.timeLimit(.minutes(300)))
    func outboxNeitherLosesNorChangesIDsUnderRandomKills() throws {
        let report = TrialReport("outbox")
        let base = ReliabilityScale.baseSeed
        var duplicates = 0
        for trial in 0..<ReliabilityScale.trials(short: 2, full: 50) {
            duplicates += try outboxTrial(trial, seed: base &+ UInt64(trial), report: report)
        }
        report.summary(extra: "\(duplicates) deliveries repeated after a kill")
        if ReliabilityScale.isFull {
            #expect(duplicates > 0, "no kill ever landed between sending and recording: the harness did not test what it claims")
        }
    }

    /// One trial; returns how many deliveries were repeats of one already received.
    func outboxTrial(_ trial: Int, seed: UInt64, report: TrialReport) throws -> Int {
        var rng = SeededRandom(seed: seed)
        let place = try TestPlace()
        let secretPath = place.root + "/webhook-secret"
        let spool = place.root + "/deliveries.ndjson"
        try "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n".write(toFile: secretPath, atomically: true, encoding: .utf8)
        let receiver = try PeerProcess("webhook_peer.py", ["--secret-file", secretPath, "--spool", spool])
        defer { receiver.stop() }
        try place.configure([.la()], extra: Self.noticesYAML(hook: { receiver.url("/hold?before=\(Self.holdMillis)&ms=\(Self.holdMillis)&to=\($0)") },
                                                            secret: secretPath))
        var requests: [(id: String, service: String, requestedOn: String)] = []
        for n in 0..<Self.outboxRequests {
            requests.append((String(format: "OB-%04d", n), Self.services[Int(rng.next() % 3)],
                             Self.noticeRequestDates[Int(rng.next() % 3)]))
        }
        try place.drop("cases.csv", into: "la-cases", SampleExport.laCSV(requests.map {
            SampleExport.laRow($0.id, nhs: Self.nhs($0.id), service: $0.service, requestedOn: $0.requestedOn,
                               updatedAt: "2026-01-12T09:00:00Z")
        }))
        let days = CrashOracle.noticeDays(requestedOn: Self.noticeRequestDates)
        let expected = CrashOracle.notices(requests: requests, days: days)

        var total = KillLoop.Figures()
        var runSeconds = 1.0
        for day in days {
            var loop = KillLoop(arguments: ["sync", "--config", place.configPath, "--now", day + "T10:00:00Z"], seed: seed, rng: rng)
            let figures = try loop.run(spread: { runSeconds * 1.6 }, cap: 5, done: { true })
            rng = loop.rng
            runSeconds = max(0.2, figures.lastRunSeconds)
            total.kills += figures.kills
            total.runs += figures.runs
            total.restarts += figures.restarts
            total.seconds += figures.seconds
        }

        var faults: [String] = []
        let deliveries = try checkOutbox(place, spool: spool, expected: expected, seed: seed, faults: &faults)
        #expect(faults.isEmpty, "seed \(seed): \(faults.count) faults, e.g. \(faults.prefix(5))")
        report.trial(trial, seed: seed, total, extra: "\(days.count) days, \(deliveries.messages) messages, "
                     + "\(deliveries.repeats) repeated deliveries, \(expected.count) items")
        return deliveries.repeats
    }

    /// Checks the store's outbox and the receiver's record against the oracle's items.
    func checkOutbox(_ place: TestPlace, spool: String, expected: Set<CrashOracle.NoticeItem>, seed: UInt64,
                     faults: inout [String]) throws -> (messages: Int, repeats: Int) {
        #expect(try AppDatabase(path: place.storePath).integrityCheck() == "ok", "seed \(seed)")
        let unsent = try place.int("SELECT count(*) FROM outbox_message WHERE status <> 'sent'")
        if unsent > 0 { faults.append("\(unsent) messages not sent") }
        let planned = Set(try place.rows("SELECT notice_id FROM outbox_message").compactMap { $0[0] })
        if try place.int("SELECT count(*) FROM notice_item WHERE suppressed = 1") > 0 { faults.append("an item was superseded") }
        let ledger = try place.int("SELECT count(*) FROM notice_item")
        if ledger != expected.count { faults.append("the ledger holds \(ledger) items, expected \(expected.count)") }

        // What the receiver got: every delivery signed, its body naming its own id, and
        // every repeat of an id byte for byte the first.
        let lines = try String(contentsOfFile: spool, encoding: .utf8).split(separator: "\n")
        var bodies: [String: String] = [:]
        for line in lines {
            guard let d = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let id = d["id"] as? String, let body = d["body"] as? String else { faults.append("unreadable delivery"); continue }
            if d["signature_ok"] as? Bool != true { faults.append("\(id) badly signed") }
            if let first = bodies[id], first != body { faults.append("\(id) delivered twice with different bodies") }
            bodies[id] = body
        }
        if Set(bodies.keys) != planned {
            faults.append("\(planned.subtracting(bodies.keys).count) planned messages never received, "
                          + "\(Set(bodies.keys).subtracting(planned).count) received that the store never planned")
        }

        // Each item the oracle expects arrived under exactly one id: none lost, and none
        // planned again under a new id (a duplicate a receiver could not drop).
        var idsByItem: [CrashOracle.NoticeItem: Set<String>] = [:]
        for (id, body) in bodies {
            guard let message = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
                  let kind = message["type"] as? String, let recipient = message["recipient"] as? String else {
                faults.append("\(id): body is not a notice"); continue
            }
            if message["id"] as? String != id { faults.append("\(id): body names \(message["id"] ?? "-")") }
            if kind == "digest" {
                idsByItem[CrashOracle.NoticeItem(kind: kind, recipient: recipient, requestID: "", step: message["date"] as? String ?? "-"),
                          default: []].insert(id)
                continue
            }
            for item in message["items"] as? [[String: Any]] ?? [] {
                let step = (item["due_within_days"] ?? item["level"]).map { "\($0)" } ?? "-"
                idsByItem[CrashOracle.NoticeItem(kind: kind, recipient: recipient, requestID: item["request_id"] as? String ?? "-",
                                                 step: step), default: []].insert(id)
            }
        }
        let got = Set(idsByItem.keys)
        if got != expected {
            faults.append("items lost: \(expected.subtracting(got).sorted().prefix(3)); unexpected: \(got.subtracting(expected).sorted().prefix(3))")
        }
        for (item, ids) in idsByItem where ids.count > 1 { faults.append("\(item) sent under \(ids.count) ids") }
        return (bodies.count, lines.count - bodies.count)
    }
}
