import ArgumentParser
import EHCCore
import EHCSync
import Foundation

struct DigestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "digest", abstract: "Preview the daily digest for any day and recipient; --send sends it.")
    @OptionGroup var options: ConfigOptions
    @OptionGroup var nowOption: NowOption
    @Option(name: .long, help: "The day (YYYY-MM-DD; default today).") var date: String?
    @Option(name: .long, help: "The recipient (default: the first of notices.digest.to).") var to: String?
    @Option(name: .long, help: "text, html or json.") var format: String = "text"
    @Flag(name: .long, help: "Queue and deliver it now through the recipient's channels.") var send = false

    func validate() throws {
        guard ["text", "html", "json"].contains(format.lowercased()) else { throw ValidationError("--format must be text, html or json") }
    }

    func run() async throws {
        let config = try loadConfig(options)
        let now = try resolveNow(nowOption, zone: config.timeZone)
        let day: CivilDate
        if let date {
            guard let d = CivilDate(iso: date) else {
                stderr("ehcsync: --date '\(date)' is not a YYYY-MM-DD date")
                throw Exit.usage
            }
            day = d
        } else {
            day = now.localDate(in: config.timeZone)
        }
        let recipient = to ?? config.notices.digest.to.first ?? "dco"
        let db = try openStore(config)
        let cycle = NoticeCycle(config: config, db: db)
        if send {
            guard config.recipients.contains(where: { $0.name == recipient }) else {
                stderr("ehcsync: no recipient '\(recipient)' in \(config.file)")
                throw Exit.badInput
            }
            let channels = try makeChannels(config)
            let queued = try cycle.queueDigest(recipient: recipient, date: day, now: now)
            let result = await SyncEngine(config: config, db: db, logger: makeLogger()).deliverOutbox(now: now, channels: channels)
            print("Digest for \(recipient) on \(day): \(queued) message(s) queued; \(result.delivered) delivered, \(result.retrying) to retry, \(result.failed) failed.")
            if queued == 0 {
                stderr("ehcsync: nothing was sent: \(recipient) has no channel to send through")
                throw Exit.failed
            }
            if let code = Exit.deliveries(result) {
                stderr(code == Exit.failed
                    ? "ehcsync: a message finally failed; `ehcsync status` shows it"
                    : "ehcsync: not yet delivered; the service (ehcsync run) retries it, or run this again")
                throw code
            }
            return
        }
        let digest = DigestBuilder.build(try cycle.digestInput(recipient: recipient, date: day, now: now))
        switch format.lowercased() {
        case "html": print(digest.html())
        case "json": print(digest.json(id: "preview-\(recipient)-\(day)"))
        default: print("Subject: \(digest.subject)\n\n" + digest.text())
        }
    }
}

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "On-time figures for requests due in a date range.")
    @OptionGroup var options: ConfigOptions
    @OptionGroup var nowOption: NowOption
    @Option(name: .long, help: "First due date (YYYY-MM-DD).") var from: String
    @Option(name: .long, help: "Last due date (YYYY-MM-DD).") var to: String
    @Option(name: .long, help: "provider, service or month.") var by: String = "provider"
    @Flag(name: .long, help: "CSV for spreadsheets.") var csv = false
    @Flag(name: .long, help: "JSON for programs.") var json = false

    func validate() throws {
        if json && csv { throw ValidationError("choose --json or --csv, not both") }
        guard ReportGrouping(rawValue: by.lowercased()) != nil else { throw ValidationError("--by must be provider, service or month") }
    }

    func run() throws {
        guard let start = CivilDate(iso: from), let end = CivilDate(iso: to), start <= end else {
            stderr("ehcsync: --from and --to must be YYYY-MM-DD dates, --from not after --to")
            throw Exit.usage
        }
        guard let grouping = ReportGrouping(rawValue: by.lowercased()) else {
            stderr("ehcsync: --by must be provider, service or month")
            throw Exit.usage
        }
        let config = try loadConfig(options)
        let now = try resolveNow(nowOption, zone: config.timeZone)
        let today = now.localDate(in: config.timeZone)
        let items = try AdviceQuery.list(try openStore(config), rules: config.adviceRules, today: today,
                                         dueSoonDays: config.notices.dueSoonDays)
        let rows = OnTimeReport.rows(records: items.map { ($0.state, $0.view) }, from: start, to: end, by: grouping, today: today)
        if json { print("[" + rows.map(\.json).joined(separator: ",\n") + "]"); return }
        if csv { print(ReportRow.csv(rows), terminator: ""); return }
        for line in ReportText.heading(from: start, to: end, today: today, by: grouping) { print(line) }
        print("")
        guard !rows.isEmpty else {
            print(ReportText.empty(from: start, to: end, today: today))
            return
        }
        print(AdviceTable.layout([ReportRow.columns] + rows.map(\.fields)))
        print(ReportText.total(OnTimeReport.total(rows)) + "\n")
        for line in ReportText.meaning { print(line) }
    }
}
