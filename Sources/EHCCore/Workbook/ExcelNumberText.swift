import Foundation

/// A workbook's plain numbers as a person sees them in Excel's General format.
///
/// A workbook stores numbers as binary floating point values written out in decimal
/// (`12345`, `9434765919`, `0.30000000000000004`, `1.2E-3`). A whole number comes out
/// without a decimal point, so an NHS number or a reference typed as a number reads as
/// its digits (`9434765919`, never `9434765919.0` or `9.43E+09`); any other number is
/// rounded to 15 significant digits (all a double holds reliably, and what Excel itself
/// keeps), with trailing zeros dropped: `0.30000000000000004` is `0.3`.
///
/// A leading zero is not in the number: `0123` typed into a number cell is stored as
/// `123`, and a text cell is needed to keep it (a fact of the workbook, not of reading).
public enum ExcelNumberText {
    /// The General text of a cell's stored value, or the stored text itself when it is not a number.
    public static func general(_ stored: String) -> String {
        guard let value = Double(stored), value.isFinite else { return stored }
        if value == 0 { return "0" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return trimmed(fifteenDigits(value))
    }

    /// `value` with 15 significant digits, in plain decimal when its exponent is modest.
    private static func fifteenDigits(_ value: Double) -> String {
        let magnitude = Int(floor(log10(abs(value))))
        if magnitude < -9 || magnitude >= 15 {
            return String(format: "%.14E", value)
        }
        let decimals = max(0, 14 - magnitude)
        return String(format: "%.\(decimals)f", value)
    }

    /// Drops trailing zeros of the fraction (and a bare point); an exponent is kept.
    private static func trimmed(_ text: String) -> String {
        var mantissa = Substring(text), exponent = Substring("")
        if let e = text.firstIndex(of: "E") {
            mantissa = text[..<e]
            exponent = text[e...]
        }
        if mantissa.contains(".") {
            while mantissa.hasSuffix("0") { mantissa = mantissa.dropLast() }
            if mantissa.hasSuffix(".") { mantissa = mantissa.dropLast() }
        }
        return String(mantissa + exponent)
    }
}
