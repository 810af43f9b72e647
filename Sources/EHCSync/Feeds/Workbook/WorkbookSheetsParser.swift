import EHCCore

/// `xl/workbook.xml`: the sheets in their tab order, with the relationship id that
/// leads to each one's part, and which date system the workbook's serials count from.
final class WorkbookSheetsParser: WorkbookPartParser {
    struct Sheet: Equatable {
        var name: String
        var relationshipID: String
    }

    private(set) var sheets: [Sheet] = []
    private(set) var dateSystem = ExcelSerialDate.System.from1900

    override func start(_ name: String, attributes: [String: String]) {
        switch name {
        case "workbookPr":
            if let flag = attributes["date1904"], flag == "1" || flag.lowercased() == "true" { dateSystem = .from1904 }
        case "sheet":
            guard let sheetName = attributes["name"], let id = Self.attribute("id", in: attributes) else { return }
            sheets.append(Sheet(name: sheetName, relationshipID: id))
        default:
            break
        }
    }
}
