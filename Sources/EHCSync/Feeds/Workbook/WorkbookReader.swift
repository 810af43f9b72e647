import EHCCore
import Foundation

/// Reads one worksheet of an .xlsx workbook as a CSV feed reads a file (SPEC §7): the
/// header, then each row, as `DecodedRecord`s with the sheet's row numbers.
///
/// The order of work: the zip's directory (rejecting a file that is not a workbook, and
/// one whose declared unpacked size passes `maxBytes` before anything is unpacked), the
/// package's relationships to the workbook part, the workbook's sheet list and date
/// system, the chosen sheet's relationships to its part, the styles (which cells are
/// dates) and shared strings, and last the sheet itself, streamed. Bytes unpacked are
/// counted across all of them against `maxBytes`.
///
/// Every fault of the whole file is a `WorkbookError` whose message completes "NAME …"
/// (`is not an .xlsx workbook …`, `has no sheet named 'Cases' …`).
public struct WorkbookReader {
    /// The sheet to read, by name (exactly, else ignoring case); `nil` for the first worksheet.
    public var sheet: String?
    /// The most the workbook may unpack to, in bytes (`xlsx.max_bytes`).
    public var maxBytes: Int

    public init(sheet: String? = nil, maxBytes: Int) {
        self.sheet = sheet
        self.maxBytes = maxBytes
    }

    static let officeDocument = "officeDocument"

    /// Reads the file at `path`, handing each record to `emit` in sheet order. Errors
    /// thrown by `emit` stop the read and are rethrown as they are.
    public func read(path: String, emit: @escaping (DecodedRecord) throws -> Void) throws {
        let archive = try ZipArchive(path: path)
        if archive.declaredSize > Int64(maxBytes) { throw ExpansionBudget.exceeded(limit: maxBytes) }
        let budget = ExpansionBudget(limit: maxBytes)
        let context = Context(archive: archive, budget: budget)

        let package = RelationshipsParser(base: "")
        if archive.entry("_rels/.rels") != nil { try context.parse("_rels/.rels", with: package) }
        let workbookPart = package.first(ofType: Self.officeDocument) ?? "xl/workbook.xml"
        guard archive.entry(workbookPart) != nil else {
            throw WorkbookError("is a zip but not an Excel workbook (it has no \(workbookPart)); save it from Excel as .xlsx")
        }
        let sheets = WorkbookSheetsParser()
        try context.parse(workbookPart, with: sheets)
        let folder = (workbookPart as NSString).deletingLastPathComponent
        let links = RelationshipsParser(base: folder)
        let linksPart = Self.relationshipsPart(of: workbookPart)
        if archive.entry(linksPart) != nil { try context.parse(linksPart, with: links) }

        let (sheetName, sheetPart) = try chooseSheet(sheets.sheets, links: links)
        guard archive.entry(sheetPart) != nil else {
            throw WorkbookError("is damaged: sheet '\(sheetName)' has no part (\(sheetPart) is missing)")
        }
        var dateStyles: [Bool] = []
        if let stylesPart = links.first(ofType: "styles"), archive.entry(stylesPart) != nil {
            let styles = CellStylesParser()
            try context.parse(stylesPart, with: styles)
            dateStyles = styles.dateStyles
        }
        var sharedStrings: [String] = []
        if let stringsPart = links.first(ofType: "sharedStrings"), archive.entry(stringsPart) != nil {
            let strings = SharedStringsParser()
            try context.parse(stringsPart, with: strings)
            sharedStrings = strings.strings
        }
        let worksheet = WorksheetParser(sharedStrings: sharedStrings, dateStyles: dateStyles, dateSystem: sheets.dateSystem,
                                        sheet: sheetName, emit: emit)
        try context.parse(sheetPart, with: worksheet)
        guard worksheet.hasHeader else { throw WorkbookError("has nothing in sheet '\(sheetName)': no header row") }
    }

    /// The configured sheet, or the first worksheet (chart sheets and dialogs are not
    /// worksheets), with its part's name.
    private func chooseSheet(_ sheets: [WorkbookSheetsParser.Sheet], links: RelationshipsParser) throws -> (String, String) {
        let worksheets = sheets.compactMap { sheet -> (String, String)? in
            guard let link = links.byID[sheet.relationshipID], link.type.hasSuffix("/worksheet") else { return nil }
            return (sheet.name, link.target)
        }
        guard let wanted = sheet else {
            guard let first = worksheets.first else { throw WorkbookError("has no worksheet") }
            return first
        }
        if let exact = worksheets.first(where: { $0.0 == wanted }) { return exact }
        if let folded = worksheets.first(where: { $0.0.lowercased() == wanted.lowercased() }) { return folded }
        let names = worksheets.map { "'\($0.0)'" }.joined(separator: ", ")
        throw WorkbookError("has no sheet named '\(wanted)' (xlsx.sheet); its sheets are \(names.isEmpty ? "none" : names)")
    }

    /// `xl/_rels/workbook.xml.rels` for `xl/workbook.xml`.
    static func relationshipsPart(of part: String) -> String {
        let folder = (part as NSString).deletingLastPathComponent
        let file = (part as NSString).lastPathComponent
        return (folder.isEmpty ? "" : folder + "/") + "_rels/" + file + ".rels"
    }

    /// The archive and its budget, shared by every part read.
    private struct Context {
        let archive: ZipArchive
        let budget: ExpansionBudget

        func parse(_ part: String, with parser: WorkbookPartParser) throws {
            guard let entry = archive.entry(part) else { throw WorkbookError("is damaged: \(part) is missing") }
            let reader = try ZipEntryReader(archive: archive, entry: entry, budget: budget)
            try parser.parse(ZipEntryStream(reader: reader, part: part), part: part)
        }
    }
}
