import EHCCore
import Foundation
import Testing
@testable import EHCSync

/// SPEC §7, what becomes of a taken file: applied and moved to `processed/DATE/`,
/// rejected whole to `rejected/` with `NAME.error.txt`, row errors listed in
/// `NAME.errors.txt`; the same content again is a no-op; an older file never
/// overwrites a newer one (§4 rule 2).
@Suite struct FolderOutcomeTests {
    static let now = "2026-03-10T09:00:00Z"
    static let today = "2026-03-10"

    @Test(arguments: [
        ("2026-06-30T23:30:00Z", "2026-07-01"),  // BST: already tomorrow in London
        ("2026-01-15T23:30:00Z", "2026-01-15"),  // GMT: still today
        ("2026-03-29T00:30:00Z", "2026-03-29"),  // the night the clocks go forward
        ("2026-10-24T23:15:00Z", "2026-10-25"),  // the night they go back
    ])
    func appliedFileMovesToProcessedUnderTheRunsLondonDate(now: String, londonDate: String) async throws {
        let place = try TestPlace()
        try place.configure([.la()])
        try place.drop("cases.csv", into: "la-cases", SampleExport.laCSV([SampleExport.laRow("LA-1")]))
        try await place.cycle(now)
        #expect(place.names(in: place.folder("la-cases") + "/processed") == [londonDate])
        #expect(place.names(in: place.processed("la-cases", on: londonDate)) == ["cases.csv"])
        #expect(!place.exists(place.folder("la-cases") + "/cases.csv"))
        #expect(try place.sourceFileOutcomes("cases.csv") == ["applied"])
    }

    /// Files that cannot be read as a whole. Each holds good rows before the fault, so
    /// a half-applied file would show in the store.
    enum WholeFileFault: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case mappedRequestIDColumnMissing, invalidUTF8DeclaredUTF8, truncatedJSON

        var testDescription: String { rawValue }

        var feed: FeedSpec {
            switch self {
            case .mappedRequestIDColumnMissing:
                return .la(mapping: "csv:\n  columns: { request_id: \"Advice Ref\", case_ref: \"EHC Ref\" }")
            case .invalidUTF8DeclaredUTF8:
                return .la(mapping: "csv:\n  encoding: utf-8")
            case .truncatedJSON:
                return .la(format: "json")
            }
        }

        var fileName: String { self == .truncatedJSON ? "cases.json" : "cases.csv" }

        /// A good first file: LA-1.
        var baseline: Data {
            switch self {
            case .mappedRequestIDColumnMissing:
                return Data("Advice Ref,EHC Ref,requested_on,updated_at\nLA-1,EHC/1,2026-03-02,2026-03-02T10:00:00Z\n".utf8)
            case .invalidUTF8DeclaredUTF8:
                return Data(SampleExport.laCSV([SampleExport.laRow("LA-1", caseRef: "EHC/1")]).utf8)
            case .truncatedJSON:
                return Data(#"[{"request_id":"LA-1","case_ref":"EHC/1","requested_on":"2026-03-02","updated_at":"2026-03-02T10:00:00Z"}]"#.utf8)
            }
        }

        /// The faulty file: it would change LA-1 and add LA-2 and LA-3.
        var faulty: Data {
            switch self {
            case .mappedRequestIDColumnMissing:
                return Data("Ref,EHC Ref,requested_on,updated_at\nLA-1,EHC/1-NEW,2026-03-03,2026-03-05T10:00:00Z\nLA-2,EHC/2,2026-03-03,2026-03-05T10:00:00Z\n".utf8)
            case .invalidUTF8DeclaredUTF8:
                var data = Data(SampleExport.laCSV([
                    SampleExport.laRow("LA-1", caseRef: "EHC/1-NEW", updatedAt: "2026-03-05T10:00:00Z"),
                    SampleExport.laRow("LA-2", updatedAt: "2026-03-05T10:00:00Z"),
                ]).utf8)
                data.append(Data("LA-3,EHC/".utf8) + Data([0xC3, 0x28, 0xFF]) + Data(",9990000018,2016-05-01,RBT,salt,2026-03-02,requested,2026-03-05T10:00:00Z\n".utf8))
                return data
            case .truncatedJSON:
                return Data("""
                    [
                      {"request_id":"LA-1","case_ref":"EHC/1-NEW","requested_on":"2026-03-02","updated_at":"2026-03-05T10:00:00Z"},
                      {"request_id":"LA-2","case_ref":"EHC/2","requested_on":"2026-03-02","updated_at":"2026-03-05T10:00:00Z"},
                      {"request_id":"LA-3","case_ref":"EHC/3","requested_on":
                    """.utf8)
            }
        }

        /// Words the `NAME.error.txt` must hold.
        var reason: String {
            switch self {
            case .mappedRequestIDColumnMissing: return "Advice Ref"
            case .invalidUTF8DeclaredUTF8: return "UTF-8"
            case .truncatedJSON: return "JSON"
            }
        }
    }

