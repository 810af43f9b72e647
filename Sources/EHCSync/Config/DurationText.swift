import Foundation

/// Durations as written in the config: a positive whole number and one unit, `30s`,
/// `5m`, `2h`, `2d`, or a bare number of seconds. Deliberately no compound forms
/// (`1h30m`) and no fractions: one obvious way to write each value.
enum DurationText {
    /// Why a duration was refused, in words for the operator.
    struct Problem: Error, Equatable {
        var message: String
    }

    static let accepted = "write a positive whole number and a unit: 30s, 5m, 2h or 2d (or a bare number of seconds)"

    /// Seconds, or the problem.
    static func seconds(_ raw: String) -> Result<Int, Problem> {
        let text = raw.trimmingCharacters(in: .whitespaces)
        guard let last = text.last else { return .failure(Problem(message: "is empty: " + accepted)) }
        let units: [Character: Int] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        var digits = Substring(text)
        var multiplier = 1
        if let unit = units[last] {
            multiplier = unit
            digits = digits.dropLast()
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let count = Int(digits) else {
            return .failure(Problem(message: "'\(ConfigReader.shown(text))' is not a duration: " + accepted))
        }
        guard count > 0 else {
            return .failure(Problem(message: "must be longer than zero: " + accepted))
        }
        let (seconds, overflow) = count.multipliedReportingOverflow(by: multiplier)
        guard !overflow, seconds <= 366 * 86_400 * 100 else {
            return .failure(Problem(message: "'\(ConfigReader.shown(text))' is too long a duration"))
        }
        return .success(seconds)
    }
}
