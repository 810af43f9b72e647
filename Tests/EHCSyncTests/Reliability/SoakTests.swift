import EHCCore
import Foundation
import GRDB
import Testing
@testable import EHCSync

/// Issue 6, part 5: the real `ehcsync run` for a long stretch of wall time against a
/// simulated day of drop-folder files (`SoakDay`), its clock accelerated
/// (`EHCSYNC_TEST_CLOCK`) so the run covers a whole day or more of reminders,
/// escalations and digests, delivered as `.eml` files and signed webhooks. The
/// process is sampled from `/proc` (`ProcessSampler`) and must keep its memory, file
/// descriptors and WAL flat; every file must be taken exactly once, the store must
/// pass `PRAGMA integrity_check` and hold every LA request sent; and nothing an
/// operator or a recipient sees may carry an NHS number, a name or a secret
/// (`PrivacyScan`), with the files' modes as SPEC §6 and the README say.
///
/// Short (normal `swift test`, debug build): 300 files in 2 minutes, the clock 720×
/// (a whole day). Full: `EHCSYNC_RELIABILITY=full swift test --filter SoakTests` with
/// the release build (`swift build -c release --product ehcsync` first): 10,000 files
/// in one hour, the clock 36× (36 hours: two digests). The seed is printed;
/// `EHCSYNC_SOAK_SEED=N` replays a run, `EHCSYNC_SOAK_KEEP=1` keeps its folder.
@Suite struct SoakTests {
    /// The size of a run and its tolerances.
    struct Plan: CustomStringConvertible {
        var name: String
        var files: Int
        var requests: Int
        var seconds: Double
        var rate: Double
        var sampleEvery: Double
        /// The windows (seconds) whose medians are compared: after warm-up, and the end.
        var warmUp: (Double, Double)
        var end: (Double, Double)
        /// The largest RSS growth allowed, end window's median over the warm-up window's.
        var rssGrowth: Double
        /// The largest rise in the fd count over the warm-up window's median, at any sample after it.
        var fdSpike: Int
        var walBoundBytes: Int
        var release: Bool
        var timeLimitMinutes: Int

        var description: String {
            "\(name): \(files) files, \(requests) requests, \(Int(seconds)) s at \(Int(rate))×, samples every \(sampleEvery) s, \(release ? "release" : "debug") build"
        }

        static let short = Plan(name: "short", files: 300, requests: 300, seconds: 120, rate: 720, sampleEvery: 1,
                                warmUp: (30, 60), end: (90, 120), rssGrowth: 0.25, fdSpike: 8,
                                walBoundBytes: 32 << 20, release: false, timeLimitMinutes: 6)
        static let full = Plan(name: "full", files: 10_000, requests: 4_000, seconds: 3_600, rate: 36, sampleEvery: 5,
                               warmUp: (300, 900), end: (3_000, 3_600), rssGrowth: 0.10, fdSpike: 8,
                               walBoundBytes: 32 << 20, release: true, timeLimitMinutes: 75)

        static var current: Plan { ReliabilityScale.isFull ? .full : .short }
    }

    static let start = "2026-11-23T06:00:00Z"   // a Monday, 06:00 in London
    static let webhookSecret = "whsec_" + Data("soak-webhook-key-91c3e5d7a2".utf8).base64EncodedString()

    /// `Monday 23 November 2026`, as the digest names its day.
    static func longDate(_ date: CivilDate) -> String {
        let weekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
        let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
        let (y, m, d) = date.components
        return "\(weekdays[date.isoWeekday - 1]) \(d) \(months[m - 1]) \(y)"
    }

