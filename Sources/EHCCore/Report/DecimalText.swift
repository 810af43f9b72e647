/// Percentages and medians as people read them: one decimal place, rounded half away
/// from zero, written without Foundation's locale-dependent formatters so that CSV,
/// JSON and the digest always agree.
public enum DecimalText {
    /// `value` rounded to one decimal place.
    public static func rounded(_ value: Double) -> Double { (value * 10).rounded() / 10 }

    /// `value` with exactly one decimal place: `75.0`, `33.3`, `-2.5`.
    public static func oneDecimal(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        let sign = tenths < 0 ? "-" : ""
        let magnitude = tenths.magnitude
        return sign + String(magnitude / 10) + "." + String(magnitude % 10)
    }

    /// `part` of `whole` as a percentage to one decimal place; `nil` when `whole` is zero.
    public static func percent(_ part: Int, of whole: Int) -> Double? {
        whole > 0 ? rounded(Double(part) * 100 / Double(whole)) : nil
    }
}
