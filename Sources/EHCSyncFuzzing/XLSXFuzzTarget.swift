import EHCCore
import EHCSync
import Foundation

/// The xlsx fuzz target: one input is a workbook, or a worksheet's XML put into one.
///
/// The first byte chooses: even, the rest is the whole .xlsx file (seeded with real
/// workbooks, so the fuzzer mutates zip directories, headers and compressed data); odd,
/// the rest is the sheet's XML, stored in a workbook with shared strings and date
/// styles (so it mutates cells, types, references and text, which compressed bytes hide).
///
/// `WorkbookReader.read` must end for any input, never trap, and throw nothing but a
/// `WorkbookError`; what it hands on must be a header first, then rows of exactly the
/// header's width, each numbered with a real sheet row. Reading is capped at 1 MiB
/// unpacked, so a bomb is cheap to find and must be rejected.
public enum XLSXFuzzTarget {
    static let path = NSTemporaryDirectory() + "/ehcsync-fuzz-xlsx-\(getpid()).xlsx"
    static let maxBytes = 1 << 20

    /// The workbook a sheet-mode input is put into: three shared strings, and styles 1
    /// (built-in date 14), 2 (custom `dd/mm/yyyy hh:mm`) and 3 (`0.00`).
    static func workbook(sheetXML: [UInt8]) -> [UInt8] {
        var fixture = WorkbookFixture(rows: "")
        fixture.sharedStrings = ["request_id", "LA-1", "9434765919"]
        fixture.numberFormats = [(164, "dd/mm/yyyy hh:mm")]
        fixture.cellStyles = [0, 14, 164, 2]
        fixture.deflate = false
        fixture.extraParts = [ZipWriter.Part("xl/worksheets/sheet1.xml", sheetXML, deflate: false)]
        return fixture.bytes
    }

    /// The properties `bytes` breaks, in words; empty when the code behaved.
    public static func check(_ input: UnsafeBufferPointer<UInt8>) -> [String] {
        guard let mode = input.first else { return [] }
        let rest = Array(input.dropFirst())
        let file = mode & 1 == 0 ? rest : workbook(sheetXML: rest)
        guard FileManager.default.createFile(atPath: path, contents: Data(file)) else { return ["cannot write \(path)"] }
        defer { unlink(path) }
        var broken: [String] = []
        var width: Int?
        var lastLine = 0
        do {
            try WorkbookReader(maxBytes: maxBytes).read(path: path) { record in
                switch record {
                case .header(let line, let names):
                    if width != nil { broken.append("a second header at row \(line)") }
                    width = names.count
                    lastLine = line
                case .row(let line, let fields):
                    if width == nil { broken.append("row \(line) before the header") }
                    if let width, fields.count != width { broken.append("row \(line) has \(fields.count) fields, header \(width)") }
                    lastLine = line
                default:
                    broken.append("unexpected record \(record)")
                }
                if !(1...1_048_576).contains(lastLine) { broken.append("row number \(lastLine)") }
            }
            if width == nil { broken.append("read without a header") }
        } catch is WorkbookError {
            // A rejection is a right answer for a broken workbook.
        } catch {
            broken.append("threw \(type(of: error)): \(error)")
        }
        return broken
    }
}
