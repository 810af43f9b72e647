import EHCCore
import Foundation
import Testing
@testable import EHCSync

/// SPEC §9 through the real `ehcsync` executable: exit codes, the JSON shapes programs
/// rely on, `check`'s error lines, the demo place, one process per store, and logs
/// that never carry NHS numbers.
@Suite struct CommandLineContractTests {
    static let demoNow = "2026-11-20"

    /// Makes a demo place in a fresh folder under `place` and returns its folder and the run.
    static func demo(in place: TestPlace) throws -> (dir: String, run: CommandResult) {
        let dir = place.root + "/demo"
        let run = try EHCSyncBinary.run(["demo", "--dir", dir, "--now", demoNow])
        return (dir, run)
    }

    static func jsonObjects(_ result: CommandResult) throws -> [[String: Any]] {
        let parsed = try result.json()
        return try #require(parsed as? [[String: Any]], "not a JSON array of objects:\n\(result.stdout)")
    }

    /// Ten digits from the 999 test range, written together or spaced 3-3-4.
    static func nhsNumbers(in text: String) -> [String] {
        let pattern = try? NSRegularExpression(pattern: "(?<![0-9])999[ -]?[0-9]{3}[ -]?[0-9]{4}(?![0-9])")
        let range = NSRange(text.startIndex..., in: text)
        return (pattern?.matches(in: text, range: range) ?? []).compactMap { Range($0.range, in: text).map { String(text[$0]) } }
    }

    // MARK: one process per store

    @Test func syncExitsUnavailableWhileAnotherProcessHoldsTheStore() throws {
        let place = try TestPlace()
        try place.configure([.la()])
        try place.drop("cases.csv", into: "la-cases", SampleExport.laCSV([SampleExport.laRow("LA-1")]))
        let arguments = ["sync", "--config", place.configPath, "--now", "2026-03-10T09:00:00Z"]
        do {
            let lock = try StoreLock(storePath: place.storePath)
            let refused = try EHCSyncBinary.run(arguments)
            #expect(refused.status == 69, "\(refused)")
            #expect(refused.stderr.contains("another ehcsync process"), "\(refused)")
            #expect(refused.stderr.contains("pid \(getpid())"), "the message names the holder: \(refused)")
            #expect(place.exists(place.folder("la-cases") + "/cases.csv"), "nothing was taken while locked out")
            withExtendedLifetime(lock) {}
        }
        let ran = try EHCSyncBinary.run(arguments)
        #expect(ran.status == 0, "once the lock is released the sync runs: \(ran)")
        #expect(place.names(in: place.processed("la-cases", on: "2026-03-10")) == ["cases.csv"])
    }

    // MARK: check

    @Test func checkReportsEveryConfigErrorAsFileLineKeyPath() throws {
        let place = try TestPlace()
        try """
            store: "\(place.storePath)"
            feeds:
              - name: la-cases
                role: la
                folder: { path: "\(place.root)/la", ready: sometimes }
                format: csv
                colour: blue

            """.write(toFile: place.configPath, atomically: true, encoding: .utf8)
        let result = try EHCSyncBinary.run(["check", "--config", place.configPath])
        #expect(result.status == 78, "\(result)")
        let lines = result.stderr.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
        let form = try NSRegularExpression(pattern: "^" + NSRegularExpression.escapedPattern(for: place.configPath)
                                           + ":[1-9][0-9]*: [A-Za-z0-9_.\\[\\]]+: .+$")
        for line in lines {
            #expect(form.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) != nil, "not FILE:LINE: key.path: message: \(line)")
        }
        #expect(lines.contains { $0.hasPrefix(place.configPath + ":5: feeds[0].folder.ready: ") }, "\(result)")
        #expect(lines.contains { $0.hasPrefix(place.configPath + ":7: feeds[0].colour: ") }, "\(result)")
        #expect(result.stdout.isEmpty)
    }

    @Test func checkAcceptsAGoodConfig() throws {
        let place = try TestPlace()
        try place.configure([.la(), .provider()])
        let result = try EHCSyncBinary.run(["check", "--config", place.configPath])
        #expect(result.status == 0, "\(result)")
    }

    // MARK: JSON shapes