    @Test(.timeLimit(.minutes(Plan.current.timeLimitMinutes)))
    func theServiceTakesADayOfFilesWithFlatMemoryDescriptorsAndWAL() async throws {
        let plan = Plan.current
        let env = ProcessInfo.processInfo.environment
        let seed = env["EHCSYNC_SOAK_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 1...999_999)
        print("soak: \(plan); seed \(seed) (replay with EHCSYNC_SOAK_SEED=\(seed))")
        let place = try SoakPlace(keep: env["EHCSYNC_SOAK_KEEP"] == "1")
        defer { if !place.keep { try? FileManager.default.removeItem(atPath: place.root) } else { print("soak: kept \(place.root)") } }
        let startTime = try #require(Timestamp.parse(Self.start, zone: .gmt))
        var day = SoakDay(seed: seed, requests: plan.requests, start: startTime)
        let peer = try PeerProcess("webhook_peer.py", ["--secret-file", place.webhookSecretPath, "--spool", place.spoolPath])
        defer { peer.stop() }
        try place.writeConfig(webhookURL: peer.url("/ok"))

        let executable = plan.release ? try EHCSyncBinary.releasePath() : nil
        let serviceStarted = Date()
        let service = try ServiceProcess(config: place.configPath,
                                         extraEnvironment: [ServiceClock.environmentKey: "\(Self.start),\(Int(plan.rate))"],
                                         executable: executable)
        try await service.waitReady()
        let sampler = ProcessSampler(pid: service.pid, walPath: place.storePath + "-wal", interval: plan.sampleEvery)
        let began = Date()
        var dropped: [SoakDay.File] = []
        var operatorViews: [(String, String)] = []
        var modes: [String: Int] = [:]
        var nextLook = plan.seconds / 4
        for i in 0..<plan.files {
            let due = Double(i) * plan.seconds / Double(plan.files)
            let wait = due - Date().timeIntervalSince(began)
            if wait > 0 { try await Task.sleep(for: .milliseconds(Int(wait * 1000))) }
            guard service.process.isRunning else { break }
            let simulated = Timestamp(millis: startTime.millis + Int64(Date().timeIntervalSince(began) * plan.rate * 1000))
            let file = day.next(now: simulated)
            try place.drop(file)
            dropped.append(SoakDay.File(feed: file.feed, name: file.name, bytes: Data(), marker: file.marker, outcome: file.outcome))
            if Date().timeIntervalSince(began) >= nextLook {
                // What an operator looks at while the service runs; and the store's files' modes, WAL included.
                nextLook += plan.seconds / 4
                operatorViews += try place.operatorViews()
                modes = modes.merging(place.storeModes()) { a, _ in a }
            }
        }
        #expect(service.process.isRunning, "the service kept running: \(service.stderr.suffix(2_000))")
        let drained = try await place.waitDrained(seconds: plan.release ? 300 : 120)
        let ranFor = Date().timeIntervalSince(began)
        try await Task.sleep(for: .seconds(3))  // the last end-of-cycle work and deliveries
        operatorViews += try place.operatorViews()
        let samples = sampler.stop()
        let serviceRan = Date().timeIntervalSince(serviceStarted)
        let stop = try await service.stop()
        #expect(stop.result.status == 0, "SIGTERM ended the service cleanly: \(stop.result.stderr.suffix(2_000))")
        #expect(drained, "every dropped file was taken within the wait")

        // Exactly once: each file is in exactly one place, the one its kind says, and the
        // store took it once with that outcome; the feeds' log lines add up to the same.
        let taken = try place.takenFiles()
        let rows = try place.sourceFiles()
        var misplaced: [String] = []
        for file in dropped {
            let want = file.outcome == .rejected ? "rejected" : "processed"
            let places = taken[file.feed + "/" + file.name] ?? []
            if places != [want] { misplaced.append("\(file.feed)/\(file.name): \(places) (want \(want))") }
            let outcomes = rows[file.feed + "/" + file.name] ?? []
            if outcomes != [file.outcome.rawValue] { misplaced.append("\(file.feed)/\(file.name): store \(outcomes) (want \(file.outcome.rawValue))") }
        }
        #expect(misplaced.isEmpty, "files not taken exactly once as expected (\(misplaced.count)): \(misplaced.prefix(20))")
        #expect(taken.count == dropped.count && rows.count == dropped.count, "nothing else was taken: \(taken.count) places, \(rows.count) store rows, \(dropped.count) dropped")
        let logged = SoakPlace.loggedFileCounts(stop.result.stderr)
        for feed in SoakDay.feeds {
            let want = dropped.filter { $0.feed == feed }
            let expected = [want.filter { $0.outcome == .applied }.count, want.filter { $0.outcome == .duplicate }.count,
                            want.filter { $0.outcome == .rejected }.count]
            #expect(logged[feed] == expected, "feed \(feed): the log's applied/duplicate/rejected \(logged[feed] ?? []) against \(expected)")
        }

        // The store: intact, and holding every LA request of every row that had to apply.
        let db = try AppDatabase(path: place.storePath)
        #expect(try db.integrityCheck() == "ok")
        let ids = Set(try db.read { try String.fetchAll($0, sql: "SELECT request_id FROM advice") })
        #expect(ids == day.laRequestIDs, "advice records: \(ids.count), LA requests sent in valid rows: \(day.laRequestIDs.count); missing \(day.laRequestIDs.subtracting(ids).prefix(5)), extra \(ids.subtracting(day.laRequestIDs).prefix(5))")

        // Notices went out through both channels, once each by id.
        let mail = place.emlFiles()
        let hooks = try place.webhookDeliveries()
        // A digest for each recipient on each weekday whose 07:30 the simulated run passed
        // while files still came (an hour's margin: a pass runs at least every real
        // minute), and none for a day whose 07:30 the service's clock had not reached when
        // it stopped (the same margin the other way).
        let digests = Set(mail.compactMap { path -> String? in
            let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            return text.firstMatch(of: /EHC Sync digest, (\w+ \d+ \w+ \d{4})\s+For ([a-z-]+)/).map { "\($0.output.2) \($0.output.1)" }
        })
        let london = TimeZone(identifier: "Europe/London") ?? .gmt
        func digestDays(before end: Timestamp) -> Set<String> {
            Set((0...4).map { day.firstDay.adding(days: $0) }.filter { !$0.isWeekend && Timestamp.local($0, minuteOfDay: 7 * 60 + 30, in: london) <= end }
                .flatMap { date in ["dco", "commissioner"].map { "\($0) \(Self.longDate(date))" } })
        }
        let must = digestDays(before: startTime.adding(seconds: Int(ranFor * plan.rate) - 3_600))
        let may = digestDays(before: startTime.adding(seconds: Int(serviceRan * plan.rate) + 3_600))
        let kinds = Dictionary(grouping: hooks, by: \.type).mapValues(\.count)
        print("soak: notices: \(mail.count) .eml files (digests \(digests.sorted())), \(hooks.count) webhook deliveries \(kinds.sorted { $0.key < $1.key })")
        #expect(must.isSubset(of: digests) && digests.isSubset(of: may), "digests \(digests.sorted()): at least \(must.sorted()), at most \(may.sorted())")
        #expect(kinds["reminder"] ?? 0 > 0 && kinds["escalation"] ?? 0 > 0 && kinds["digest"] ?? 0 > 0, "reminders, escalations and a digest reached the webhook: \(kinds)")
        #expect(hooks.allSatisfy { $0.signatureOK }, "every webhook was signed with the secret")
        #expect(Set(hooks.map(\.id)).count == hooks.count, "no webhook delivered twice")

        // The figures.
        let summary = SoakSummary(samples: samples, plan: plan)
        print("soak: ran \(String(format: "%.0f", ranFor)) s; \(dropped.count) files (\(dropped.filter { $0.outcome == .duplicate }.count) repeats, \(dropped.filter { $0.outcome == .rejected }.count) rejected); \(ids.count) advice records")
        print(summary.text)
        #expect(summary.samples >= Int(plan.seconds / plan.sampleEvery * 0.8), "the process was sampled throughout (\(summary.samples))")
        #expect(summary.rssGrowth < plan.rssGrowth, "RSS growth \(summary.rssGrowthText) (end window's median over the warm-up window's) is under \(Int(plan.rssGrowth * 100))%")
        #expect(summary.fdEnd == summary.fdWarm, "open descriptors at the end (median \(summary.fdEnd)) as after warm-up (median \(summary.fdWarm))")
        #expect(summary.fdMaxAfterWarmUp - summary.fdWarm <= plan.fdSpike, "no descriptor build-up: peak \(summary.fdMaxAfterWarmUp) against \(summary.fdWarm)")
        #expect(summary.walMax <= plan.walBoundBytes, "WAL at most \(plan.walBoundBytes >> 20) MiB: peak \(summary.walMax)")

        // Modes: the store and its WAL and shared memory 0600, the lock 0600, mail 0640,
        // error lists 0640, metrics 0644.
        #expect(modes.isEmpty == false, "the store's modes were looked at while it ran")
        for (path, mode) in modes { #expect(mode == 0o600, "\(path) is \(String(mode, radix: 8)), not 600") }
        for (path, mode) in try place.outputModes() { #expect(mode.actual == mode.wanted, "\(path) is \(String(mode.actual, radix: 8)), not \(String(mode.wanted, radix: 8))") }

        // Nothing an operator or a recipient sees carries an NHS number, a name or a secret.
        let scan = PrivacyScan(nhsNumbers: day.nhsNumbers, names: day.names,
                               secrets: PrivacyScan.secretForms(of: Self.webhookSecret))
        var findings = scan.findings(in: stop.result.stderr, source: "stderr") + scan.findings(in: stop.result.stdout, source: "stdout")
        for (source, text) in operatorViews { findings += scan.findings(in: text, source: source) }
        for hook in hooks { findings += scan.findings(in: hook.body, source: "webhook \(hook.id)") }
        let trees = place.visibleTrees().map { scan.findings(inTree: $0.root, include: $0.include) }
        findings += trees.flatMap(\.findings)
        let scanned = trees.map(\.files.count).reduce(0, +)
        print("soak: privacy scan: \(scan.counts.nhsNumbers) NHS numbers, \(scan.counts.names) names, \(scan.counts.secrets) secrets looked for in the log, \(operatorViews.count) operator views, \(hooks.count) webhook bodies and \(scanned) files: \(findings.count) findings")
        #expect(scanned > 0 && !operatorViews.isEmpty)
        #expect(findings.isEmpty, "\(PrivacyScan.report(findings))")
    }
}
