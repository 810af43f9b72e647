import ArgumentParser
import EHCCore
import EHCSync
import Foundation

struct Sync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "One full cycle: every feed once, reconcile, notices, deliveries, digest if due; then exit.")
    @OptionGroup var options: ConfigOptions
    @OptionGroup var nowOption: NowOption

    func run() async throws {
        let config = try loadConfig(options)
        let now = try resolveNow(nowOption, zone: config.timeZone)
        let channels = try makeChannels(config)
        let lock: StoreLock
        do { lock = try StoreLock(storePath: config.storePath) } catch {
            stderr("ehcsync: \(error)")
            throw Exit.unavailable
        }
        let db = try openStore(config)
        let engine = SyncEngine(config: config, db: db, logger: makeLogger(), progress: FeedProgress.forTerminal())
        StderrLogHandler.setLevel(config.logLevel)
        let report = await engine.runCycle(now: now)
        let deliveries = await engine.deliverOutbox(now: now, channels: channels)
        withExtendedLifetime(lock) {}
        let failed = report.feeds.filter { $0.error != nil }
        if !failed.isEmpty && failed.count == report.feeds.count { throw Exit.unavailable }
        if let code = Exit.deliveries(deliveries) {
            stderr("ehcsync: deliveries: \(deliveries.delivered) delivered, \(deliveries.retrying) to retry, \(deliveries.failed) finally failed")
            throw code
        }
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate the config and what it names on this machine: exit 0, or 78 with every error.",
        discussion: """
            Besides the YAML: each drop folder exists and is readable and writable, each email_file folder \
            and the store's folder are writable, and each *_file outside $CREDENTIALS_DIRECTORY is readable; \
            a webhook secret without whsec_ is a warning. Run it as the service's user.
            """)
    @OptionGroup var options: ConfigOptions
    @Flag(name: .long, help: "Check the YAML only, not the folders and files it names.") var offline = false

    func run() throws {
        let config = try loadConfig(options)
        if !offline {
            let findings = ConfigPreflight.check(config, environment: ProcessInfo.processInfo.environment)
            findings.warnings.forEach { stderr("\($0.file):\($0.line): warning: \($0.keyPath): \($0.message)") }
            if !findings.errors.isEmpty {
                findings.errors.forEach { stderr($0.description) }
                throw Exit.config
            }
        }
        print("\(config.file): ok (\(config.feeds.count) feeds, store \(config.storePath)\(offline ? "; folders and files not checked" : ""))")
    }
}

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Feed health, counts by state, open conflicts, outbox.")
    @OptionGroup var options: ConfigOptions
    @OptionGroup var nowOption: NowOption
    @Flag(name: .long, help: "JSON for programs.") var json = false

    func run() throws {
        let config = try loadConfig(options)
        let now = try resolveNow(nowOption, zone: config.timeZone)
        let report = try StatusQuery.report(try openStore(config), config: config, now: now)
        if json { print(report.json); return }
        print("Feeds")
        for f in report.feeds {
            var line = "  \(f.name.padding(toLength: 24, withPad: " ", startingAt: 0)) \(f.role.padding(toLength: 9, withPad: " ", startingAt: 0)) \(f.state.rawValue)"
            if let s = f.lastSuccessAt { line += "  last ok \(s)" }
            if let e = f.lastError { line += "  error: \(e) (\(f.consecutiveFailures) in a row)" }
            if let r = f.retryAt { line += "  backing off until \(r)" }
            print(line)
            let p = f.problems
            if p.rejectedFiles + p.rowErrors + p.ignoredFiles > 0 {
                print("    last file or walk: \(p.rejectedFiles) rejected, \(p.rowErrors) \(p.rowErrors == 1 ? "row" : "rows") skipped; "
                      + "\(p.ignoredFiles) \(p.ignoredFiles == 1 ? "file" : "files") never taken")
            }
            for problem in p.problems {
                let what: String
                switch problem.kind {
                case .rejected: what = "rejected"
                case .rowErrors: what = "\(problem.count) \(problem.count == 1 ? "row" : "rows") skipped"
                case .ignored: what = "never taken"
                }
                print("    \(problem.file): \(what): \(problem.reason)")
            }
        }
        let total = report.advice.values.reduce(0, +)
        print("Advice (\(total) records)")
        for s in AdviceStateKind.allCases { print("  \(s.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)) \(report.advice[s] ?? 0)") }
        print("Flags (beside the state): \(report.disputed) disputed, \(report.withException) with a reg 8(2) exception")
        print("Open conflicts: \(report.conflictsOpen)")
        print("Outbox: \(report.outboxPending) pending, \(report.outboxFailed) failed")
    }
}
