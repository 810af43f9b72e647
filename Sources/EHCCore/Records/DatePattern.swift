/// A feed's declared date format (`dd/MM/yyyy`, `d.M.yyyy`, `yyyyMMdd` …).
///
/// ISO `YYYY-MM-DD` is always accepted as well, because exports mix the two.
public struct DatePattern: Sendable, Equatable {
    enum Token: Equatable { case day(width: Int), month(width: Int), year, literal(UInt8) }

    let tokens: [Token]
    public let text: String

    /// Parses the pattern. `nil` when it lacks exactly one day, month and `yyyy` token
    /// or uses letters other than d, M and y (the config loader reports the reason).
    public init?(_ pattern: String) {
        var tokens: [Token] = []
        let u = Array(pattern.utf8)
        var i = 0
        var seen = (d: 0, m: 0, y: 0)
        while i < u.count {
            let c = u[i]
            var run = 1
            while i + run < u.count, u[i + run] == c { run += 1 }
            switch c {
            case UInt8(ascii: "d"):
                guard run <= 2 else { return nil }
                tokens.append(.day(width: run)); seen.d += 1
            case UInt8(ascii: "M"):
                guard run <= 2 else { return nil }
                tokens.append(.month(width: run)); seen.m += 1
            case UInt8(ascii: "y"):
                guard run == 4 else { return nil }
                tokens.append(.year); seen.y += 1
            default:
                if (65...90).contains(c) || (97...122).contains(c) { return nil }
                for _ in 0..<run { tokens.append(.literal(c)) }
            }
            i += run
        }
        guard seen == (1, 1, 1) else { return nil }
        self.tokens = tokens
        self.text = pattern
    }

    /// The date in `text`, or `nil` when it does not match or is not a real day.
    public func parse(_ text: some StringProtocol) -> CivilDate? {
        text.withUTF8Bytes(parse)
    }

    private func parse(_ u: UnsafeBufferPointer<UInt8>) -> CivilDate? {
        var i = 0
        var y = 0, m = 0, d = 0
        for (k, token) in tokens.enumerated() {
            switch token {
            case .literal(let c):
                guard i < u.count, u[i] == c else { return nil }
                i += 1
            case .year:
                guard let v = DatePattern.number(u, &i, min: 4, max: 4) else { return nil }
                y = v
            case .day(let w), .month(let w):
                // A one-letter token takes one or two digits, unless the next token is a
                // number too (then the width must be exact to split `dMyyyy`).
                let nextIsNumber = k + 1 < tokens.count && !(tokens[k + 1].isLiteral)
                let maxWidth = (w == 2 || nextIsNumber) ? w : 2
                guard let v = DatePattern.number(u, &i, min: w, max: maxWidth) else { return nil }
                if case .day = token { d = v } else { m = v }
            }
        }
        guard i == u.count else { return nil }
        return CivilDate(year: y, month: m, day: d)
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
    var isLiteral: Bool { if case .literal = self { return true } else { return false } }
}
