import EHCCore
import Foundation
import GRDB
@testable import EHCSync

/// The soak's place on disk: four drop folders, a store, an outbox of `.eml` files,
/// a metrics file and a webhook receiver's spool, with the config that ties them
/// together, and the ways the soak looks at them afterwards.
final class SoakPlace {
    let root: String
    let keep: Bool
    var storePath: String { root + "/store/ehcsync.sqlite" }
    var configPath: String { root + "/ehcsync.yaml" }
    var outbox: String { root + "/outbox" }
    var metricsPath: String { root + "/metrics/ehcsync.prom" }
    var spoolPath: String { root + "/webhooks.jsonl" }
    var webhookSecretPath: String { root + "/secrets/webhook-secret" }
    func folder(_ feed: String) -> String { root + "/drop/" + feed }

    init(keep: Bool) throws {
        self.keep = keep
        root = FileManager.default.temporaryDirectory.path + "/ehcsync-soak-" + UUID().uuidString.prefix(12)
        for dir in [root + "/store", outbox, root + "/metrics", root + "/secrets"] + SoakDay.feeds.map(folder) {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        }
        try Data((SoakTests.webhookSecret + "\n").utf8).write(to: URL(fileURLWithPath: webhookSecretPath))
    }

    /// The config: four feeds polled every 2 s, reminders, two escalation steps, conflict
    /// and dispute alerts and a weekday digest, to `.eml` files and a signed webhook.
    /// `extraFeeds` (items of `feeds:`), `commissionerChannels` and `extraChannels`
    /// (entries of `channels:`) add to it, as YAML indented as in the file.
    func writeConfig(webhookURL: String, extraFeeds: String = "", commissionerChannels: [String] = ["icb-mail"],
                     extraChannels: String = "", logLevel: String = "info") throws {
        let from = "EHC Sync <ehcsync@soak.example>"
        let text = """
            store: "\(storePath)"
            timezone: Europe/London
            metrics_file: "\(metricsPath)"
            log_level: \(logLevel)
            feeds:
              - name: la-csv
                role: la
                every: 2s
                folder: { path: "\(folder("la-csv"))", pattern: "*.csv", ready: stable, settle_seconds: 0 }
                format: csv
              - name: la-json
                role: la
                every: 2s
                folder: { path: "\(folder("la-json"))", pattern: "*.json", ready: stable, settle_seconds: 0 }
                format: json
              - name: rbt
                role: provider
                every: 2s
                defaults: { provider_ods: RBT }
                folder: { path: "\(folder("rbt"))", pattern: "*.ndjson", ready: marker }
                format: ndjson
              - name: rxy
                role: provider
                every: 2s
                defaults: { provider_ods: RXY }
                folder: { path: "\(folder("rxy"))", pattern: "*.json", ready: stable, settle_seconds: 0 }
                format: json
            \(extraFeeds)notices:
              due_soon_days: 7
              reminders_before_due_days: [14, 7, 2]
              escalations:
                - { after_due_days: 1, level: 1, to: [dco] }
                - { after_due_days: 14, level: 2, to: [dco, commissioner] }
              conflicts_to: [dco]
              disputes_to: [dco]
              digest: { at: "07:30", weekdays_only: true, to: [dco, commissioner] }
            recipients:
              dco: { channels: [dco-mail, dco-hook] }
              commissioner: { channels: [\(commissionerChannels.joined(separator: ", "))] }
              rbt-salt: { for: { provider_ods: RBT, service: salt }, channels: [salt-mail] }
              rxy-team: { for: { provider_ods: RXY }, channels: [rxy-hook] }
            channels:
              dco-mail: { email_file: { dir: "\(outbox)", from: "\(from)", to: [dco@soak.example] } }
              icb-mail: { email_file: { dir: "\(outbox)", from: "\(from)", to: [icb@soak.example] } }
              salt-mail: { email_file: { dir: "\(outbox)", from: "\(from)", to: [salt@soak.example] } }
              dco-hook: { webhook: { url: "\(webhookURL)", secret_file: "\(webhookSecretPath)" } }
              rxy-hook: { webhook: { url: "\(webhookURL)", secret_file: "\(webhookSecretPath)" } }
            \(extraChannels)
            """
        try text.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// Drops a file as an export tool would: under a hidden name, renamed into place,
    /// then its `.done` marker for a marker feed.
    func drop(_ file: SoakDay.File) throws {
        let dir = folder(file.feed)
        let hidden = dir + "/." + file.name + ".tmp"
        try file.bytes.write(to: URL(fileURLWithPath: hidden))
        guard rename(hidden, dir + "/" + file.name) == 0 else { throw TestFailure("cannot rename \(hidden): errno \(errno)") }
        if file.marker { try Data().write(to: URL(fileURLWithPath: dir + "/" + file.name + ".done")) }
    }

    /// Waits until no drop folder holds a file (only `processed/` and `rejected/`).
    func waitDrained(seconds: Double) async throws -> Bool {
        let start = Date()
        while true {
            let left = SoakDay.feeds.flatMap { feed in
                ((try? FileManager.default.contentsOfDirectory(atPath: folder(feed))) ?? []).filter { $0 != "processed" && $0 != "rejected" }
            }
            if left.isEmpty { return true }
            if Date().timeIntervalSince(start) >= seconds { return false }
            try await Task.sleep(for: .milliseconds(250))
        }
    }

    /// Where each taken file ended, by `FEED/NAME`: `processed` (any day) or `rejected`,
    /// once per copy found. Markers and error lists are left out.
    func takenFiles() throws -> [String: [String]] {
        var out: [String: [String]] = [:]
        let fm = FileManager.default
        for feed in SoakDay.feeds {
            let processed = folder(feed) + "/processed"
            for day in (try? fm.contentsOfDirectory(atPath: processed)) ?? [] {
                for name in try fm.contentsOfDirectory(atPath: processed + "/" + day) where Self.isExport(name) {
                    out[feed + "/" + name, default: []].append("processed")
                }
            }
            for name in (try? fm.contentsOfDirectory(atPath: folder(feed) + "/rejected")) ?? [] where Self.isExport(name) {
                out[feed + "/" + name, default: []].append("rejected")
            }
        }
        return out
    }

    static func isExport(_ name: String) -> Bool {
        !name.hasSuffix(".done") && !name.hasSuffix(".error.txt") && !name.hasSuffix(".errors.txt")
    }

    /// The store's `source_file` outcomes, by `FEED/NAME`.
    func sourceFiles() throws -> [String: [String]] {
        let db = try AppDatabase(path: storePath)
        let rows = try db.read { try Row.fetchAll($0, sql: "SELECT f.name, s.name, s.outcome FROM source_file s JOIN feed f ON f.id = s.feed_id") }
        var out: [String: [String]] = [:]
        for row in rows { out[(row[0] as String) + "/" + (row[1] as String), default: []].append(row[2]) }
        return out
    }

    /// Per feed, the sums of the log's `N files applied, N duplicate, N rejected`.
    static func loggedFileCounts(_ log: String) -> [String: [Int]] {
        var out: [String: [Int]] = [:]
        for match in log.matches(of: /feed ([a-z0-9-]+): (\d+) files applied, (\d+) duplicate, (\d+) rejected/) {
            let sums = out[String(match.output.1)] ?? [0, 0, 0]
            out[String(match.output.1)] = [sums[0] + (Int(match.output.2) ?? 0), sums[1] + (Int(match.output.3) ?? 0),
                                           sums[2] + (Int(match.output.4) ?? 0)]
        }
        return out
    }

    /// What an operator looks at: `status`, `status --json`, the quarter's report (CSV
    /// and JSON), the digest previews (text, HTML, JSON) and the metrics file; each as
    /// `(what, text)`. The time is the service's own, read from the metrics file.
    func operatorViews() throws -> [(String, String)] {
        var views: [(String, String)] = []
        let metrics = (try? String(contentsOfFile: metricsPath, encoding: .utf8)) ?? ""
        views.append(("metrics", metrics))
        let now = metrics.firstMatch(of: /ehcsync_last_cycle_timestamp_seconds (\d+)/).flatMap { Int64($0.output.1) }
            .map { Timestamp(millis: $0 * 1000).description } ?? SoakTests.start
        let commands: [[String]] = [
            ["status"], ["status", "--json"],
            ["report", "--from", "2026-10-01", "--to", "2026-12-31", "--csv"],
            ["report", "--from", "2026-10-01", "--to", "2026-12-31", "--by", "service", "--json"],
            ["digest", "--format", "text"], ["digest", "--format", "html"], ["digest", "--to", "commissioner", "--format", "json"],
        ]
        for arguments in commands {
            let result = try EHCSyncBinary.run(arguments + ["--config", configPath, "--now", now])
            guard result.status == 0 else { throw TestFailure("ehcsync \(arguments.joined(separator: " ")) failed: \(result)") }
            views.append(("ehcsync \(arguments.joined(separator: " ")) (stdout)", result.stdout))
            views.append(("ehcsync \(arguments.joined(separator: " ")) (stderr)", result.stderr))
        }
        return views
    }

    /// The modes of the store's files that exist now: the database, `-wal`, `-shm` and the lock.
    func storeModes() -> [String: Int] {
        var out: [String: Int] = [:]
        for path in [storePath, storePath + "-wal", storePath + "-shm", storePath + ".lock"] {
            var st = stat()
            if stat(path, &st) == 0 { out[path] = Int(st.st_mode & 0o7777) }
        }
        return out
    }

    /// Output files and the modes they must have: `.eml` 0640 (SPEC §6), `NAME.error.txt`
    /// and `NAME.errors.txt` 0640, the metrics file 0644 (README).
    func outputModes() throws -> [(String, (actual: Int, wanted: Int))] {
        var out: [(String, (actual: Int, wanted: Int))] = []
        func mode(_ path: String) -> Int {
            var st = stat()
            return stat(path, &st) == 0 ? Int(st.st_mode & 0o7777) : -1
        }
        for path in emlFiles() { out.append((path, (mode(path), 0o640))) }
        for path in errorLists() { out.append((path, (mode(path), 0o640))) }
        out.append((metricsPath, (mode(metricsPath), 0o644)))
        return out
    }

    func emlFiles() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: outbox)) ?? []).filter { $0.hasSuffix(".eml") }.map { outbox + "/" + $0 }
    }

    /// Every `NAME.error.txt` and `NAME.errors.txt` under the drop folders.
    func errorLists() -> [String] {
        var out: [String] = []
        for feed in SoakDay.feeds {
            guard let walker = FileManager.default.enumerator(atPath: folder(feed)) else { continue }
            while let name = walker.nextObject() as? String {
                if name.hasSuffix(".error.txt") || name.hasSuffix(".errors.txt") { out.append(folder(feed) + "/" + name) }
            }
        }
        return out
    }

    /// Folders an operator or recipient reads, and which of their files: the outbox,
    /// the metrics folder, and the error lists beside taken files.
    func visibleTrees() -> [(root: String, include: (String) -> Bool)] {
        [(outbox, { _ in true }), (root + "/metrics", { _ in true }),
         (root + "/drop", { $0.hasSuffix(".error.txt") || $0.hasSuffix(".errors.txt") })]
    }

    struct Delivery {
        var id: String
        var type: String
        var signatureOK: Bool
        var body: String
    }

    /// What the webhook receiver got, as delivered.
    func webhookDeliveries() throws -> [Delivery] {
        let text = (try? String(contentsOfFile: spoolPath, encoding: .utf8)) ?? ""
        return try text.split(separator: "\n").map { line in
            guard let entry = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let body = entry["body"] as? String,
                  let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] else {
                throw TestFailure("a webhook spool line is not as the receiver writes it: \(line.prefix(200))")
            }
            return Delivery(id: entry["id"] as? String ?? "", type: object["type"] as? String ?? "",
                            signatureOK: entry["signature_ok"] as? Bool ?? false, body: body)
        }
    }
}

