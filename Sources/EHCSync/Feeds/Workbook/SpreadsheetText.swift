/// Text as a workbook stores it: characters XML cannot hold (a carriage return, other
/// control characters) are written `_xHHHH_` (ECMA-376 Part 1, §22.9.2.19), as Excel
/// writes a line break typed in a cell as `_x000D_` beside the line feed; `_x005F_`
/// escapes the underscore itself.
enum SpreadsheetText {
    /// `text` with each `_xHHHH_` replaced by its character.
    static func unescaped(_ text: String) -> String {
        guard text.contains("_x") else { return text }
        var scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            if scalars[i] == "_", i + 6 < scalars.count, scalars[i + 1] == "x", scalars[i + 6] == "_",
               let code = UInt32(String(String.UnicodeScalarView(scalars[(i + 2)..<(i + 6)])), radix: 16),
               let scalar = Unicode.Scalar(code) {
                out.append(scalar)
                i += 7
            } else {
                out.append(scalars[i])
                i += 1
            }
        }
        scalars.removeAll()
        return String(out)
    }
}