    @Test(arguments: WholeFileFault.allCases)
    func wholeFileFaultRejectsTheFileAndAppliesNothingOfIt(_ fault: WholeFileFault) async throws {
        let place = try TestPlace()
        try place.configure([fault.feed])
        try place.drop("baseline-" + fault.fileName, into: "la-cases", bytes: fault.baseline)
        try await place.cycle("2026-03-09T09:00:00Z")
        #expect(try place.records(today: Self.today).keys.sorted() == ["LA-1"], "the baseline file applies")
        let before = try place.appliedState()

        try place.drop(fault.fileName, into: "la-cases", bytes: fault.faulty)
        let report = try await place.cycle(Self.now)
        #expect(report.feeds.first?.result?.filesRejected == 1)
        #expect(report.feeds.first?.error == nil, "a bad file is the file's problem, not the feed's")
        #expect(try place.appliedState() == before, "nothing of a rejected file is applied")
        #expect(try place.records(today: Self.today)["LA-1"]?.state.value(.case_ref) == "EHC/1")

        let rejected = place.rejected("la-cases")
        #expect(place.names(in: rejected) == [fault.fileName, fault.fileName + ".error.txt"])
        let data = try Data(contentsOf: URL(fileURLWithPath: rejected + "/" + fault.fileName))
        #expect(data == fault.faulty, "the rejected file is kept as it came")
        let reason = try place.text(rejected + "/" + fault.fileName + ".error.txt")
        #expect(reason.contains(fault.reason), "error.txt says why: \(reason)")
        #expect(!place.exists(place.folder("la-cases") + "/" + fault.fileName))
        #expect(!place.names(in: place.processed("la-cases", on: Self.today)).contains(fault.fileName))
        #expect(!place.names(in: place.processed("la-cases", on: Self.today)).contains(fault.fileName + ".errors.txt"))
        #expect(try place.sourceFileOutcomes(fault.fileName) == ["rejected"])
    }

