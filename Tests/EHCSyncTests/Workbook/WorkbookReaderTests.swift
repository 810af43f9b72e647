import EHCCore
import EHCSyncFuzzing
import Foundation
import Testing
@testable import EHCSync

/// SPEC §7 Workbooks, the reader on its own: which sheet, which row is the header, how
/// each kind of cell reads, and which files are rejected whole, with what reason.
struct WorkbookReaderTests {
    /// Writes `bytes` to a temporary .xlsx and reads it.
    static func read(_ bytes: [UInt8], sheet: String? = nil, maxBytes: Int = 1 << 20) throws -> [DecodedRecord] {
        let path = NSTemporaryDirectory() + "/workbook-\(UUID().uuidString).xlsx"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { unlink(path) }
        var records: [DecodedRecord] = []
        try WorkbookReader(sheet: sheet, maxBytes: maxBytes).read(path: path) { records.append($0) }
        return records
    }

    /// The reason a workbook is rejected.
    static func rejection(_ bytes: [UInt8], sheet: String? = nil, maxBytes: Int = 1 << 20) -> String? {
        do {
            _ = try read(bytes, sheet: sheet, maxBytes: maxBytes)
            return nil
        } catch let error as WorkbookError {
            return error.reason
        } catch {
            return "unexpected \(error)"
        }
    }

    static let simpleRows = """
        <row r="1"><c r="A1" t="inlineStr"><is><t>request_id</t></is></c></row>
        <row r="2"><c r="A2" t="inlineStr"><is><t>LA-1</t></is></c></row>
        """

