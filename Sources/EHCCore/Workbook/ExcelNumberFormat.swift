/// Tells a workbook's date and time cells from its plain numbers: a cell holds only a
/// number either way, and what makes it a date is its style's number format.
///
/// Built-in formats 14–22 and 45–47 are dates and times (ECMA-376 Part 1, §18.8.30);
/// the East Asian built-ins 27–36 and 50–58 are not counted, as no English-locale
/// Excel writes them. A custom format code is a date or time when, once its quoted
/// text (`"days"`), bracketed parts (`[Red]`, `[$-809]`, `[h]`), escaped characters
/// (`\d`) and spacing and fill characters (`_x`, `*x`) are removed, its first section
/// still holds one of the letters d, m, y, h or s (`dd/mm/yyyy`, `d-mmm-yy h:mm`).
/// `General`, `0.00`, `#,##0` and `@` have none.
public enum ExcelNumberFormat {
    /// Whether numbers in this format are dates or times.
    /// - Parameters:
    ///   - id: the style's `numFmtId`.
    ///   - code: the workbook's own `formatCode` for `id`, when it defines one.
    public static func isDateOrTime(id: Int, code: String?) -> Bool {
        if let code { return isDateOrTime(code: code) }
        return (14...22).contains(id) || (45...47).contains(id)
    }

    /// Whether a format code's first section shows a date or a time.
    public static func isDateOrTime(code: String) -> Bool {
        var iterator = code.unicodeScalars.makeIterator()
        var inQuotes = false
        while let c = iterator.next() {
            if inQuotes {
                if c == "\"" { inQuotes = false }
                continue
            }
            switch c {
            case "\"": inQuotes = true
            case "\\", "_", "*": _ = iterator.next()
            case "[":
                while let d = iterator.next(), d != "]" {}
            case ";": return false
            case "d", "D", "m", "M", "y", "Y", "h", "H", "s", "S": return true
            default: continue
            }
        }
        return false
    }
}