    @Test func rowErrorsAreListedWithTheirLinesWhileTheGoodRowsApply() async throws {
        let place = try TestPlace()
        try place.configure([.la()])
        try place.drop("cases.csv", into: "la-cases", SampleExport.laCSV([
            SampleExport.laRow("LA-1"),                                        // line 2
            SampleExport.laRow("LA-2", nhs: SampleExport.badCheckDigit),       // line 3: check digit
            SampleExport.laRow("LA-3", requestedOn: "2026-02-31"),             // line 4: no 31 February
            SampleExport.laRow("LA-4", nhs: SampleExport.nhs[3]),              // line 5
            SampleExport.laRow("LA-5", status: "submitted"),                   // line 6: a provider's status
            SampleExport.laRow("LA-6", service: "salt"),                       // line 7
        ]))
        let report = try await place.cycle(Self.now)
        #expect(report.feeds.first?.result?.filesApplied == 1)
        #expect(report.feeds.first?.result?.rowsFailed == 3)
        #expect(try place.records(today: Self.today).keys.sorted() == ["LA-1", "LA-4", "LA-6"])

        let processed = place.processed("la-cases", on: Self.today)
        #expect(place.names(in: processed) == ["cases.csv", "cases.csv.errors.txt"])
        let listed = try place.text(processed + "/cases.csv.errors.txt")
        let lines = listed.split(separator: "\n").filter { !$0.hasPrefix("#") }.map(String.init)
        #expect(lines.count == 3, "\(listed)")
        #expect(lines.count == 3 && lines[0].hasPrefix("line 3: nhs_number"), "\(listed)")
        #expect(lines.count == 3 && lines[1].hasPrefix("line 4: requested_on"), "\(listed)")
        #expect(lines.count == 3 && lines[2].hasPrefix("line 6: status"), "\(listed)")
        #expect(!listed.contains(SampleExport.badCheckDigit), "an NHS number is never echoed into the list")
        let counts = try place.rows("SELECT rows_read, rows_applied, rows_failed FROM source_file WHERE name = 'cases.csv'")
        #expect(counts == [["6", "3", "3"]])
    }

    @Test func cleanFileLeavesNoErrorsList() async throws {
        let place = try TestPlace()
        try place.configure([.la()])
        try place.drop("cases.csv", into: "la-cases", SampleExport.laCSV([SampleExport.laRow("LA-1")]))
        try await place.cycle(Self.now)
        #expect(place.names(in: place.processed("la-cases", on: Self.today)) == ["cases.csv"])
    }

    /// Exports that reuse one file name (`cases.csv` every few minutes) land beside each
    /// other as `cases.csv`, `cases-2.csv` …; each one's row errors must be its own.
    @Test func secondFileWithTheSameNameKeepsItsOwnErrorsList() async throws {
        let place = try TestPlace()
        try place.configure([.la()])
        try place.drop("cases.csv", into: "la-cases", SampleExport.laCSV([
            SampleExport.laRow("LA-1"),
            SampleExport.laRow("LA-2", nhs: SampleExport.badCheckDigit),  // line 3
        ]))
        try await place.cycle("2026-03-10T09:00:00Z")
        try place.drop("cases.csv", into: "la-cases", SampleExport.laCSV([
            SampleExport.laRow("LA-1", updatedAt: "2026-03-10T09:30:00Z"),
            SampleExport.laRow("LA-3"),
            SampleExport.laRow("LA-4", requestedOn: "2026-13-01"),          // line 4
        ]))
        try await place.cycle("2026-03-10T10:00:00Z")

        let processed = place.processed("la-cases", on: Self.today)
        #expect(place.names(in: processed).filter { !$0.hasSuffix(".errors.txt") } == ["cases-2.csv", "cases.csv"])
        let first = try place.text(processed + "/cases.csv.errors.txt")
        #expect(first.contains("line 3: nhs_number"), "the first file's list still lists its own row:\n\(first)")
        #expect(!first.contains("line 4"), "the first file's list names a row of the second file:\n\(first)")
        let second = place.names(in: processed).filter { $0.hasPrefix("cases-2") && $0.hasSuffix(".errors.txt") }
        #expect(second == ["cases-2.csv.errors.txt"], "the second file's row errors are listed beside it")
        if let name = second.first {
            #expect(try place.text(processed + "/" + name).contains("line 4: requested_on"))
        }
    }

