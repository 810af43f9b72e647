import EHCCore
import Foundation
import Testing
@testable import EHCSync

/// `ehcsync demo` (README "Two commands"): exactly one DCO digest whatever the day and
/// hour, and records across enough providers and services that the digest's and the
/// report's by-provider figures mean something.
@Suite(.serialized) struct DemoDigestTests {
    /// Makes a demo as on `now` in a fresh folder; returns its folder.
    static func demo(now: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.path + "/ehcsync-demo-digest-" + UUID().uuidString.prefix(12)
        let run = try EHCSyncBinary.run(["demo", "--dir", dir, "--now", now])
        guard run.status == 0 else { throw TestFailure("demo failed: \(run)") }
        return dir
    }

    /// The outbox's digest messages: a digest's subject is "EHC Sync: …", every other
    /// notice's names its kind ("EHC Sync reminder: …").
    static func digestFiles(in dir: String) throws -> [String] {
        let outbox = dir + "/outbox"
        return try FileManager.default.contentsOfDirectory(atPath: outbox).filter { $0.hasSuffix(".eml") }.filter { name in
            let text = try String(contentsOfFile: outbox + "/" + name, encoding: .utf8)
            return text.hasPrefix("Subject: EHC Sync: ") || text.contains("\r\nSubject: EHC Sync: ") || text.contains("\nSubject: EHC Sync: ")
        }
    }

    /// A weekday after 07:30 (the cycle plans the day's digest), a weekday before it,
    /// a Saturday, and a Monday after 07:30 (yesterday a Sunday) all end with one.
    @Test(arguments: ["2026-11-20", "2026-11-23T06:15:00Z", "2026-11-21T12:00:00Z", "2026-11-24T09:00:00Z"])
    func demoWritesExactlyOneDigest(now: String) throws {
        let dir = try Self.demo(now: now)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let digests = try Self.digestFiles(in: dir)
        #expect(digests.count == 1, "demo at \(now) wrote \(digests.count) digests: \(digests)")
    }

    @Test func demoSpansThreeProvidersAndTheirServices() throws {
        let dir = try Self.demo(now: "2026-11-23T10:00:00Z")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let config = dir + "/ehcsync.yaml"
        for (by, least) in [("provider", 3), ("service", 5)] {
            let run = try EHCSyncBinary.run(["report", "--from", "2026-10-01", "--to", "2026-11-22", "--by", by, "--json",
                                             "--config", config, "--now", "2026-11-23T10:00:00Z"])
            #expect(run.status == 0, "\(run)")
            let rows = try #require(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]])
            let groups = rows.compactMap { $0["group"] as? String }
            #expect(groups.count >= least, "report by \(by): \(groups)")
            #expect(!groups.contains("(unknown)"))
        }
        let json = try EHCSyncBinary.run(["digest", "--format", "json", "--config", config, "--now", "2026-11-23T10:00:00Z"])
        let digest = try #require(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let byProvider = try #require(digest["on_time_by_provider"] as? [[String: Any]])
        #expect(byProvider.compactMap { $0["provider"] as? String } == ["RBT", "RJ1", "RXQ"])
        #expect(digest["recipient_name"] as? String == "Dr A Patel, Designated Clinical Officer")
    }

    /// SPEC §5's one measure: the digest's quarter-so-far rate, both ways, is what
    /// `ehcsync report` gives for the same days, and so is each provider's row.
    @Test func digestAndReportGiveTheSameFigures() throws {
        let now = "2026-11-23T10:00:00Z"
        let dir = try Self.demo(now: now)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let config = dir + "/ehcsync.yaml"
        let json = try EHCSyncBinary.run(["digest", "--format", "json", "--config", config, "--now", now])
        let digest = try #require(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let summary = try #require(digest["summary"] as? [String: Any])
        let report = try EHCSyncBinary.run(["report", "--from", "2026-10-01", "--to", "2026-11-23", "--by", "provider", "--json",
                                            "--config", config, "--now", now])
        let rows = try #require(JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [[String: Any]])
        func sum(_ key: String) -> Int { rows.reduce(0) { $0 + ($1[key] as? Int ?? 0) } }
        let due = sum("due"), onTime = sum("on_time"), lateWithException = sum("late_with_exception")
        #expect(due > 0)
        let pct = DecimalText.percent(onTime, of: due), pctExcluding = DecimalText.percent(onTime, of: due - lateWithException)
        #expect(summary["answered_on_time_pct_quarter"] as? Double == pct)
        #expect(summary["answered_on_time_pct_quarter_excluding_exceptions"] as? Double == pctExcluding)
        let byProvider = try #require(digest["on_time_by_provider"] as? [[String: Any]])
        #expect(byProvider.count == rows.count)
        for (d, r) in zip(byProvider, rows) {
            #expect(d["provider"] as? String == r["group"] as? String)
            for key in ["due", "on_time", "late", "late_with_exception", "still_outstanding", "pct_on_time",
                        "pct_on_time_excluding_exceptions"] {
                #expect("\(d[key] ?? "-")" == "\(r[key] ?? "-")", "\(key) of \(r["group"] ?? "")")
            }
        }
        // The text says which rate and which days.
        let text = try EHCSyncBinary.run(["digest", "--config", config, "--now", now]).stdout
        #expect(text.contains("On time this quarter, requests due 1 October to 22 November 2026: \(pct.map(DecimalText.oneDecimal) ?? "-")%"))
    }
}