    @Test func adviceListJSONCarriesTheSpecFields() throws {
        let place = try TestPlace()
        let (dir, made) = try Self.demo(in: place)
        try #require(made.status == 0, "\(made)")
        let result = try EHCSyncBinary.run(["advice", "list", "--json", "--state", "all", "--config", dir + "/ehcsync.yaml",
                                            "--now", Self.demoNow])
        #expect(result.status == 0, "\(result)")
        let items = try Self.jsonObjects(result)
        #expect(items.count == 40)
        let states = Set(AdviceStateKind.allCases.map(\.rawValue))
        for item in items {
            let id = item["request_id"] as? String ?? "?"
            let state = item["state"] as? String ?? ""
            #expect(states.contains(state), "\(id): state \(state)")
            #expect(item["la_status"] is String, "\(id): la_status")
            #expect(item["disputed"] is Bool, "\(id): disputed is a bool")
            #expect(item["open_conflicts"] is Int, "\(id): open_conflicts is a count")
            if state == "overdue" {
                #expect((item["days_overdue"] as? Int ?? 0) > 0, "\(id): days_overdue when overdue")
            } else {
                #expect(item["days_overdue"] == nil, "\(id): days_overdue only when overdue")
            }
            if state == "answered" {
                #expect(item["on_time"] is Bool, "\(id): on_time when answered")
                #expect(["submitted", "not_known"].contains(item["provider_status"] as? String ?? ""), "\(id): provider_status")
                #expect(item["answered_on"] is String, "\(id): answered_on when answered")
            }
        }
        // JSONSerialization reads true/false as NSNumber: check the text says true/false.
        let bools = result.stdout.components(separatedBy: "\"disputed\":").dropFirst()
        #expect(bools.count == items.count)
        #expect(bools.allSatisfy { $0.hasPrefix("true") || $0.hasPrefix("false") })
        #expect(items.contains { $0["provider_status"] is String })
        #expect(items.filter { $0["disputed"] as? Bool == true }.count == 2)
    }

    @Test func conflictsListJSONHasExactlyTheSpecKeys() throws {
        let place = try TestPlace()
        let (dir, made) = try Self.demo(in: place)
        try #require(made.status == 0, "\(made)")
        let result = try EHCSyncBinary.run(["conflicts", "list", "--json", "--config", dir + "/ehcsync.yaml"])
        #expect(result.status == 0, "\(result)")
        let items = try Self.jsonObjects(result)
        #expect(!items.isEmpty)
        let keys: Set<String> = ["id", "kind", "request_id", "feed", "field", "detail", "opened_at", "status"]
        for item in items {
            #expect(Set(item.keys) == keys, "\(item)")
            #expect(item["id"] is Int)
            #expect(item["status"] as? String == "open")
            #expect(ConflictKind(rawValue: item["kind"] as? String ?? "") != nil, "\(item)")
        }
    }