    @Test func sameContentUnderAnotherNameIsANoOp() async throws {
        let place = try TestPlace()
        try place.configure([.la()])
        let content = SampleExport.laCSV([SampleExport.laRow("LA-1"), SampleExport.laRow("LA-2")])
        try place.drop("monday.csv", into: "la-cases", content)
        try await place.cycle("2026-03-09T09:00:00Z")
        try place.drop("tuesday.csv", into: "la-cases", SampleExport.laCSV([
            SampleExport.laRow("LA-1", caseRef: "EHC/1-B", updatedAt: "2026-03-09T12:00:00Z"),
        ]))
        try await place.cycle("2026-03-09T13:00:00Z")
        let before = try place.appliedState()

        // Monday's export again, renamed: even its (now stale) rows must not be read.
        try place.drop("monday-copy.csv", into: "la-cases", content)
        let report = try await place.cycle(Self.now)
        #expect(report.feeds.first?.result?.filesDuplicate == 1)
        #expect(report.feeds.first?.result?.rowsRead == 0)
        #expect(try place.appliedState() == before)
        #expect(place.names(in: place.processed("la-cases", on: Self.today)) == ["monday-copy.csv"])
        #expect(!place.exists(place.folder("la-cases") + "/monday-copy.csv"))
        #expect(try place.sourceFileOutcomes("monday-copy.csv") == ["duplicate"])
        #expect(try place.records(today: Self.today)["LA-1"]?.state.value(.case_ref) == "EHC/1-B")
    }

    @Test func olderFileAfterANewerOneIsStaleAndDoesNotOverwrite() async throws {
        let place = try TestPlace()
        try place.configure([.la()])
        try place.drop("newer.csv", into: "la-cases", SampleExport.laCSV([
            SampleExport.laRow("LA-1", caseRef: "EHC/NEW", status: "returned", updatedAt: "2026-03-05T10:00:00Z"),
        ]))
        try await place.cycle("2026-03-09T09:00:00Z")
        try place.drop("older.csv", into: "la-cases", SampleExport.laCSV([
            SampleExport.laRow("LA-1", caseRef: "EHC/OLD", status: "requested", updatedAt: "2026-03-01T10:00:00Z"),
            SampleExport.laRow("LA-2", updatedAt: "2026-03-01T10:00:00Z"),
        ]))
        let report = try await place.cycle(Self.now)
        #expect(report.feeds.first?.result?.counts.stale == 1)

        let records = try place.records(today: Self.today)
        #expect(records["LA-1"]?.state.value(.case_ref) == "EHC/NEW")
        #expect(records["LA-1"]?.state.laStatus == .returned)
        #expect(records["LA-2"] != nil, "the other rows of the older file still apply")
        let outcomes = try place.rows("SELECT source, line, outcome FROM observation WHERE request_id = 'LA-1' ORDER BY id")
        #expect(outcomes == [["newer.csv", "2", "created"], ["older.csv", "2", "stale"]])
        #expect(try place.conflicts().isEmpty, "a stale row is not a regression")
    }

    @Test func missingDropFolderFailsItsOwnFeedOnly() async throws {
        let place = try TestPlace()
        let config = try place.configure([.la(), .provider()])
        try FileManager.default.removeItem(atPath: place.folder("trust"))
        try place.drop("cases.csv", into: "la-cases", SampleExport.laCSV([SampleExport.laRow("LA-1")]))
        let report = try await place.cycle(Self.now)
        #expect(report.feeds.map(\.name) == ["la-cases", "trust"])
        #expect(report.feeds.first?.error == nil)
        #expect(report.feeds.last?.error?.contains(place.folder("trust")) == true, "\(report.feeds.last?.error ?? "no error")")
        #expect(try place.records(today: Self.today).keys.sorted() == ["LA-1"], "the other feed kept flowing")

        let health = try StatusQuery.report(try place.store(), config: config, now: try TestPlace.timestamp(Self.now)).feeds
        #expect(health.map(\.state) == [.ok, .failing])
        #expect(health.last?.consecutiveFailures == 1)
        try await place.cycle(Self.now)
        let again = try StatusQuery.report(try place.store(), config: config, now: try TestPlace.timestamp(Self.now)).feeds
        #expect(again.last?.consecutiveFailures == 2)
    }
}
