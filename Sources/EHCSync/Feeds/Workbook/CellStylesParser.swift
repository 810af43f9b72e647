import EHCCore

/// `xl/styles.xml`, for the one thing a reader needs of it: which cell styles show
/// numbers as dates or times (`ExcelNumberFormat`). A cell names its style by index
/// (`s="3"`) into `cellXfs`; each style names a number format, built in or defined in
/// `numFmts`.
final class CellStylesParser: WorkbookPartParser {
    private var codes: [Int: String] = [:]
    private var formatIDs: [Int] = []
    private var inCellStyles = false

    /// By style index: whether that style's numbers are dates or times.
    var dateStyles: [Bool] {
        formatIDs.map { ExcelNumberFormat.isDateOrTime(id: $0, code: codes[$0]) }
    }

    override func start(_ name: String, attributes: [String: String]) {
        switch name {
        case "numFmt":
            if let id = attributes["numFmtId"].flatMap({ Int($0) }), let code = attributes["formatCode"] { codes[id] = code }
        case "cellXfs":
            inCellStyles = true
        case "xf" where inCellStyles:
            formatIDs.append(attributes["numFmtId"].flatMap { Int($0) } ?? 0)
        default:
            break
        }
    }

    override func end(_ name: String) {
        if name == "cellXfs" { inCellStyles = false }
    }
}
