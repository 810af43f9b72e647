/// A feed's declared date format (`dd/MM/yyyy`, `d.M.yyyy`, `yyyyMMdd` …), or its
/// `timestamp_format` (`dd/MM/yyyy HH:mm`, `d/M/yyyy h:mm a`), SPEC §3.
///
/// A date pattern also reads the date followed by a time of day, as exports from Excel
/// write a date-and-time cell (`01/10/2026 09:12`, `1/10/2026 9:12:33 PM`): see
/// `ClockTime`. A timestamp pattern reads exactly its one form.
public struct DatePattern: Sendable, Equatable {
    enum Token: Equatable {
        case day(width: Int), month(width: Int), year
        case hour(width: Int, twelveHour: Bool), minute, second, meridiem
        case literal(UInt8)
    }

    let tokens: [Token]
    public let text: String
    /// A `timestamp_format`: it has a time of day and reads nothing else.
    public let hasTime: Bool

    /// ISO `yyyy-MM-dd`, always accepted beside a feed's own pattern.
    public static let iso = DatePattern("yyyy-MM-dd")!
    /// `d/M/yyyy`: the reading a rejection suggests when it would succeed.
    public static let dayMonthYear = DatePattern("d/M/yyyy")!

    /// Parses a date pattern. `nil` when it lacks exactly one day, month and `yyyy` token
    /// or uses letters other than d, M and y (the config loader reports the reason).
    public init?(_ pattern: String) {
        guard let tokens = Self.tokens(pattern, allowsTime: false) else { return nil }
        self.tokens = tokens
        self.text = pattern
        self.hasTime = false
    }

    /// Parses a timestamp pattern: a date pattern's letters plus `H`/`HH` (0-23) or
    /// `h`/`hh` (1-12, with `a` for AM/PM), `mm`, and optionally `ss`.
    public init?(timestamp pattern: String) {
        guard let tokens = Self.tokens(pattern, allowsTime: true) else { return nil }
        let hours = tokens.compactMap { t -> Bool? in if case .hour(_, let twelve) = t { return twelve } else { return nil } }
        let minutes = tokens.filter { $0 == .minute }.count
        let seconds = tokens.filter { $0 == .second }.count
        let meridiems = tokens.filter { $0 == .meridiem }.count
        guard hours.count == 1, minutes == 1, seconds <= 1, meridiems == (hours[0] ? 1 : 0) else { return nil }
        self.tokens = tokens
        self.text = pattern
        self.hasTime = true
    }

    private static func tokens(_ pattern: String, allowsTime: Bool) -> [Token]? {
        var tokens: [Token] = []
        let u = Array(pattern.utf8)
        var i = 0
        var seen = (d: 0, m: 0, y: 0)
        while i < u.count {
            let c = u[i]
            var run = 1
            while i + run < u.count, u[i + run] == c { run += 1 }
            switch (c, run) {
            case (UInt8(ascii: "d"), 1...2): tokens.append(.day(width: run)); seen.d += 1
            case (UInt8(ascii: "M"), 1...2): tokens.append(.month(width: run)); seen.m += 1
            case (UInt8(ascii: "y"), 4): tokens.append(.year); seen.y += 1
            case (UInt8(ascii: "H"), 1...2) where allowsTime: tokens.append(.hour(width: run, twelveHour: false))
            case (UInt8(ascii: "h"), 1...2) where allowsTime: tokens.append(.hour(width: run, twelveHour: true))
            case (UInt8(ascii: "m"), 2) where allowsTime: tokens.append(.minute)
            case (UInt8(ascii: "s"), 2) where allowsTime: tokens.append(.second)
            case (UInt8(ascii: "a"), 1) where allowsTime: tokens.append(.meridiem)
            default:
                if (65...90).contains(c) || (97...122).contains(c) { return nil }
                for _ in 0..<run { tokens.append(.literal(c)) }
            }
            i += run
        }
        guard seen == (1, 1, 1) else { return nil }
        return tokens
    }

    /// The date in `text` written exactly in this pattern's form, or `nil` when it does
    /// not match or is not a real day. A timestamp pattern's time must be there and valid.
    public func parse(_ text: some StringProtocol) -> CivilDate? {
        text.withUTF8Bytes { u in scan(u).flatMap { $0.end == u.count ? $0.date : nil } }
    }

    /// The date in `text`, which may be followed by a time of day (dropped): SPEC §3's
    /// "a date field given a date and a time takes the date".
    public func parseDate(_ text: some StringProtocol) -> CivilDate? {
        local(text)?.date
    }

    /// The date and, when written, the time of day in `text`. A date pattern takes any
    /// time `ClockTime` reads after the date; a timestamp pattern only its own form.
    public func local(_ text: some StringProtocol) -> (date: CivilDate, time: ClockTime?)? {
        text.withUTF8Bytes { u -> (CivilDate, ClockTime?)? in
            guard let scanned = scan(u) else { return nil }
            if scanned.end == u.count { return (scanned.date, scanned.time) }
            guard !hasTime, let time = ClockTime.afterDate(u, from: scanned.end) else { return nil }
            return (scanned.date, time)
        }
    }

    /// Reads the tokens from the start of `u`: the date, the time for a timestamp
    /// pattern, and where reading stopped.
    private func scan(_ u: UnsafeBufferPointer<UInt8>) -> (date: CivilDate, time: ClockTime?, end: Int)? {
        var i = 0
        var y = 0, m = 0, d = 0
        var hour = 0, minute = 0, second = 0
        var pm: Bool?
        for (k, token) in tokens.enumerated() {
            switch token {
            case .literal(let c):
                guard i < u.count, u[i] == c else { return nil }
                i += 1
            case .year:
                guard let v = DatePattern.number(u, &i, min: 4, max: 4) else { return nil }
                y = v
            case .day(let w), .month(let w), .hour(let w, _):
                // A one-letter token takes one or two digits, unless the next token is a
                // number too (then the width must be exact to split `dMyyyy`).
                let nextIsNumber = k + 1 < tokens.count && tokens[k + 1].isNumber
                let maxWidth = (w == 2 || nextIsNumber) ? w : 2
                guard let v = DatePattern.number(u, &i, min: w, max: maxWidth) else { return nil }
                switch token {
                case .day: d = v
                case .month: m = v
                default: hour = v
                }
            case .minute, .second:
                guard let v = DatePattern.number(u, &i, min: 2, max: 2) else { return nil }
                if token == .minute { minute = v } else { second = v }
            case .meridiem:
                guard let (isPM, next) = ClockTime.meridiem(u, from: i) else { return nil }
                pm = isPM
                i = next
            }
        }
        guard let date = CivilDate(year: y, month: m, day: d) else { return nil }
        guard hasTime else { return (date, nil, i) }
        guard let time = ClockTime(hour: hour, minute: minute, second: second, pm: pm) else { return nil }
        return (date, time, i)
    }

    static func number(_ u: UnsafeBufferPointer<UInt8>, _ i: inout Int, min: Int, max: Int) -> Int? {
        var v = 0, n = 0
        while n < max, i < u.count, (48...57).contains(u[i]) {
            v = v * 10 + Int(u[i] - 48); i += 1; n += 1
        }
        return n >= min ? v : nil
    }
}

extension DatePattern.Token {
    var isNumber: Bool {
        switch self {
        case .literal, .meridiem: return false
        default: return true
        }
    }
}
