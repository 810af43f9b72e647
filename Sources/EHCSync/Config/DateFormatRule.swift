/// The `date_format` mini-language: `d`/`dd` (day), `M`/`MM` (month), `yyyy` (year)
/// and any non-letter separators, e.g. `dd/MM/yyyy`, `d.M.yyyy`, `yyyyMMdd`; and
/// `timestamp_format`'s, which adds `H`/`HH` (hour 0-23) or `h`/`hh` (1-12) with `a`
/// (AM/PM), `mm` (minutes) and optionally `ss` (seconds): `dd/MM/yyyy HH:mm`.
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
        case hour(width: Int, twelveHour: Bool)
        case minute, second, meridiem
        case separator(Character)

        var isVariableWidth: Bool {
            switch self {
            case .day(let width), .month(let width), .hour(let width, _): return width == 1
            default: return false
            }
        }

        var isField: Bool {
            switch self {
            case .separator, .meridiem: return false
            default: return true
            }
        }
    }

    static let letters = "use d or dd (day), M or MM (month) and yyyy (year)"
    static let timeLetters = letters + ", then H or HH (hour 0-23) or h or hh (1-12) with a (AM/PM), mm (minutes) and ss (seconds)"

    /// The tokens of a valid pattern, or what is wrong with it. A `timestamp` pattern
    /// must have an hour and minutes as well as the date.
    static func tokens(_ pattern: String, timestamp: Bool = false) -> Result<[Token], DurationText.Problem> {
        let letters = timestamp ? Self.timeLetters : Self.letters
        let key = timestamp ? "timestamp_format" : "date_format"
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
            case ("H", 1...2) where timestamp: tokens.append(.hour(width: run.count, twelveHour: false))
            case ("h", 1...2) where timestamp: tokens.append(.hour(width: run.count, twelveHour: true))
            case ("m", 2) where timestamp: tokens.append(.minute)
            case ("s", 2) where timestamp: tokens.append(.second)
            case ("a", 1) where timestamp: tokens.append(.meridiem)
            case ("m", _) where timestamp, ("s", _) where timestamp:
                return .failure(.init(message: "write minutes as mm and seconds as ss"))
            case ("H", _) where timestamp, ("h", _) where timestamp:
                return .failure(.init(message: "write the hour as H, HH, h or hh"))
            case ("y", 2): return .failure(.init(message: "two-digit years are ambiguous: write yyyy"))
            case ("y", _): return .failure(.init(message: "'\(run)' is not a year: write yyyy"))
            case ("d", _), ("M", _):
                return .failure(.init(message: "'\(run)' is not supported (names of days and months are not read): " + letters))
            default:
                let timeHint = !timestamp && "Hhmsa".contains(first) ? " (a time goes in timestamp_format, or is read after the date anyway)" : ""
                return .failure(.init(message: "unknown letter '\(first)' in \(key): " + letters + timeHint))
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
        if timestamp {
            let hours = tokens.compactMap { t -> Bool? in if case .hour(_, let twelve) = t { return twelve } else { return nil } }
            let minutes = tokens.filter { $0 == .minute }.count, seconds = tokens.filter { $0 == .second }.count
            let meridiems = tokens.filter { $0 == .meridiem }.count
            if hours.count != 1 { return .failure(.init(message: "needs the hour once: write H, HH, h or hh")) }
            if minutes != 1 { return .failure(.init(message: "needs the minutes once: write mm")) }
            if seconds > 1 { return .failure(.init(message: "has the seconds more than once: write ss once")) }
            if hours[0] && meridiems != 1 { return .failure(.init(message: "a 12-hour h or hh needs a (AM/PM) once")) }
            if !hours[0] && meridiems > 0 { return .failure(.init(message: "a (AM/PM) goes with a 12-hour h or hh, not H")) }
        }
        for (left, right) in zip(tokens, tokens.dropFirst())
        where left.isField && right.isField && (left.isVariableWidth || right.isVariableWidth) {
            return .failure(.init(message: "d and M need a separator next to another field, or write dd and MM"))
        }
        return .success(tokens)
    }
}
