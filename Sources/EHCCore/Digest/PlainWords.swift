import Foundation

/// The words people read in digests and notices: dates written out, counts with the
/// right plural, codes turned into phrases. English only, fixed, and free of locale
/// settings so renderings are the same on every server. Public so the command line's
/// output says times the way the digest does.
public enum PlainWords {
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

extension PlainWords {
    /// "09:15 GMT": a local time of day in `zone`, with the zone's short name as
    /// people in it say it (GMT or BST in London), so a reader never converts.
    public static func localTime(_ t: Timestamp, in zone: TimeZone) -> String {
        let minute = t.localMinuteOfDay(in: zone)
        return CivilDate.pad(minute / 60, 2) + ":" + CivilDate.pad(minute % 60, 2) + " " + zoneName(t, zone)
    }

    /// "20 November 2026 at 09:15 GMT".
    static func localTimestamp(_ t: Timestamp, in zone: TimeZone) -> String {
        shortDate(t.localDate(in: zone)) + " at " + localTime(t, in: zone)
    }

    /// The zone's short name at `t` in British English ("GMT", "BST", "CET"), else its
    /// offset from UTC ("UTC+05:30"). Fixed by locale, not by the server's settings.
    static func zoneName(_ t: Timestamp, _ zone: TimeZone) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_GB")
        formatter.timeZone = zone
        formatter.dateFormat = "zzz"
        let name = formatter.string(from: t.date)
        if !name.isEmpty, !name.contains("+"), !name.contains("-") { return name }
        let offset = zone.secondsFromGMT(for: t.date) / 60
        if offset == 0 { return "UTC" }
        return "UTC" + (offset < 0 ? "-" : "+") + CivilDate.pad(abs(offset) / 60, 2) + ":" + CivilDate.pad(abs(offset) % 60, 2)
    }

    /// "Week 13 of 20" of the 20-week EHC timeline (reg 13(2)); past it, says so.
    static func timelineWeek(_ week: Int) -> String {
        week <= 20 ? "Week \(week) of 20" : "Week \(week), past the 20 weeks"
    }

    /// "Due today", "Due tomorrow", "Due in 3 days".
    static func dueIn(_ days: Int) -> String {
        days == 0 ? "Due today" : days == 1 ? "Due tomorrow" : "Due in \(days) days"
    }
}

extension PlainWords {
    /// "1 October to 22 November 2026", "1 to 22 October 2026", "5 December 2026 to
    /// 3 January 2027": a span of days as a person writes it.
    static func range(_ from: CivilDate, _ to: CivilDate) -> String {
        if from == to { return shortDate(from) }
        let a = from.components, b = to.components
        if a.year != b.year { return shortDate(from) + " to " + shortDate(to) }
        if a.month != b.month { return String(a.day) + " " + months[a.month - 1] + " to " + shortDate(to) }
        return String(a.day) + " to " + shortDate(to)
    }
}
