/// One table of a digest or notice, built once and rendered both as aligned plain text
/// and as an HTML table, so the two parts of a message always list the same rows.
struct DisplayTable {
    struct Column {
        var title: String
        var rightAligned: Bool
        /// In the text rendering longer cells end in "…". Only free text (reasons,
        /// details, errors) is capped, never a reference someone must copy; the HTML
        /// and JSON carry it whole.
        var textMaxWidth: Int?

        init(_ title: String, rightAligned: Bool = false, textMaxWidth: Int? = nil) {
            self.title = title
            self.rightAligned = rightAligned
            self.textMaxWidth = textMaxWidth
        }
    }

    var columns: [Column]
    var rows: [[String]] = []

    init(_ columns: [Column]) { self.columns = columns }

    /// Adds a row; it must have a cell per column.
    mutating func add(_ row: [String]) {
        precondition(row.count == columns.count, "a row has one cell per column")
        rows.append(row)
    }

    /// Free text gets this many characters in the text rendering.
    static let freeTextWidth = 200
}

extension DisplayTable {
    /// Aligned plain text: a header, a rule of dashes, then the rows; two spaces
    /// between columns, numbers to the right, the last column never padded so no line
    /// ends in spaces.
    func text(into out: inout String) {
        let cells = rows.map { row in
            row.enumerated().map { i, cell in DisplayTable.clip(cell, to: columns[i].textMaxWidth) }
        }
        var widths = columns.map(\.title.count)
        for row in cells {
            for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ row: [String]) {
            var s = ""
            for (i, cell) in row.enumerated() {
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                if i > 0 { s += "  " }
                s += columns[i].rightAligned ? pad + cell : (i == row.count - 1 ? cell : cell + pad)
            }
            while s.last == " " { s.removeLast() }
            out += s + "\n"
        }
        line(columns.map(\.title))
        line(widths.map { String(repeating: "-", count: $0) })
        for row in cells { line(row) }
    }

    /// One line of text: line breaks become spaces, and a capped column is clipped.
    static func clip(_ s: String, to width: Int?) -> String {
        let flat = s.contains(where: \.isNewline) ? s.split(whereSeparator: \.isNewline).joined(separator: " ") : s
        guard let width, flat.count > width else { return flat }
        return String(flat.prefix(width - 1)) + "…"
    }
}

extension DisplayTable {
    static let tableStyle = "border-collapse:collapse;border:1px solid #b0b0b0;font-family:Arial,Helvetica,sans-serif;font-size:13px;"
    static let headStyle = "border:1px solid #b0b0b0;background-color:#e8e8e8;padding:4px 6px;vertical-align:bottom;"
    static let cellStyle = "border:1px solid #b0b0b0;padding:4px 6px;vertical-align:top;"

    /// A simple table Outlook renders as intended: inline styles and table attributes
    /// only (Outlook's Word engine ignores most CSS), no classes, scripts or images,
    /// every cell escaped; a cell a line, so lines stay short.
    func html(into out: inout String) {
        out += "<table cellpadding=\"4\" cellspacing=\"0\" border=\"1\" style=\"\(DisplayTable.tableStyle)\">\n<tr>\n"
        for c in columns {
            out += "<th style=\"\(DisplayTable.headStyle)text-align:\(c.rightAligned ? "right" : "left");\">"
                + HTMLText.escape(c.title) + "</th>\n"
        }
        out += "</tr>\n"
        for row in rows {
            out += "<tr>\n"
            for (i, cell) in row.enumerated() {
                out += columns[i].rightAligned ? "<td style=\"\(DisplayTable.cellStyle)text-align:right;\">"
                    : "<td style=\"\(DisplayTable.cellStyle)\">"
                out += HTMLText.escape(cell) + "</td>\n"
            }
            out += "</tr>\n"
        }
        out += "</table>\n"
    }
}
