import EHCCore
import Foundation

/// One worksheet's XML turned into the records a CSV file gives (`DecodedRecord`), so a
/// workbook is mapped, validated, reported and reconciled by the same code as CSV.
///
/// - The first row with any non-blank cell is the header; the rows above it are skipped
///   (a title, a blank line), as are blank rows after it. Header names lose surrounding
///   spaces; a name used twice rejects the file, as in CSV.
/// - Each record's `line` is the row number Excel shows, so a row error names the row a
///   person would look at.
/// - A cell's column comes from its reference (`C5`): cells are written only when they
///   hold something, so a row may skip columns. A cell without a reference follows the
///   one before it. Columns right of the header's last name are ignored, as Excel's own
///   CSV export would give them an empty header name.
/// - Values: shared strings (`t="s"`), inline strings (`t="inlineStr"`, plain or rich
///   text), formula text (`t="str"`), booleans as `TRUE`/`FALSE`, errors as Excel shows
///   them (`#N/A`, which then fails validation in a field that needs a value), numbers in
///   General format (`ExcelNumberText`), and numbers in a date or time style as ISO
///   dates or timestamps (`ExcelSerialDate`). A formula cell gives its cached value (the
///   `<v>` Excel saved), never its formula.
final class WorksheetParser: WorkbookPartParser {
    private let sharedStrings: [String]
    private let dateStyles: [Bool]
    private let dateSystem: ExcelSerialDate.System
    /// The sheet's name, for messages.
    private let sheet: String
    private let emit: (DecodedRecord) throws -> Void

    /// The longest text one cell may hold, in UTF-8 bytes: Excel's limit is 32,767
    /// characters; this is far past it and still bounds memory.
    static let maxCellBytes = 1 << 20

    private var headerWidth: Int?
    private var rowNumber = 0
    private var cells: [String] = []
    private var rowHasText = false

    private var column = -1
    private var cellType = "n"
    private var cellStyle = 0
    private var value = ""
    private var inlineText = ""
    private enum Capture { case none, value, inlineText }
    private var capture = Capture.none
    private var inInlineString = false
    private var inPhonetic = false

    init(sharedStrings: [String], dateStyles: [Bool], dateSystem: ExcelSerialDate.System, sheet: String,
         emit: @escaping (DecodedRecord) throws -> Void) {
        self.sharedStrings = sharedStrings
        self.dateStyles = dateStyles
        self.dateSystem = dateSystem
        self.sheet = sheet
        self.emit = emit
    }

    /// Whether a header row was found; checked after the parse.
    var hasHeader: Bool { headerWidth != nil }

    override func start(_ name: String, attributes: [String: String]) {
        switch name {
        case "row":
            if let r = attributes["r"] {
                guard let n = Int(r), (1...CellReference.maxRows).contains(n) else {
                    return fail(WorkbookError("is damaged: sheet '\(sheet)' has a row numbered '\(r.prefix(20))'"))
                }
                rowNumber = n
            } else {
                rowNumber += 1
            }
            cells.removeAll(keepingCapacity: true)
            rowHasText = false
            column = -1
        case "c":
            if let r = attributes["r"] {
                guard let reference = CellReference(r) else {
                    return fail(WorkbookError("is damaged: sheet '\(sheet)' row \(rowNumber) has a cell named '\(r.prefix(20))'"))
                }
                column = reference.column
            } else {
                column += 1
                guard column < CellReference.maxColumns else {
                    return fail(WorkbookError("is damaged: sheet '\(sheet)' row \(rowNumber) has more than \(CellReference.maxColumns) cells"))
                }
            }
            cellType = attributes["t"] ?? "n"
            cellStyle = attributes["s"].flatMap { Int($0) } ?? 0
            value = ""
            inlineText = ""
        case "v":
            capture = .value
        case "is":
            inInlineString = true
        case "rPh":
            inPhonetic = true
        case "t" where inInlineString && !inPhonetic:
            capture = .inlineText
        default:
            break
        }
    }

    override func end(_ name: String) {
        switch name {
        case "v", "t": capture = .none
        case "is": inInlineString = false
        case "rPh": inPhonetic = false
        case "c": endCell()
        case "row": endRow()
        default: break
        }
    }

    override func text(_ string: String) {
        switch capture {
        case .none: return
        case .value: value += string
        case .inlineText: inlineText += string
        }
        if value.utf8.count + inlineText.utf8.count > Self.maxCellBytes {
            fail(WorkbookError("sheet '\(sheet)' row \(rowNumber): a cell holds more than \(Self.maxCellBytes) bytes of text"))
        }
    }

    /// The cell's text, as a person sees it, put in its column.
    private func endCell() {
        guard column >= 0 else { return }
        let text: String
        switch cellType {
        case "s":
            guard let index = Int(value.trimmedASCIIWhitespace), sharedStrings.indices.contains(index) else {
                let letters = CellReference.letters(ofColumn: column)
                return fail(WorkbookError("is damaged: sheet '\(sheet)' cell \(letters)\(rowNumber) names a shared string that is not there"))
            }
            text = sharedStrings[index]
        case "inlineStr":
            text = SpreadsheetText.unescaped(inlineText)
        case "str", "e":
            text = SpreadsheetText.unescaped(value)
        case "b":
            text = value == "1" ? "TRUE" : value == "0" ? "FALSE" : value
        case "d":
            // Strict OOXML writes dates as ISO text; midnight alone is a date.
            text = value.hasSuffix("T00:00:00") ? String(value.dropLast(9)) : value
        default:
            text = number(value.trimmedASCIIWhitespace)
        }
        guard !text.isEmpty else { return }
        if column >= cells.count { cells.append(contentsOf: repeatElement("", count: column + 1 - cells.count)) }
        cells[column] = text
        if !rowHasText, !text.trimmedASCIIWhitespace.isEmpty { rowHasText = true }
    }

    /// A number cell's text: a date or time when its style says so, else General.
    private func number(_ stored: String) -> String {
        guard !stored.isEmpty else { return "" }
        if cellStyle >= 0, cellStyle < dateStyles.count, dateStyles[cellStyle], let serial = Double(stored),
           let iso = ExcelSerialDate.isoText(serial, system: dateSystem) {
            return iso
        }
        return ExcelNumberText.general(stored)
    }

    /// Hands on the header (the first row with text) or a data row; blank rows are skipped.
    private func endRow() {
        guard rowHasText else { return }
        do {
            guard let width = headerWidth else {
                let last = cells.lastIndex { !$0.trimmedASCIIWhitespace.isEmpty } ?? 0
                let names = cells[...last].map { $0.trimmingCharacters(in: .whitespaces) }
                var seen = Set<String>()
                for name in names where !name.isEmpty && !seen.insert(name).inserted {
                    throw WorkbookError("sheet '\(sheet)' row \(rowNumber): duplicate column \"\(name)\" in the header")
                }
                headerWidth = names.count
                return try emit(.header(line: rowNumber, names: names))
            }
            var fields = Array(cells.prefix(width))
            // Text only right of the header is in no column: the row is blank.
            guard fields.contains(where: { !$0.trimmedASCIIWhitespace.isEmpty }) else { return }
            if fields.count < width { fields.append(contentsOf: repeatElement("", count: width - fields.count)) }
            try emit(.row(line: rowNumber, fields: fields))
        } catch {
            fail(error)
        }
    }
}