    @Test func statusJSONHasFeedsAdviceConflictsAndOutbox() throws {
        let place = try TestPlace()
        let (dir, made) = try Self.demo(in: place)
        try #require(made.status == 0, "\(made)")
        let result = try EHCSyncBinary.run(["status", "--json", "--config", dir + "/ehcsync.yaml", "--now", Self.demoNow])
        #expect(result.status == 0, "\(result)")
        let status = try #require(try result.json() as? [String: Any], "\(result)")
        #expect(Set(status.keys) == ["feeds", "advice", "flags", "conflicts_open", "outbox"])
        let feeds = try #require(status["feeds"] as? [[String: Any]])
        #expect(feeds.map { $0["name"] as? String ?? "" } == ["la-cases", "trust-community"])
        for feed in feeds {
            #expect(Set(feed.keys) == ["name", "role", "state", "last_success_at", "last_error", "consecutive_failures",
                                       "rejected_files", "row_errors", "ignored_files", "problems"], "\(feed)")
            #expect(["ok", "degraded", "failing", "stale", "never"].contains(feed["state"] as? String ?? ""))
        }
        // The demo's LA export has one mistyped NHS number: its feed is degraded, the row named.
        #expect(feeds.first?["state"] as? String == "degraded")
        #expect(feeds.first?["row_errors"] as? Int == 1)
        if let flags = status["flags"] as? [String: Int] {
            #expect(Set(flags.keys) == ["disputed", "exception"])
        } else {
            Issue.record("no flags in \(status)")
        }
        let advice = try #require(status["advice"] as? [String: Int])
        #expect(Set(advice.keys) == Set(AdviceStateKind.allCases.map(\.rawValue)))
        #expect(advice.values.reduce(0, +) == 40)
        #expect(status["conflicts_open"] as? Int == 7)
        let outbox = try #require(status["outbox"] as? [String: Int])
        #expect(Set(outbox.keys) == ["pending", "failed"])
    }

    // MARK: demo

    @Test func demoMakesEveryStateAndEveryConflictKind() throws {
        let place = try TestPlace()
        let (dir, made) = try Self.demo(in: place)
        #expect(made.status == 0, "\(made)")
        let list = try EHCSyncBinary.run(["advice", "list", "--json", "--state", "all", "--config", dir + "/ehcsync.yaml",
                                          "--now", Self.demoNow])
        let states = Set(try Self.jsonObjects(list).compactMap { $0["state"] as? String })
        #expect(states == Set(AdviceStateKind.allCases.map(\.rawValue)))
        let conflicts = try EHCSyncBinary.run(["conflicts", "list", "--json", "--config", dir + "/ehcsync.yaml"])
        let kinds = Set(try Self.jsonObjects(conflicts).compactMap { $0["kind"] as? String })
        #expect(kinds == Set(ConflictKind.allCases.map(\.rawValue)))
        #expect(made.stdout.contains("as on 2026-11-20"))
    }

    @Test func demoReplacesAnEarlierDemoButRefusesAnyOtherFolder() throws {
        let place = try TestPlace()
        let (dir, first) = try Self.demo(in: place)
        #expect(first.status == 0, "\(first)")
        let again = try EHCSyncBinary.run(["demo", "--dir", dir, "--now", Self.demoNow])
        #expect(again.status == 0, "an earlier demo is replaced: \(again)")

        let mine = place.root + "/mine"
        try FileManager.default.createDirectory(atPath: mine, withIntermediateDirectories: true)
        try "keep me\n".write(toFile: mine + "/notes.txt", atomically: true, encoding: .utf8)
        let refused = try EHCSyncBinary.run(["demo", "--dir", mine, "--now", Self.demoNow])
        #expect(refused.status == 65, "\(refused)")
        #expect(place.names(in: mine) == ["notes.txt"], "the folder is left as it was")
        #expect(try place.text(mine + "/notes.txt") == "keep me\n")
    }

    // MARK: logs

    @Test func logsNeverCarryNHSNumbers() throws {
        let place = try TestPlace()
        try place.configure([.la(), .provider()])
        try place.drop("cases.csv", into: "la-cases", SampleExport.laCSV([
            SampleExport.laRow("LA-1", nhs: "9990000018"),
            SampleExport.laRow("LA-2", nhs: SampleExport.badCheckDigit),
            SampleExport.laRow("LA-3", nhs: "999 000 0034"),
        ]))
        try place.drop("responses.ndjson", into: "trust", [
            SampleExport.ndjsonLine(["request_id": "LA-1", "nhs_number": "9990000026", "status": "in_progress",
                                     "updated_at": "2026-03-04T08:00:00Z"]),
            SampleExport.ndjsonLine(["nhs_number": "9990000042", "service": "salt", "status": "acknowledged",
                                     "updated_at": "2026-03-04T08:00:00Z"]),
            SampleExport.ndjsonLine(["request_id": "LA-3", "nhs_number": "999000003", "status": "acknowledged",
                                     "updated_at": "2026-03-04T08:00:00Z"]),
        ].joined(separator: "\n") + "\n")
        let sync = try EHCSyncBinary.run(["sync", "--config", place.configPath, "--now", "2026-03-10T09:00:00Z"])
        #expect(sync.status == 0, "\(sync)")
        #expect(!sync.stderr.isEmpty, "the sync logs what it did")
        #expect(Self.nhsNumbers(in: sync.stderr) == [], "\(sync.stderr)")
        #expect(try place.conflicts(includeResolved: false).map(\.kind.rawValue).sorted() == ["identity_mismatch", "unmatched_response"],
                "the run met the cases that could tempt a log line")

        let (_, demo) = try Self.demo(in: place)
        #expect(demo.status == 0, "\(demo)")
        #expect(Self.nhsNumbers(in: demo.stderr) == [], "\(demo.stderr)")
    }

    @Test func conflictsResolveClosesByIDAndInsistsOnANote() throws {
        let place = try TestPlace()
        let (dir, made) = try Self.demo(in: place)
        try #require(made.status == 0, "\(made)")
        let config = dir + "/ehcsync.yaml"
        let open = try Self.jsonObjects(try EHCSyncBinary.run(["conflicts", "list", "--json", "--config", config]))
        let id = try #require(open.first?["id"] as? Int)

        let blank = try EHCSyncBinary.run(["conflicts", "resolve", String(id), "--note", "  ", "--config", config])
        #expect(blank.status == 64, "\(blank)")
        let resolved = try EHCSyncBinary.run(["conflicts", "resolve", String(id), "--note", "agreed on the phone", "--config", config])
        #expect(resolved.status == 0, "\(resolved)")
        let twice = try EHCSyncBinary.run(["conflicts", "resolve", String(id), "--note", "again", "--config", config])
        #expect(twice.status == 65, "\(twice)")

        let all = try Self.jsonObjects(try EHCSyncBinary.run(["conflicts", "list", "--json", "--all", "--config", config]))
        #expect(all.first { $0["id"] as? Int == id }?["status"] as? String == "resolved")
        let stillOpen = try Self.jsonObjects(try EHCSyncBinary.run(["conflicts", "list", "--json", "--config", config]))
        #expect(stillOpen.count == open.count - 1)
    }
}
