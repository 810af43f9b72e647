import EHCCore
import Foundation
import Testing
@testable import EHCSync

/// SPEC §3 and §7 through a real drop folder: exports as LA case systems and Excel
/// write them (Windows-1252, `dd/MM/yyyy`, local column names, quoted line breaks),
/// and JSON and NDJSON provider feeds.
@Suite struct FeedFormatTests {
    static let now = "2026-03-10T09:00:00Z"
    static let today = "2026-03-10"

    static let excelMapping = """
        csv:
          encoding: windows-1252
          date_format: dd/MM/yyyy
          columns:
            request_id: "Advice Ref"
            case_ref: "EHC Ref"
            nhs_number: "NHS No"
            date_of_birth: "DOB"
            given_name: "Forename"
            family_name: "Surname"
            provider_ods: "Provider ODS"
            service: "Service"
            requested_on: "Date Sent"
            status: "Status"
            updated_at: "Last Updated"
          values:
            status: { Sent: requested, Cancelled: cancelled }
            service: { "Speech & Language": salt, "Occupational Therapy": ot }
        """

    @Test func windows1252ExportWithLocalColumnsAndDayFirstDatesApplies() async throws {
        let place = try TestPlace()
        try place.configure([.la(mapping: Self.excelMapping)])
        let text = [
            "Advice Ref,EHC Ref,NHS No,DOB,Forename,Surname,Provider ODS,Service,Date Sent,Status,Last Updated",
            "LA-1,EHC/1,999 000 0018,01/05/2016,Zoë,O’Neill,RBT,Speech & Language,05/03/2026,Sent,06/03/2026",
            "LA-2,EHC/2,999 000 0026,02/06/2017,Siân,Brontë,RBT,Occupational Therapy,31/02/2026,Sent,06/03/2026",
            "LA-3,EHC/3,9990000034,29/02/2016,Chloé,Nowak,RBT,Occupational Therapy,09/03/2026,Cancelled,09/03/2026",
        ].joined(separator: "\r\n") + "\r\n"
        let bytes = try #require(text.data(using: .windowsCP1252))
        #expect(bytes.contains(0x92) && bytes.contains(0xEB), "the test file really is Windows-1252")
        try place.drop("export.csv", into: "la-cases", bytes: bytes)
        let report = try await place.cycle(Self.now)
        #expect(report.feeds.first?.result?.filesApplied == 1)

        let records = try place.records(today: Self.today)
        #expect(records.keys.sorted() == ["LA-1", "LA-3"])
        let first = try #require(records["LA-1"])
        #expect(first.state.value(.given_name) == "Zoë")
        #expect(first.state.value(.family_name) == "O’Neill")
        #expect(first.state.value(.nhs_number) == "9990000018")
        #expect(first.state.value(.date_of_birth) == "2016-05-01")
        #expect(first.state.value(.requested_on) == "2026-03-05")
        #expect(first.state.value(.service) == "salt")
        #expect(first.state.laStatus == .requested)
        #expect(records["LA-3"]?.state.laStatus == .cancelled)
        #expect(records["LA-3"]?.state.value(.date_of_birth) == "2016-02-29")
        let updated = try place.rows("SELECT updated_at FROM observation WHERE request_id = 'LA-3'")
        #expect(updated == [[String(try TestPlace.timestamp("2026-03-09T00:00:00Z").millis)]], "a date-only updated_at is local midnight")

        let listed = try place.text(place.processed("la-cases", on: Self.today) + "/export.csv.errors.txt")
        #expect(listed.contains("line 3: requested_on (column 'Date Sent')"), "\(listed)")
        #expect(listed.split(separator: "\n").filter { !$0.hasPrefix("#") }.count == 1, "\(listed)")
        #expect(!listed.contains("Brontë") && !listed.contains("0026"), "no names or NHS numbers in the list")
    }

    @Test func quotedLineBreaksKeepLaterLineNumbersRight() async throws {
        let place = try TestPlace()
        try place.configure([.la()])
        let header = "request_id,case_ref,nhs_number,provider_ods,service,requested_on,status,cancel_reason,updated_at"
        let text = [
            header,                                                                                        // 1
            "LA-1,EHC/1,9990000018,RBT,salt,2026-03-02,cancelled,\"family moved\nto Leeds\nin February\",2026-03-02T10:00:00Z",  // 2-4
            "LA-2,EHC/2,\(SampleExport.badCheckDigit),RBT,salt,2026-03-02,requested,,2026-03-02T10:00:00Z",  // 5
            "LA-3,EHC/3,9990000026,RBT,ot,2026-03-02,cancelled,\"said \"\"no\"\"\r\nby letter\",2026-03-02T10:00:00Z",  // 6-7
            "LA-4,EHC/4,9990000034,RBT,ot,2026-03-32,requested,,2026-03-02T10:00:00Z",                     // 8
            "LA-5,EHC/5,9990000042,RBT,ot,2026-03-02,requested,,2026-03-02T10:00:00Z",                     // 9
        ].joined(separator: "\n") + "\n"
        try place.drop("cases.csv", into: "la-cases", text)
        try await place.cycle(Self.now)

        let records = try place.records(today: Self.today)
        #expect(records.keys.sorted() == ["LA-1", "LA-3", "LA-5"])
        #expect(records["LA-1"]?.state.value(.cancel_reason) == "family moved\nto Leeds\nin February")
        #expect(records["LA-3"]?.state.value(.cancel_reason) == "said \"no\"\r\nby letter")
        let lines = try place.rows("SELECT request_id, line FROM observation ORDER BY id")
        #expect(lines == [["LA-1", "2"], ["LA-3", "6"], ["LA-5", "9"]])
        let listed = try place.text(place.processed("la-cases", on: Self.today) + "/cases.csv.errors.txt")
        let errors = listed.split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(errors.count == 2 && errors[0].hasPrefix("line 5: nhs_number") && errors[1].hasPrefix("line 8: requested_on"),
                "\(listed)")
    }