/// The soak's samples reduced to the figures the issue asks for.
struct SoakSummary {
    var samples: Int
    var rssStart = 0, rssPeak = 0, rssEnd = 0, rssWarm = 0, rssEndMedian = 0
    var fdStart = 0, fdWarm = 0, fdEnd = 0, fdMaxAfterWarmUp = 0, fdMin = 0
    var walMax = 0, walEnd = 0, walMaxLastThird = 0
    var rssGrowth: Double { rssWarm > 0 ? Double(rssEndMedian - rssWarm) / Double(rssWarm) : .infinity }
    var rssGrowthText: String { String(format: "%+.1f%%", rssGrowth * 100) }
    let text: String

    init(samples all: [ProcessSampler.Sample], plan: SoakTests.Plan) {
        samples = all.count
        guard let first = all.first, let last = all.last else { text = "soak: no samples"; return }
        let warm = all.window(plan.warmUp.0, plan.warmUp.1)
        let end = all.window(plan.end.0, plan.end.1 + 600)   // the end window runs to the last sample
        let after = all.filter { $0.at >= plan.warmUp.0 }
        rssStart = first.rssKiB
        rssPeak = all.map(\.rssKiB).max() ?? 0
        rssEnd = last.rssKiB
        rssWarm = median(warm.map(\.rssKiB))
        rssEndMedian = median(end.map(\.rssKiB))
        fdStart = first.fds
        fdWarm = median(warm.map(\.fds))
        fdEnd = median(end.map(\.fds))
        fdMaxAfterWarmUp = after.map(\.fds).max() ?? 0
        fdMin = after.map(\.fds).min() ?? 0
        walMax = all.map(\.walBytes).max() ?? 0
        walEnd = last.walBytes
        walMaxLastThird = all.filter { $0.at >= (last.at * 2 / 3) }.map(\.walBytes).max() ?? 0
        func mib(_ kib: Int) -> String { String(format: "%.1f MiB", Double(kib) / 1024) }
        func mibBytes(_ b: Int) -> String { String(format: "%.1f MiB", Double(b) / 1_048_576) }
        text = """
            soak: \(all.count) samples over \(Int(last.at)) s
            soak: RSS start \(mib(rssStart)), peak \(mib(rssPeak)), end \(mib(rssEnd)); median \(mib(rssWarm)) in \(Int(plan.warmUp.0))–\(Int(plan.warmUp.1)) s, \(mib(rssEndMedian)) in \(Int(plan.end.0))–end: growth \(String(format: "%+.1f%%", (rssWarm > 0 ? Double(rssEndMedian - rssWarm) / Double(rssWarm) : 0) * 100))
            soak: fds start \(fdStart), median \(fdWarm) after warm-up, \(fdEnd) at the end; after warm-up min \(fdMin), max \(fdMaxAfterWarmUp)
            soak: WAL max \(mibBytes(walMax)), max in the last third \(mibBytes(walMaxLastThird)), at the end \(mibBytes(walEnd))
            """
    }
}
