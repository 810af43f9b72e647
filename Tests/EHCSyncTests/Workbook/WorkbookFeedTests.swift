import EHCCore
import EHCSyncFuzzing
import Foundation
import Testing
@testable import EHCSync

/// SPEC §7 Workbooks end to end: an LA export saved from Excel dropped into a folder
/// feed with `format: xlsx`, read into a real store, its bad row listed by sheet row.
@Suite struct WorkbookFeedTests {
    static let now = "2026-10-12T09:00:00Z"
    static let today = "2026-10-12"

    static let mapping = """
        xlsx:
          sheet: Cases
          date_format: dd/MM/yyyy
          columns:
            request_id: Advice Ref
            case_ref: EHC Ref
            nhs_number: NHS No
            date_of_birth: DOB
            provider_ods: Provider ODS
            service: Service
            requested_on: Date Sent
            status: Status
            updated_at: Last Updated
          values:
            status: { Sent: requested }
            service: { "Speech & Language": salt, "Occupational Therapy": ot }
        """

    /// An export as Excel saves it: two empty rows above the header, shared
    /// strings, NHS numbers stored as numbers, date and date-time cells, a formula, and
    /// a first sheet that is not the one configured.
    static func export() -> [UInt8] {
        func s(_ ref: String, _ i: Int) -> String { "<c r=\"\(ref)\" t=\"s\"><v>\(i)</v></c>" }
        let strings = ["Advice Ref", "EHC Ref", "NHS No", "DOB", "Provider ODS", "Service", "Date Sent", "Status", "Last Updated",
                       "LA-2001", "EHC/26000", "RBT", "Speech & Language", "Sent", "LA-2002", "EHC/26001", "Occupational Therapy",
                       "Advice requests, October 2026", "LA-2003"]
        let rows = """
            <row r="3">\((0..<9).map { s("\(Character(UnicodeScalar(65 + $0)!))3", $0) }.joined())</row>
            <row r="4">\(s("A4", 9))\(s("B4", 10))<c r="C4"><v>9434765919</v></c><c r="D4" s="1"><v>42404</v></c>\(s("E4", 11))\
            \(s("F4", 12))<c r="G4" s="1"><v>46296</v></c>\(s("H4", 13))<c r="I4" s="2"><f>G4+0.38333333333333</f><v>46296.383333333331</v></c></row>
            <row r="5">\(s("A5", 14))\(s("B5", 15))<c r="C5"><v>9434765918</v></c><c r="D5" s="1"><v>42404</v></c>\(s("E5", 11))\
            \(s("F5", 16))<c r="G5" s="1"><v>46297</v></c>\(s("H5", 13))<c r="I5" s="2"><v>46297.5</v></c></row>
            <row r="6">\(s("A6", 18))\(s("B6", 15))<c r="C6" t="inlineStr"><is><t>999 000 0018</t></is></c><c r="D6" t="inlineStr"><is><t>01/05/2016</t></is></c>\
            \(s("E6", 11))\(s("F6", 16))<c r="G6" s="1"><v>46298</v></c>\(s("H6", 13))<c r="I6" s="1"><v>46298</v></c></row>
            """
        var fixture = WorkbookFixture(sheets: [("Notes", #"<row r="1"><c r="A1" t="inlineStr"><is><t>read me</t></is></c></row>"#),
                                               ("Cases", rows)])
        fixture.sharedStrings = strings
        fixture.numberFormats = [(164, "dd/mm/yyyy hh:mm")]
        fixture.cellStyles = [0, 14, 164]
        return fixture.bytes
    }

    @Test func excelExportInAFolderFeedIsStoredAndItsBadRowListedByRow() async throws {
        let place = try TestPlace()
        try place.configure([.la(format: "xlsx", mapping: Self.mapping)])
        try place.drop("October cases.xlsx", into: "la-cases", bytes: Data(Self.export()))
        let report = try await place.cycle(Self.now)
        #expect(report.feeds.first?.result?.filesApplied == 1,
                "\((try? place.text(place.rejected("la-cases") + "/October cases.xlsx.error.txt")) ?? "\(report)")")

        let records = try place.records(today: Self.today)
        #expect(records.keys.sorted() == ["LA-2001", "LA-2003"])
        let first = try #require(records["LA-2001"])
        #expect(first.state.value(.nhs_number) == "9434765919", "an NHS number stored as a number reads as its 10 digits")
        #expect(first.state.value(.date_of_birth) == "2016-02-04")
        #expect(first.state.value(.requested_on) == "2026-10-01")
        #expect(first.state.value(.service) == "salt")
        #expect(first.state.laStatus == .requested)
        #expect(first.view.dueOn?.description == "2026-11-12")
        #expect(records["LA-2003"]?.state.value(.date_of_birth) == "2016-05-01", "text dates read with date_format")
        let observed = try place.rows("SELECT request_id, line, updated_at FROM observation ORDER BY id")
        let nineTwelve = try TestPlace.timestamp("2026-10-01T08:12:00Z").millis  // 09:12 BST
        #expect(observed.map { Array($0.prefix(2)) } == [["LA-2001", "4"], ["LA-2003", "6"]])
        #expect(observed.first?[2] == String(nineTwelve), "a date-time cell is local time in the configured zone")

        let listed = try place.text(place.processed("la-cases", on: Self.today) + "/October cases.xlsx.errors.txt")
        let errors = listed.split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(errors == ["row 5: nhs_number (column 'NHS No'): is not a valid NHS number (10 digits with a Modulus 11 check digit)"],
                "\(listed)")
    }

    @Test func workbookThatCannotBeReadIsRejectedWithItsReason() async throws {
        let place = try TestPlace()
        try place.configure([.la(format: "xlsx", mapping: Self.mapping)])
        try place.drop("cases.xlsx", into: "la-cases", "Advice Ref,Status\nLA-1,Sent\n")
        var wrongSheet = WorkbookFixture(rows: WorkbookReaderTests.simpleRows)
        wrongSheet.sheets[0].name = "Sheet1"
        try place.drop("other.xlsx", into: "la-cases", bytes: Data(wrongSheet.bytes))
        let report = try await place.cycle(Self.now)
        #expect(report.feeds.first?.result?.filesRejected == 2)
        let reasons = try ["cases.xlsx", "other.xlsx"].map { try place.text(place.rejected("la-cases") + "/\($0).error.txt") }
        #expect(reasons[0].contains("the file is not an .xlsx workbook (not a zip file)"), "\(reasons[0])")
        #expect(reasons[1].contains("the file has no sheet named 'Cases' (xlsx.sheet); its sheets are 'Sheet1'"), "\(reasons[1])")
        #expect(try place.records(today: Self.today).isEmpty)
    }

    @Test func missingMappedColumnNamesTheXLSXBlock() async throws {
        let place = try TestPlace()
        try place.configure([.la(format: "xlsx", mapping: "xlsx: { columns: { case_ref: EHC Ref } }")])
        try place.drop("cases.xlsx", into: "la-cases", bytes: Data(WorkbookFixture(rows: #"<row r="1"><c r="A1" t="inlineStr"><is><t>Status</t></is></c></row>"#).bytes))
        try await place.cycle(Self.now)
        let reason = try place.text(place.rejected("la-cases") + "/cases.xlsx.error.txt")
        #expect(reason.contains("missing required columns: 'EHC Ref' (for case_ref) not in the header"), "\(reason)")
    }
}