    @Test func jsonAndNDJSONFeedsApply() async throws {
        let place = try TestPlace()
        try place.configure([.la(format: "json"), .provider(format: "ndjson")])
        try place.drop("cases.json", into: "la-cases", """
            [
              {
                "request_id": "LA-1", "case_ref": "EHC/1", "nhs_number": 9990000018,
                "provider_ods": "RBT", "service": "salt", "requested_on": "2026-03-02",
                "status": "requested", "updated_at": "2026-03-02T10:00:00Z", "unknown_key": {"ignored": true}
              },
              {"request_id": "LA-2", "case_ref": "EHC/2", "nhs_number": "999 000 0026", "provider_ods": "RBT",
               "service": "ot", "requested_on": "2026-03-03", "status": "requested", "updated_at": "2026-03-03T10:00:00"}
            ]
            """)
        try place.drop("responses.ndjson", into: "trust", [
            SampleExport.ndjsonLine(["request_id": "LA-1", "provider_ref": "RBT-1", "status": "in_progress",
                                     "received_on": "2026-03-03", "updated_at": "2026-03-04T08:00:00Z"]),
            SampleExport.ndjsonLine(["request_id": "LA-2", "status": "cancelled", "updated_at": "2026-03-04T08:00:00Z"]),
            "",
            #"{"request_id": "LA-2", "provider_ref": "RBT-2", "status": "acknowledged", "received_on": "2026-03-05", "#,
            SampleExport.ndjsonLine(["request_id": "LA-2", "provider_ref": "RBT-2", "status": "acknowledged",
                                     "received_on": "2026-03-05", "updated_at": "2026-03-05T08:00:00Z"]),
        ].joined(separator: "\n") + "\n")
        let report = try await place.cycle(Self.now)
        #expect(report.feeds.allSatisfy { $0.error == nil && $0.result?.filesApplied == 1 })

        let records = try place.records(today: Self.today)
        #expect(records.keys.sorted() == ["LA-1", "LA-2"])
        #expect(records["LA-1"]?.state.value(.nhs_number) == "9990000018", "a JSON number is kept as written")
        #expect(records["LA-1"]?.state.providerStatus == .in_progress)
        #expect(records["LA-1"]?.view.dueOn?.description == "2026-04-14")
        #expect(records["LA-2"]?.state.value(.nhs_number) == "9990000026")
        #expect(records["LA-2"]?.state.providerStatus == .acknowledged)
        #expect(records["LA-2"]?.state.value(.provider_ref) == "RBT-2")

        let lines = try place.rows("""
            SELECT o.source, o.line, o.request_id FROM observation o ORDER BY o.id
            """)
        #expect(lines == [["cases.json", "2", "LA-1"], ["cases.json", "7", "LA-2"],
                          ["responses.ndjson", "1", "LA-1"], ["responses.ndjson", "5", "LA-2"]])
        let listed = try place.text(place.processed("trust", on: Self.today) + "/responses.ndjson.errors.txt")
        let errors = listed.split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(errors.count == 2, "\(listed)")
        #expect(errors.first?.hasPrefix("line 2: status") == true, "an LA status from a provider feed:\n\(listed)")
        #expect(errors.last?.hasPrefix("line 4:") == true, "a broken NDJSON line is a row error:\n\(listed)")
    }

    @Test func utf8ByteOrderMarkIsAccepted() async throws {
        let place = try TestPlace()
        try place.configure([.la()])
        let bytes = Data([0xEF, 0xBB, 0xBF]) + Data(SampleExport.laCSV([SampleExport.laRow("LA-1", caseRef: "EHC/Ünïcode")]).utf8)
        try place.drop("bom.csv", into: "la-cases", bytes: bytes)
        let report = try await place.cycle(Self.now)
        #expect(report.feeds.first?.result?.filesApplied == 1)
        #expect(report.feeds.first?.result?.rowsFailed == 0)
        #expect(try place.records(today: Self.today)["LA-1"]?.state.value(.case_ref) == "EHC/Ünïcode")
    }
}
