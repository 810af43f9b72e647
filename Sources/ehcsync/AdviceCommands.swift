import ArgumentParser
import EHCCore
import EHCSync
import Foundation

struct Advice: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List and show advice records.", subcommands: [List.self, Show.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Advice records by state (default: not closed or cancelled).")
        @OptionGroup var options: ConfigOptions
        @OptionGroup var nowOption: NowOption
        @Option(name: .long, help: "open|due_soon|overdue|answered|closed|cancelled|disputed|all") var state: String?
        @Flag(name: .long, help: "JSON for programs.") var json = false
        @Flag(name: .long, help: "CSV for spreadsheets.") var csv = false

        /// `--state` as asked, in any case (`Overdue`, `DUE_SOON`).
        var filter: String? { state?.lowercased() }

        func validate() throws {
            if let filter, !AdviceQuery.filterWords.contains(filter) {
                throw ValidationError("--state must be one of \(AdviceQuery.filterWords.joined(separator: ", "))")
            }
            if json && csv { throw ValidationError("choose --json or --csv, not both") }
        }

        func run() throws {
            let config = try loadConfig(options)
            let now = try resolveNow(nowOption, zone: config.timeZone)
            let items = try AdviceQuery.list(try openStore(config), rules: config.adviceRules,
                                             today: now.localDate(in: config.timeZone), dueSoonDays: config.notices.dueSoonDays)
                .filter { AdviceQuery.matches($0, filter: filter) }
            if json {
                print("[" + items.map { $0.json() }.joined(separator: ",\n") + "]")
            } else if csv {
                print(CSVText.line(AdviceListItem.csvHeader))
                for item in items { print(CSVText.line(item.csvRow)) }
            } else {
                print(AdviceTable.render(items))
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One record: every observation and change in order, its conflicts.")
        @OptionGroup var options: ConfigOptions
        @OptionGroup var nowOption: NowOption
        @Argument(help: "The LA's request_id.") var requestID: String
        @Flag(name: .long, help: "JSON for programs.") var json = false

        func run() throws {
            let config = try loadConfig(options)
            let now = try resolveNow(nowOption, zone: config.timeZone)
            let db = try openStore(config)
            guard let history = try AdviceHistory.load(db, requestID: requestID, rules: config.adviceRules,
                                                       today: now.localDate(in: config.timeZone),
                                                       dueSoonDays: config.notices.dueSoonDays) else {
                stderr("ehcsync: no advice request \(requestID) in the store")
                throw Exit.badInput
            }
            print(json ? history.json : history.text(in: config.timeZone))
        }
    }
}

struct Conflicts: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List and resolve conflicts.", subcommands: [List.self, Resolve.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Open conflicts (with --all, resolved ones too).")
        @OptionGroup var options: ConfigOptions
        @Flag(name: .long, help: "JSON for programs.") var json = false
        @Flag(name: .long, help: "Include resolved conflicts.") var all = false

        func run() throws {
            let config = try loadConfig(options)
            let items = try ConflictQuery.list(try openStore(config), includeResolved: all)
            if json { print("[" + items.map(\.json).joined(separator: ",\n") + "]"); return }
            if items.isEmpty { print(all ? "No conflicts." : "No open conflicts."); return }
            for c in items {
                print("#\(c.id)  \(c.kind)  \(c.requestID ?? "-")  \(c.field ?? "")  [\(c.status)]  opened \(c.openedAt)")
                print("      \(c.detail)")
                if let note = c.closeNote { print("      closed: \(note)") }
            }
        }
    }

    struct Resolve: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Close a conflict by hand, with a note kept in the audit trail.")
        @OptionGroup var options: ConfigOptions
        @OptionGroup var nowOption: NowOption
        @Argument(help: "The conflict's id.") var id: Int64
        @Option(name: .long, help: "Why it is resolved (kept in the audit trail).") var note: String

        func run() throws {
            let config = try loadConfig(options)
            let now = try resolveNow(nowOption, zone: config.timeZone)
            guard !note.trimmingCharacters(in: .whitespaces).isEmpty else {
                stderr("ehcsync: --note must say why")
                throw Exit.usage
            }
            switch try ConflictQuery.resolve(try openStore(config), id: id, note: note, now: now) {
            case .resolved: print("Conflict \(id) resolved.")
            case .alreadyResolved:
                stderr("ehcsync: conflict \(id) is already resolved")
                throw Exit.badInput
            case .notFound:
                stderr("ehcsync: no conflict \(id)")
                throw Exit.badInput
            }
        }
    }
}
