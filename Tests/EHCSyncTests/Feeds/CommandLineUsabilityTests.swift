import EHCCore
import Foundation
import Synchronization
import Testing
@testable import EHCSync

/// The command line as a person meets it: a readable `advice show`, options in any
/// case, conflicting output flags refused with 64, and a progress line on a terminal
/// only.
@Suite struct CommandLineUsabilityTests {
    static let now = "2026-03-10T09:00:00Z"

    static func place() async throws -> TestPlace {
        let place = try TestPlace()
        try place.configure([.la(), .provider()])
        try place.drop("cases.csv", into: "la-cases", SampleExport.laCSV([SampleExport.laRow("LA-1")]))
        try place.drop("trust.ndjson", into: "trust", SampleExport.ndjsonLine([
            "request_id": "LA-1", "status": "in_progress", "received_on": "2026-03-03", "updated_at": "2026-03-04T11:30:00Z",
        ]) + "\n")
        try await place.cycle(Self.now)
        return place
    }

    @Test func adviceShowPrintsOneLinePerChangeInLocalTime() async throws {
        let place = try await Self.place()
        let result = try EHCSyncBinary.run(["advice", "show", "LA-1", "--config", place.configPath, "--now", Self.now])
        #expect(result.status == 0, "\(result)")
        let out = result.stdout
        #expect(!out.contains("[{"), "no raw JSON arrays: \(out)")
        #expect(out.contains("2026-03-10 09:00 GMT  la-cases  cases.csv line 2  created"), "\(out)")
        #expect(out.contains("      case_ref (LA): (none) → EHC/LA-1"), "\(out)")
        #expect(out.contains("      LA status: (none) → requested"), "\(out)")
        #expect(out.contains("trust  trust.ndjson line 1"), "\(out)")
        #expect(out.contains("      provider status: (none) → in_progress"), "\(out)")
        let json = try EHCSyncBinary.run(["advice", "show", "LA-1", "--json", "--config", place.configPath, "--now", Self.now])
        #expect((try json.json() as? [String: Any])?["history"] is [Any], "JSON stays with --json")
    }

    @Test(arguments: [["advice", "list", "--state", "Overdue"], ["advice", "list", "--state", "DUE_SOON"],
                      ["report", "--from", "2026-01-01", "--to", "2026-03-31", "--by", "Service"],
                      ["digest", "--format", "HTML"]])
    func enumOptionsTakeAnyCase(arguments: [String]) async throws {
        let place = try await Self.place()
        let result = try EHCSyncBinary.run(arguments + ["--config", place.configPath, "--now", Self.now])
        #expect(result.status == 0, "\(result)")
    }

    @Test(arguments: [["advice", "list", "--json", "--csv"], ["report", "--from", "2026-01-01", "--to", "2026-03-31", "--csv", "--json"],
                      ["advice", "list", "--state", "soon"], ["report", "--from", "2026-01-01", "--to", "2026-03-31", "--by", "ward"]])
    func conflictingOrUnknownOptionsAreUsageErrors(arguments: [String]) async throws {
        let place = try await Self.place()
        let result = try EHCSyncBinary.run(arguments + ["--config", place.configPath, "--now", Self.now])
        #expect(result.status == 64, "\(result)")
        #expect(result.stdout.isEmpty)
    }

    @Test func progressIsNeverWrittenWhenStderrIsNotATerminal() async throws {
        let place = try TestPlace()
        try place.configure([.la()])
        try place.drop("cases.csv", into: "la-cases", SampleExport.laCSV((1...2000).map { SampleExport.laRow("LA-\($0)") }))
        let result = try EHCSyncBinary.run(["sync", "--config", place.configPath, "--now", Self.now])
        #expect(result.status == 0, "\(result)")
        #expect(!result.stderr.contains("\r") && !result.stderr.contains("rows/s"), "\(result.stderr)")
        #expect(FeedProgress.forTerminal(environment: [:], stderrIsTerminal: false) == nil)
        #expect(FeedProgress.forTerminal(environment: ["INVOCATION_ID": "abc"], stderrIsTerminal: true) == nil, "never under systemd")
        #expect(FeedProgress.forTerminal(environment: ["JOURNAL_STREAM": "8:123"], stderrIsTerminal: true) == nil)
        #expect(FeedProgress.forTerminal(environment: [:], stderrIsTerminal: true) != nil)
    }

    @Test func progressLinesSayFileRowsRateAndShareAtMostFourTimesASecond() {
        let written = Mutex<[String]>([])
        let clock = Mutex(0.0)
        let progress = FeedProgress(write: { line in written.withLock { $0.append(line) } }, clock: { clock.withLock { $0 } })
        progress.file(feed: "la-cases", name: "big.csv", bytesRead: 1 << 20, size: 10 << 20, rows: 10_000)
        #expect(written.withLock { $0 }.isEmpty, "nothing in a file's first second")
        clock.withLock { $0 = 2.0 }
        progress.file(feed: "la-cases", name: "big.csv", bytesRead: 4 << 20, size: 10 << 20, rows: 40_000)
        clock.withLock { $0 = 2.1 }
        progress.file(feed: "la-cases", name: "big.csv", bytesRead: 5 << 20, size: 10 << 20, rows: 50_000)
        #expect(written.withLock { $0 } == ["\r\u{1B}[Kla-cases: big.csv: 40,000 rows, 20,000 rows/s, 40%"])
        clock.withLock { $0 = 2.5 }
        progress.page(feed: "trust-api", page: 12, rows: 1_200)
        clock.withLock { $0 = 3.6 }
        progress.page(feed: "trust-api", page: 30, rows: 3_000)
        progress.finish()
        #expect(written.withLock { $0 }.last == "\n")
        #expect(written.withLock { $0 }.contains("\r\u{1B}[Ktrust-api: page 30: 3,000 records, 2,727 records/s"))
    }
}
