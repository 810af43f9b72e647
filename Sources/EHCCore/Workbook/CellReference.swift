/// A worksheet cell's address as a workbook writes it (`C5`, `AB12`): the column
/// letters and the 1-based row number people see in Excel.
///
/// Cells of a row are written only when they hold something, so the address is what
/// says `C5` is the third column although `A5` and `B5` are absent.
public struct CellReference: Sendable, Equatable {
    /// 0-based: `A` is 0, `Z` 25, `AA` 26, `XFD` (Excel's last) 16383.
    public var column: Int
    /// 1-based, as Excel numbers rows; at most 1,048,576.
    public var row: Int

    public static let maxColumns = 16_384
    public static let maxRows = 1_048_576

    public init(column: Int, row: Int) {
        self.column = column
        self.row = row
    }

    /// Parses `A1`-style text (`$` signs allowed); `nil` for anything else, or beyond
    /// Excel's last column or row.
    public init?(_ text: String) {
        var column = 0, row = 0, letters = 0, digits = 0
        for byte in text.utf8 where byte != UInt8(ascii: "$") {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"):
                guard digits == 0, letters < 3 else { return nil }
                column = column * 26 + Int((byte | 0x20) - UInt8(ascii: "a")) + 1
                letters += 1
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                guard letters > 0, digits < 7 else { return nil }
                row = row * 10 + Int(byte - UInt8(ascii: "0"))
                digits += 1
            default:
                return nil
            }
        }
        guard letters > 0, digits > 0, (1...Self.maxColumns).contains(column), (1...Self.maxRows).contains(row) else { return nil }
        self.init(column: column - 1, row: row)
    }

    /// The column's letters: 0 is `A`, 27 is `AB`.
    public static func letters(ofColumn column: Int) -> String {
        var n = column + 1
        var scalars: [Unicode.Scalar] = []
        while n > 0 {
            let r = (n - 1) % 26
            scalars.insert(Unicode.Scalar(UInt8(ascii: "A") + UInt8(r)), at: 0)
            n = (n - 1) / 26
        }
        return String(String.UnicodeScalarView(scalars))
    }
}