    @Test func firstWorksheetIsReadUnlessASheetIsNamed() throws {
        let fixture = WorkbookFixture(sheets: [
            ("Cases", Self.simpleRows),
            ("Lookups", #"<row r="3"><c r="B3" t="inlineStr"><is><t>code</t></is></c></row><row r="4"><c r="B4" t="inlineStr"><is><t>X</t></is></c></row>"#),
        ])
        #expect(try Self.read(fixture.bytes) == [.header(line: 1, names: ["request_id"]), .row(line: 2, fields: ["LA-1"])])
        #expect(try Self.read(fixture.bytes, sheet: "Lookups") == [.header(line: 3, names: ["", "code"]), .row(line: 4, fields: ["", "X"])])
        #expect(try Self.read(fixture.bytes, sheet: "lookups").count == 2, "a sheet name matches ignoring case too")
        let missing = Self.rejection(fixture.bytes, sheet: "Advice")
        #expect(missing == "the file has no sheet named 'Advice' (xlsx.sheet); its sheets are 'Cases', 'Lookups'")
    }

    @Test func headerIsTheFirstNonEmptyRowAndBlankRowsAreSkipped() throws {
        let rows = """
            <row r="2"><c r="A2" t="inlineStr"><is><t>  </t></is></c></row>
            <row r="4"><c r="B4" t="inlineStr"><is><t> request_id </t></is></c><c r="C4" t="inlineStr"><is><t>status</t></is></c></row>
            <row r="5"></row>
            <row r="7"><c r="B7" t="inlineStr"><is><t>LA-1</t></is></c><c r="C7" t="inlineStr"><is><t>requested</t></is></c></row>
            """
        #expect(try Self.read(WorkbookFixture(rows: rows).bytes) == [
            .header(line: 4, names: ["", "request_id", "status"]),
            .row(line: 7, fields: ["", "LA-1", "requested"]),
        ])
    }

    @Test func sharedInlineAndRichTextStringsRead() throws {
        var fixture = WorkbookFixture(rows: """
            <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>
            <row r="2"><c r="A2" t="s"><v>3</v></c>\
            <c r="B2" t="inlineStr"><is><r><rPr><b/></rPr><t>Speech </t></r><r><t xml:space="preserve">&amp; Language</t></r></is></c>\
            <c r="C2" t="s"><v>4</v></c></row>
            """)
        fixture.sharedStrings = ["Advice Ref", "Service", "Note", "LA-7"]
        fixture.extraParts = [.init("xl/sharedStrings.xml", text: """
            <?xml version="1.0" encoding="UTF-8"?>
            <sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>Advice Ref</t></si><si><t>Service</t></si>\
            <si><t>Note</t></si><si><t>LA-7</t></si>\
            <si><r><t>line one_x000D_</t></r><r><rPr><i/></rPr><t>\nline two</t></r><rPh><t>ルビ</t></rPh></si></sst>
            """)]
        #expect(try Self.read(fixture.bytes) == [
            .header(line: 1, names: ["Advice Ref", "Service", "Note"]),
            .row(line: 2, fields: ["LA-7", "Speech & Language", "line one\r\nline two"]),
        ])
    }

    @Test func numbersBooleansDatesFormulasAndErrorsReadAsExcelShowsThem() throws {
        var fixture = WorkbookFixture(rows: """
            <row r="1"><c r="A1" t="inlineStr"><is><t>n</t></is></c><c r="B1" t="inlineStr"><is><t>b</t></is></c>\
            <c r="C1" t="inlineStr"><is><t>d</t></is></c><c r="D1" t="inlineStr"><is><t>t</t></is></c>\
            <c r="E1" t="inlineStr"><is><t>f</t></is></c><c r="F1" t="inlineStr"><is><t>e</t></is></c>\
            <c r="G1" t="inlineStr"><is><t>x</t></is></c></row>
            <row r="2"><c r="A2"><v>9434765919</v></c><c r="B2" t="b"><v>1</v></c><c r="C2" s="1"><v>46296</v></c>\
            <c r="D2" s="2"><v>46296.383333333331</v></c><c r="E2" s="1"><f>C2+1</f><v>46297</v></c>\
            <c r="F2" t="e"><f>VLOOKUP(A2,L!A:B,2,0)</f><v>#N/A</v></c><c r="G2" t="str"><f>"LA-"&amp;A2</f><v>LA-9434765919</v></c></row>
            <row r="3"><c r="A3" s="3"><v>12.5</v></c><c r="B3" t="b"><v>0</v></c><c r="C3" s="1"><v>59</v></c>\
            <c r="D3" s="1"><v>60</v></c><c r="E3" s="1"><v>61</v></c><c r="F3"><v>0.30000000000000004</v></c></row>
            """)
        fixture.numberFormats = [(164, "dd/mm/yyyy hh:mm")]
        fixture.cellStyles = [0, 14, 164, 2]
        #expect(try Self.read(fixture.bytes) == [
            .header(line: 1, names: ["n", "b", "d", "t", "f", "e", "x"]),
            .row(line: 2, fields: ["9434765919", "TRUE", "2026-10-01", "2026-10-01T09:12:00", "2026-10-02", "#N/A", "LA-9434765919"]),
            .row(line: 3, fields: ["12.5", "FALSE", "1900-02-28", "1900-02-29", "1900-03-01", "0.3", ""]),
        ])
    }

    @Test func date1904WorkbooksCountFrom1904() throws {
        var fixture = WorkbookFixture(rows: #"<row><c t="inlineStr"><is><t>d</t></is></c></row><row><c s="1"><v>44834</v></c></row>"#)
        fixture.cellStyles = [0, 14]
        fixture.date1904 = true
        #expect(try Self.read(fixture.bytes) == [.header(line: 1, names: ["d"]), .row(line: 2, fields: ["2026-10-01"])],
                "rows and cells without references follow the ones before")
    }

    @Test func cellReferencesPlaceCellsInTheirColumns() throws {
        let rows = """
            <row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c><c r="B1" t="inlineStr"><is><t>b</t></is></c>\
            <c r="C1" t="inlineStr"><is><t>c</t></is></c><c r="D1" t="inlineStr"><is><t>d</t></is></c></row>
            <row r="5"><c r="C5"><v>3</v></c><c r="A5"><v>1</v></c><c r="F5"><v>6</v></c></row>
            <row r="6"><c r="G6"><v>7</v></c></row>
            """
        #expect(try Self.read(WorkbookFixture(rows: rows).bytes) == [
            .header(line: 1, names: ["a", "b", "c", "d"]),
            .row(line: 5, fields: ["1", "", "3", ""]),
        ], "F5 and G6 are right of the header, in no column; row 6 is then blank")
    }

    @Test func duplicateHeaderAndEmptySheetAreRejected() throws {
        let duplicate = #"<row r="2"><c r="A2" t="inlineStr"><is><t>status</t></is></c><c r="B2" t="inlineStr"><is><t>status</t></is></c></row>"#
        #expect(Self.rejection(WorkbookFixture(rows: duplicate).bytes) == "sheet 'Sheet1' row 2: duplicate column \"status\" in the header")
        #expect(Self.rejection(WorkbookFixture(rows: "").bytes) == "the file has nothing in sheet 'Sheet1': no header row")
    }

    @Test func declaredZipBombIsRejectedBeforeUnpacking() throws {
        let padding = String(repeating: "<row/>", count: 400_000)  // 2.4 MB of rows, a few kB deflated
        let bomb = WorkbookFixture(rows: Self.simpleRows + padding).bytes
        #expect(bomb.count < 40_000)
        let reason = Self.rejection(bomb, maxBytes: 1_000_000)
        #expect(reason?.hasPrefix("the file unpacks to more than xlsx.max_bytes (1000000 bytes)") == true, "\(reason ?? "read")")
        #expect(try Self.read(bomb, maxBytes: 5_000_000).count == 2, "within the limit it reads")
    }

    @Test func zipBombThatUnderstatesItsSizeIsStoppedWhileUnpacking() throws {
        var fixture = WorkbookFixture(rows: Self.simpleRows + String(repeating: "<row/>", count: 400_000))
        let sheet = fixture.parts.first { $0.name == "xl/worksheets/sheet1.xml" }!
        fixture.extraParts = [.init(sheet.name, sheet.bytes, declaredSize: 1000)]
        let reason = Self.rejection(fixture.bytes, maxBytes: 1_000_000)
        #expect(reason?.hasPrefix("the file unpacks to more than xlsx.max_bytes") == true, "\(reason ?? "read")")
    }

    @Test func compressedDataThatNeverEndsIsDamagedNotReadForever() throws {
        // A deflate stream that opens a stored block of 65,535 bytes and stops: it would
        // run on into the zip directory and the end of the file.
        var parts = WorkbookFixture(rows: Self.simpleRows).parts
        let i = parts.firstIndex { $0.name == "xl/worksheets/sheet1.xml" }!
        parts[i] = .init(parts[i].name, parts[i].bytes, deflate: false)
        var bytes = ZipWriter.zip(parts)
        // Make the stored sheet a deflated one whose data is a non-final stored block header.
        let name = Array("xl/worksheets/sheet1.xml".utf8)
        var at = 0
        while !(bytes[at..<(at + 4)].elementsEqual([0x50, 0x4B, 0x03, 0x04]) && bytes[(at + 30)..<(at + 30 + name.count)].elementsEqual(name)) { at += 1 }
        bytes[at + 8] = 8
        bytes.replaceSubrange((at + 30 + name.count)..<(at + 35 + name.count), with: [0x00, 0xFF, 0xFF, 0x00, 0x00])
        var d = 0
        while !(bytes[d..<(d + 4)].elementsEqual([0x50, 0x4B, 0x01, 0x02]) && bytes[(d + 46)..<(d + 46 + name.count)].elementsEqual(name)) { d += 1 }
        bytes[d + 10] = 8
        let reason = Self.rejection(bytes)
        #expect(reason?.hasPrefix("the file is damaged: xl/worksheets/sheet1.xml") == true, "\(reason ?? "read")")
    }

    @Test func notAZipEncryptedAndOtherZipsAreRejectedSayingWhatTheyAre() throws {
        #expect(Self.rejection(Array("request_id,status\nLA-1,requested\n".utf8))
                == "the file is not an .xlsx workbook (not a zip file); if the export is text, this feed's format should be csv")
        let ole = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + [UInt8](repeating: 0, count: 504)
        #expect(Self.rejection(ole)?.contains("password-protected (encrypted) or an old Excel 97-2003 .xls file") == true)
        #expect(Self.rejection(ZipWriter.zip([.init("word/document.xml", text: "<w/>")]))
                == "the file is a zip but not an Excel workbook (it has no xl/workbook.xml); save it from Excel as .xlsx")
        let cut = Array(WorkbookFixture(rows: Self.simpleRows).bytes.dropLast(30))
        #expect(Self.rejection(cut)?.hasPrefix("the file is not an .xlsx workbook: it starts like a zip but has no zip directory") == true)
        #expect(Self.rejection([]) == "the file is empty: not an .xlsx workbook")
    }

    @Test func malformedXMLAndDocumentTypesAreRejected() throws {
        var broken = WorkbookFixture(rows: #"<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row><row r="2"><c r="A2">"#)
        broken.deflate = false
        #expect(Self.rejection(broken.bytes)?.hasPrefix("the file is damaged: xl/worksheets/sheet1.xml is not well-formed XML") == true,
                "\(Self.rejection(broken.bytes) ?? "read")")
        var entity = WorkbookFixture(rows: Self.simpleRows)
        entity.extraParts = [.init("xl/worksheets/sheet1.xml", text: """
            <?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY e SYSTEM "file:///etc/passwd">]>
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>\
            <row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>&e;</t></is></c></row>\
            </sheetData></worksheet>
            """)]
        #expect(Self.rejection(entity.bytes)?.contains("declares a document type (<!DOCTYPE>)") == true)
        var badString = WorkbookFixture(rows: #"<row r="1"><c r="A1" t="s"><v>7</v></c></row>"#)
        badString.sharedStrings = ["a"]
        #expect(Self.rejection(badString.bytes) == "the file is damaged: sheet 'Sheet1' cell A1 names a shared string that is not there")
        let badReference = #"<row r="1"><c r="A0" t="inlineStr"><is><t>a</t></is></c></row>"#
        #expect(Self.rejection(WorkbookFixture(rows: badReference).bytes)?.contains("has a cell named 'A0'") == true)
    }

    @Test func workbookWrittenByPythonsZipfileReads() throws {
        // A second, independent zip writer: CPython's zipfile, deflating, into a stream it
        // cannot seek, so sizes and checksums follow each entry in a data descriptor, as
        // streaming writers put them.
        let parts = WorkbookFixture(rows: Self.simpleRows).parts
        let folder = NSTemporaryDirectory() + "/workbook-parts-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for part in parts {
            let path = folder + "/" + part.name
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(part.bytes).write(to: URL(fileURLWithPath: path))
        }
        let output = folder + ".xlsx"
        defer { unlink(output) }
        let script = """
            import sys, zipfile, os
            src, out = sys.argv[1], sys.argv[2]
            class Unseekable:
                def __init__(self, f): self.f = f
                def write(self, b): return self.f.write(b)
                def flush(self): self.f.flush()
            with open(out, 'wb') as raw:
                z = zipfile.ZipFile(Unseekable(raw), 'w', zipfile.ZIP_DEFLATED)
                for name in [\(parts.map { "'" + $0.name + "'" }.joined(separator: ", "))]:
                    with open(os.path.join(src, name), 'rb') as f, z.open(name, 'w') as w:
                        w.write(f.read())
                z.close()
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, folder, output]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: output)))
        #expect(try Self.read(bytes) == [.header(line: 1, names: ["request_id"]), .row(line: 2, fields: ["LA-1"])])
    }
}
