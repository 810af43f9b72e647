import ArgumentParser
import EHCCore
import EHCSync
import Foundation

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make a demo place with sample feeds, run the sync, print a summary.")
    @Option(name: .long, help: "Where to make it (default ./ehcsync-demo); only an earlier demo is replaced.")
    var dir: String = "ehcsync-demo"
    @OptionGroup var nowOption: NowOption

    func run() async throws {
        let zone = TimeZone(identifier: "Europe/London") ?? .gmt
        let now = try resolveNow(nowOption, zone: zone)
        let absolute = dir.hasPrefix("/") ? dir : FileManager.default.currentDirectoryPath + "/" + dir
        let place = DemoPlace(dir: absolute, today: now.localDate(in: zone))
        do { try place.prepare() } catch {
            stderr("ehcsync demo: \(error)")
            throw Exit.badInput
        }
        let config = try loadConfig(path: place.configPath)
        let db = try openStore(config)
        let engine = SyncEngine(config: config, db: db, logger: makeLogger())
        let channels = try makeChannels(config)
        // Yesterday's exports were read yesterday, before the digest's hour (so yesterday
        // made no digest of its own); today's arrive now.
        let today = now.localDate(in: zone)
        let yesterday = Timestamp.local(today.adding(days: -1), minuteOfDay: DemoPlace.yesterdaysCycleMinute, in: zone)
        try place.drop(yesterday: true)
        _ = await engine.runCycle(now: yesterday)
        _ = await engine.deliverOutbox(now: yesterday, channels: channels)
        try place.drop(yesterday: false)
        _ = await engine.runCycle(now: now)
        // Exactly one DCO digest for today, whatever the day and hour: the cycle planned
        // it on a weekday after 07:30; otherwise it is queued here. Written as .eml.
        let cycle = NoticeCycle(config: config, db: db)
        if try !cycle.digestRecorded(recipient: "dco", date: today) {
            _ = try cycle.queueDigest(recipient: "dco", date: today, now: now)
        }
        _ = await engine.deliverOutbox(now: now, channels: channels)
        let digest = DigestBuilder.build(try cycle.digestInput(recipient: "dco", date: today, now: now))

        let items = try AdviceQuery.list(db, rules: config.adviceRules, today: today, dueSoonDays: config.notices.dueSoonDays)
        let conflicts = try ConflictQuery.list(db, includeResolved: false)
        print("EHC Sync demo place in \(absolute) — as on \(today)\n")
        print("Advice by state")
        for s in AdviceStateKind.allCases {
            print("  \(s.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)) \(items.filter { $0.view.state == s }.count)")
        }
        let disputed = items.filter { $0.view.disputed }.count
        print("  disputed   \(disputed)\n")
        let overdue: [AdviceListItem] = items.filter { $0.view.state == .overdue }
            .sorted { (a: AdviceListItem, b: AdviceListItem) in (a.view.daysOverdue ?? 0) > (b.view.daysOverdue ?? 0) }
        print("Overdue (\(overdue.count))")
        print(AdviceTable.render(overdue).split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n")
        print("Open conflicts (\(conflicts.count))")
        for c in conflicts { print("  #\(c.id) \(c.kind) \(c.requestID ?? "-"): \(c.detail)") }
        let emails = ((try? FileManager.default.contentsOfDirectory(atPath: absolute + "/outbox")) ?? []).filter { $0.hasSuffix(".eml") }
        print("\nThe DCO's digest (written with \(emails.count - 1) other notices to \(absolute)/outbox/ as .eml)")
        print("Subject: \(digest.subject)\n")
        print(digest.text())
        let cfg = place.configPath
        print("""

        Where to look next
          ehcsync status --config \(cfg)
          ehcsync advice list --state overdue --config \(cfg)
          ehcsync advice show LA-2034 --config \(cfg)
          ehcsync conflicts list --config \(cfg)
          ehcsync digest --format html --config \(cfg) > digest.html
          ehcsync report --from \(now.localDate(in: zone).quarterStart) --to \(now.localDate(in: zone)) --by service --config \(cfg)
          files taken: \(absolute)/la/processed/ and \(absolute)/provider/processed/ (row errors in *.errors.txt)
        """)
    }
}
