/// Builds .xlsx workbooks laid out as Excel writes them (content types, package and
/// workbook relationships, workbook, styles, shared strings, one part per sheet), for
/// the tests and the xlsx fuzz target. The sheets' XML is given as written, so a test
/// says exactly which cells, types and styles a row has.
public struct WorkbookFixture {
    /// Sheets in tab order: the name on the tab and the `<sheetData>` content (rows).
    public var sheets: [(name: String, rows: String)]
    public var sharedStrings: [String] = []
    /// Custom number formats (`numFmtId` from 164) and each cell style's `numFmtId`, by
    /// style index: style 0 is General.
    public var numberFormats: [(id: Int, code: String)] = []
    public var cellStyles: [Int] = [0]
    public var date1904 = false
    public var deflate = true
    /// Parts added or replacing the standard ones, by name.
    public var extraParts: [ZipWriter.Part] = []

    public init(sheets: [(name: String, rows: String)]) {
        self.sheets = sheets
    }

    /// One sheet named `Sheet1`.
    public init(rows: String) {
        self.init(sheets: [("Sheet1", rows)])
    }

    static let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

    /// The parts, before zipping.
    public var parts: [ZipWriter.Part] {
        let rel = Self.relationships
        var sheetEntries = "", workbookLinks = "", overrides = ""
        var sheetParts: [ZipWriter.Part] = []
        for (i, sheet) in sheets.enumerated() {
            let n = i + 1
            sheetEntries += "<sheet name=\"\(Self.escaped(sheet.name))\" sheetId=\"\(n)\" r:id=\"rId\(n)\"/>"
            workbookLinks += "<Relationship Id=\"rId\(n)\" Type=\"\(rel)/worksheet\" Target=\"worksheets/sheet\(n).xml\"/>"
            overrides += "<Override PartName=\"/xl/worksheets/sheet\(n).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
            sheetParts.append(.init("xl/worksheets/sheet\(n).xml", text: """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <worksheet xmlns="\(Self.main)" xmlns:r="\(rel)"><sheetData>\(sheet.rows)</sheetData></worksheet>
                """, deflate: deflate))
        }
        let count = sheets.count
        workbookLinks += "<Relationship Id=\"rId\(count + 1)\" Type=\"\(rel)/styles\" Target=\"styles.xml\"/>"
        workbookLinks += "<Relationship Id=\"rId\(count + 2)\" Type=\"\(rel)/sharedStrings\" Target=\"sharedStrings.xml\"/>"
        let formats = numberFormats.map { "<numFmt numFmtId=\"\($0.id)\" formatCode=\"\(Self.escaped($0.code))\"/>" }.joined()
        let styles = cellStyles.map { "<xf numFmtId=\"\($0)\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>" }.joined()
        let strings = sharedStrings.map { "<si><t xml:space=\"preserve\">\(Self.escaped($0))</t></si>" }.joined()
        var parts: [ZipWriter.Part] = [
            .init("[Content_Types].xml", text: """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\(overrides)</Types>
                """, deflate: deflate),
            .init("_rels/.rels", text: """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="\(rel)/officeDocument" Target="xl/workbook.xml"/></Relationships>
                """, deflate: deflate),
            .init("xl/workbook.xml", text: """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <workbook xmlns="\(Self.main)" xmlns:r="\(rel)"><workbookPr\(date1904 ? " date1904=\"1\"" : "")/><sheets>\(sheetEntries)</sheets></workbook>
                """, deflate: deflate),
            .init("xl/_rels/workbook.xml.rels", text: """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\(workbookLinks)</Relationships>
                """, deflate: deflate),
            .init("xl/styles.xml", text: """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <styleSheet xmlns="\(Self.main)"><numFmts count="\(numberFormats.count)">\(formats)</numFmts><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="\(cellStyles.count)">\(styles)</cellXfs></styleSheet>
                """, deflate: deflate),
            .init("xl/sharedStrings.xml", text: """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <sst xmlns="\(Self.main)" count="\(sharedStrings.count)" uniqueCount="\(sharedStrings.count)">\(strings)</sst>
                """, deflate: deflate),
        ] + sheetParts
        for extra in extraParts {
            if let i = parts.firstIndex(where: { $0.name == extra.name }) { parts[i] = extra } else { parts.append(extra) }
        }
        return parts
    }

    /// The workbook's bytes.
    public var bytes: [UInt8] { ZipWriter.zip(parts) }

    /// `text` with XML's five special characters escaped.
    public static func escaped(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(c)
            }
        }
        return out
    }
}
