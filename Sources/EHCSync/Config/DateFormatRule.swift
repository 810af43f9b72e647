/// The `date_format` mini-language: `d`/`dd` (day), `M`/`MM` (month), `yyyy` (year)
/// and any non-letter separators, e.g. `dd/MM/yyyy`, `d.M.yyyy`, `yyyyMMdd`.
///
/// Deliberately tiny: each date needs exactly one day, month and four-digit year,
/// two-digit years are refused (is `01/02/25` 1925 or 2025 for a young person up to
/// 25?), and a variable-width `d` or `M` must be set off by a separator so every
/// date has one reading.
enum DateFormatRule {
    /// One piece of a pattern.
    enum Token: Equatable {
        case day(width: Int)
        case month(width: Int)
        case year
        case separator(Character)

        var isVariableWidth: Bool {
            switch self {
            case .day(let width), .month(let width): return width == 1
            default: return false
            }
        }

        var isField: Bool {
            if case .separator = self { return false }
            return true
        }
    }

    static let letters = "use d or dd (day), M or MM (month) and yyyy (year)"

    /// The tokens of a valid pattern, or what is wrong with it.
    static func tokens(_ pattern: String) -> Result<[Token], DurationText.Problem> {
        var tokens: [Token] = []
        var characters = Substring(pattern)
        while let first = characters.first {
            let run = characters.prefix { $0 == first }
            characters = characters.dropFirst(run.count)
            guard first.isLetter else {
                tokens.append(contentsOf: run.map { Token.separator($0) })
                continue
            }
            switch (first, run.count) {
            case ("d", 1...2): tokens.append(.day(width: run.count))
            case ("M", 1...2): tokens.append(.month(width: run.count))
            case ("y", 4): tokens.append(.year)
            case ("y", 2): return .failure(.init(message: "two-digit years are ambiguous: write yyyy"))
            case ("y", _): return .failure(.init(message: "'\(run)' is not a year: write yyyy"))
            case ("d", _), ("M", _):
                return .failure(.init(message: "'\(run)' is not supported (names of days and months are not read): " + letters))
            default:
                return .failure(.init(message: "unknown letter '\(first)' in date_format: " + letters))
            }
        }
        let days = tokens.filter { if case .day = $0 { return true } else { return false } }.count
        let months = tokens.filter { if case .month = $0 { return true } else { return false } }.count
        let years = tokens.filter { $0 == .year }.count
        for (count, name, form) in [(days, "day", "d or dd"), (months, "month", "M or MM"), (years, "year", "yyyy")] where count != 1 {
            return .failure(.init(message: count == 0
                ? "has no \(name): write \(form) once"
                : "has the \(name) more than once: write \(form) once"))
        }
        for (left, right) in zip(tokens, tokens.dropFirst())
        where left.isField && right.isField && (left.isVariableWidth || right.isVariableWidth) {
            return .failure(.init(message: "d and M need a separator next to another field, or write dd and MM"))
        }
        return .success(tokens)
    }
}
