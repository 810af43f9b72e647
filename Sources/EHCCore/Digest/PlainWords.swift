/// The words people read in digests and notices: dates written out, counts with the
/// right plural, codes turned into phrases. English only, fixed, and free of locale
/// settings so renderings are the same on every server.
enum PlainWords {
    static let weekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    static let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                         "October", "November", "December"]

    /// "Monday 23 November 2026".
    static func longDate(_ d: CivilDate) -> String {
        let c = d.components
        return weekdays[d.isoWeekday - 1] + " " + String(c.day) + " " + months[c.month - 1] + " " + String(c.year)
    }

    /// "1 October 2026".
    static func shortDate(_ d: CivilDate) -> String {
        let c = d.components
        return String(c.day) + " " + months[c.month - 1] + " " + String(c.year)
    }

    /// "1 request", "3 requests".
    static func count(_ n: Int, _ singular: String, _ plural: String? = nil) -> String {
        String(n) + " " + (n == 1 ? singular : plural ?? singular + "s")
    }

    /// The reg 8(2) ground in words.
    static func exception(_ e: AdviceException) -> String {
        switch e {
        case .exceptional_circumstances: return "exceptional circumstances"
        case .absent_from_area: return "absent from area"
        case .missed_appointment: return "missed appointment"
        }
    }

    /// "identity mismatch".
    static func conflict(_ k: ConflictKind) -> String {
        k.rawValue.replacingOccurrences(of: "_", with: " ")
    }

    /// "33.3%", or "-" when there is no rate yet.
    static func percent(_ v: Double?) -> String {
        v.map { DecimalText.oneDecimal($0) + "%" } ?? "-"
    }

    /// An NHS number as the NHS writes it, `943 476 5919`; anything else unchanged.
    static func nhsNumber(_ s: String) -> String {
        let digits = s.filter { $0 != " " }
        guard digits.count == 10, digits.allSatisfy(\.isASCII) else { return s }
        let a = digits.prefix(3), b = digits.dropFirst(3).prefix(3), c = digits.suffix(4)
        return a + " " + b + " " + c
    }

    /// "Yes"/"No" reads better than true/false in a table.
    static func yesNo(_ b: Bool) -> String { b ? "yes" : "no" }
}

extension PlainWords {
    /// "2026-11-20 09:15 UTC": an instant, to the minute, in the one zone every reader shares.
    static func timestamp(_ t: Timestamp) -> String {
        let s = t.description  // 2026-11-20T09:15:00Z or with millis
        let u = Array(s.utf8)
        guard u.count >= 16 else { return s }
        return String(decoding: u[0..<10], as: UTF8.self) + " " + String(decoding: u[11..<16], as: UTF8.self) + " UTC"
    }
}
