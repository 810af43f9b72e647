import EHCCore
import Foundation
import Testing
@testable import EHCSync

/// SPEC §7's "nothing is dropped quietly": rejected files, skipped rows and files a
/// feed's pattern never takes are logged once at warning level, make the feed
/// `degraded` in `status` (with counts and each file's first reason), reach the
/// digest's feed health and the metrics, and say how to fix what can be recognised.
@Suite struct NothingDroppedQuietlyTests {
    static let now = "2026-03-10T09:00:00Z"

    @Test func rejectedFilesAndSkippedRowsAreWarningsAndMakeTheFeedDegraded() async throws {
        let place = try TestPlace()
        try place.configure([.la()])
        try place.drop("good.csv", into: "la-cases", SampleExport.laCSV([SampleExport.laRow("LA-1")]))
        try await place.cycle("2026-03-09T09:00:00Z")
        #expect(try Self.health(place, now: "2026-03-09T09:00:00Z").state == .ok)

        try place.drop("rows.csv", into: "la-cases", SampleExport.laCSV([
            SampleExport.laRow("LA-2"), SampleExport.laRow("LA-3", nhs: SampleExport.badCheckDigit),
            SampleExport.laRow("LA-4", requestedOn: "2026-02-31"),
        ]))
        try place.drop("broken.csv", into: "la-cases", "case_ref,status\nEHC/1,requested\n")
        let logs = LogCapture()
        try await place.cycle(Self.now, logger: logs.logger)

        let warnings = logs.messages(at: .warning)
        #expect(warnings.contains { $0.contains("broken.csv: rejected, nothing of it applied: missing required columns") }, "\(warnings)")
        #expect(warnings.contains { $0.contains("rows.csv: 2 rows skipped") && $0.contains("the first: line 3: nhs_number") }, "\(warnings)")
        #expect(warnings.contains { $0.hasPrefix("feed la-cases: 1 files applied") }, "the poll's summary is a warning too")
        #expect(!warnings.joined().contains(SampleExport.badCheckDigit), "no NHS number in the log")

        let health = try Self.health(place, now: Self.now)
        #expect(health.state == .degraded)
        #expect(health.problems.rejectedFiles == 1 && health.problems.rowErrors == 2 && health.problems.ignoredFiles == 0)
        let problems = health.problems.problems
        #expect(problems.map(\.kind) == [.rejected, .rowErrors])
        #expect(problems.map(\.file) == ["broken.csv", "rows.csv"])
        #expect(problems.last?.count == 2)
        #expect(problems.last?.reason.hasPrefix("line 3: nhs_number") == true)
        #expect(health.json.contains("\"state\":\"degraded\""))
        #expect(health.json.contains("\"rejected_files\":1,\"row_errors\":2,\"ignored_files\":0"))

        // The next clean file ends the degraded state; the digest still names the
        // files since its last day, so a bad export between two digests is seen.
        try place.drop("next.csv", into: "la-cases", SampleExport.laCSV([SampleExport.laRow("LA-5")]))
        try await place.cycle("2026-03-10T10:00:00Z")
        #expect(try Self.health(place, now: "2026-03-10T10:00:00Z").state == .ok)
        let input = try NoticeCycle(config: try #require(place.config), db: place.store())
            .digestInput(recipient: "dco", date: try #require(CivilDate(iso: "2026-03-10")), now: try TestPlace.timestamp("2026-03-10T10:00:00Z"))
        let feed = try #require(input.feeds.first)
        #expect(feed.problems.map(\.file) == ["broken.csv", "rows.csv"])
        #expect(feed.state == .ok)
        // The digest a DCO reads names each file and its first reason.
        let text = DigestBuilder.build(input).text()
        #expect(text.contains("broken.csv") && text.contains("missing required columns"), "\(text)")
        #expect(text.contains("rows.csv") && text.contains("line 3: nhs_number"), "\(text)")
    }

    @Test func aWorkbookBesideCSVFilesIsCountedAndLoggedOnceWithItsFix() async throws {
        let place = try TestPlace()
        try place.configure([FeedSpec(name: "la-cases", role: "la", format: "csv", pattern: "*.csv")])
        try place.drop("LA export.xlsx", into: "la-cases", bytes: Data(RejectionHint.zipMagic + [0, 0, 0, 0]))
        try place.drop("notes.txt", into: "la-cases", "read me")
        try place.drop(".hidden.csv", into: "la-cases", "hidden files are never taken, and not strays either")
        let logs = LogCapture()
        try await place.cycle(Self.now, logger: logs.logger)
        try await place.cycle("2026-03-10T09:05:00Z", logger: logs.logger)

        let strays = logs.messages(at: .warning).filter { $0.contains("never taken:") }
        #expect(strays.count == 2, "each stray is logged once, not every poll: \(strays)")
        #expect(strays.contains { $0.contains("LA export.xlsx") && $0.contains("an Excel workbook (.xlsx)") && $0.contains("format: xlsx") })
        let health = try Self.health(place, now: "2026-03-10T09:05:00Z")
        #expect(health.problems.ignoredFiles == 2)
        #expect(health.problems.problems.map(\.file) == ["LA export.xlsx", "notes.txt"])
        #expect(health.state == .ok, "a stray does not make the feed degraded, but it is counted and named")
        #expect(health.digestFeed.needsAttention)

        try FileManager.default.removeItem(atPath: place.folder("la-cases") + "/notes.txt")
        try await place.cycle("2026-03-10T09:10:00Z")
        #expect(try Self.health(place, now: "2026-03-10T09:10:00Z").problems.ignoredFiles == 1, "a stray that goes is forgotten")
    }

    @Test func aWorkbookSavedAsCSVIsRejectedWithItsFix() async throws {
        let place = try TestPlace()
        try place.configure([.la()])
        try place.drop("export.csv", into: "la-cases", bytes: Data(RejectionHint.zipMagic + Array("[Content_Types].xml".utf8)))
        try await place.cycle(Self.now)
        let reason = try place.text(place.rejected("la-cases") + "/export.csv.error.txt")
        #expect(reason.contains("this is an Excel workbook (.xlsx), not csv text: set format: xlsx"), "\(reason)")
        #expect(try Self.health(place, now: Self.now).problems.problems.first?.reason.contains("Excel workbook") == true)
    }

    @Test func aHeaderThatSplitsOnAnotherDelimiterSaysWhichOne() async throws {
        let place = try TestPlace()
        try place.configure([.la()])
        let semicolons = SampleExport.laCSV([SampleExport.laRow("LA-1")]).replacingOccurrences(of: ",", with: ";")
        try place.drop("export.csv", into: "la-cases", semicolons)
        try await place.cycle(Self.now)
        let reason = try place.text(place.rejected("la-cases") + "/export.csv.error.txt")
        #expect(reason.contains("the header splits into 9 columns on \";\": set csv.delimiter: \";\""), "\(reason)")
    }

    @Test func aDayFirstDateWithoutADateFormatSaysWhichFormatReadsIt() async throws {
        let place = try TestPlace()
        try place.configure([.la()])
        try place.drop("export.csv", into: "la-cases", SampleExport.laCSV([SampleExport.laRow("LA-1", requestedOn: "13/03/2026")]))
        try await place.cycle(Self.now)
        let listed = try place.text(place.processed("la-cases", on: "2026-03-10") + "/export.csv.errors.txt")
        #expect(listed.contains("line 2: requested_on") && listed.contains("it would read with date_format: d/M/yyyy"), "\(listed)")
    }

    @Test func theMetricsFileCountsEachFeedsProblems() async throws {
        let place = try TestPlace()
        let config = try place.configure([.la()])
        try place.drop("broken.csv", into: "la-cases", "case_ref\nEHC/1\n")
        try place.drop("LA export.xlsx", into: "la-cases", "not taken")
        try await place.cycle(Self.now)
        let figures = try ServiceFigures.read(place.store(), config: config, now: TestPlace.timestamp(Self.now), countAdvice: true,
                                              previous: ServiceFigures())
        let text = MetricsText.render(figures)
        #expect(text.contains("ehcsync_feed_rejected_files{feed=\"la-cases\"} 1"), "\(text)")
        #expect(text.contains("ehcsync_feed_row_errors{feed=\"la-cases\"} 0"))
        #expect(text.contains("ehcsync_feed_ignored_files{feed=\"la-cases\"} 1"))
        #expect(text.contains("ehcsync_feed_degraded{feed=\"la-cases\"} 1"))
        #expect(figures.statusLine().contains("1 degraded"))
    }

    @Test func statusSaysDegradedWithCountsAndReasonsAsTextAndJSON() async throws {
        let place = try TestPlace()
        try place.configure([.la()])
        try place.drop("rows.csv", into: "la-cases", SampleExport.laCSV([
            SampleExport.laRow("LA-1"), SampleExport.laRow("LA-2", nhs: SampleExport.badCheckDigit),
        ]))
        try await place.cycle(Self.now)
        let json = try EHCSyncBinary.run(["status", "--config", place.configPath, "--json", "--now", Self.now])
        #expect(json.status == 0, "\(json)")
        let object = try #require(try json.json() as? [String: Any])
        let feed = try #require((object["feeds"] as? [[String: Any]])?.first)
        #expect(feed["state"] as? String == "degraded")
        #expect(feed["rejected_files"] as? Int == 0 && feed["row_errors"] as? Int == 1 && feed["ignored_files"] as? Int == 0)
        let flags = try #require(object["flags"] as? [String: Int])
        #expect(flags == ["disputed": 0, "exception": 0])
        let states = try #require(object["advice"] as? [String: Int])
        #expect(states["disputed"] == nil, "disputed is a flag, not a state")
        #expect(states.values.reduce(0, +) == 1, "the states add up to the records")

        let text = try EHCSyncBinary.run(["status", "--config", place.configPath, "--now", Self.now])
        #expect(text.stdout.contains("degraded"))
        #expect(text.stdout.contains("rows.csv: 1 row skipped: line 3: nhs_number"), "\(text.stdout)")
        #expect(text.stdout.contains("Advice (1 records)"))
        #expect(text.stdout.contains("Flags (beside the state): 0 disputed"))
    }

    static func health(_ place: TestPlace, now: String) throws -> FeedHealth {
        let config = try #require(place.config)
        let feeds = try StatusQuery.feeds(place.store(), configured: config.feeds.map { ($0.name, $0.role) },
                                          now: TestPlace.timestamp(now), staleAfterSeconds: config.staleAfterSeconds)
        return try #require(feeds.first)
    }
}
