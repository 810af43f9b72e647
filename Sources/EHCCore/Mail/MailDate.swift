/// The RFC 5322 `Date:` form, "Mon, 23 Nov 2026 07:30:00 +0000", from an instant and
/// the UTC offset to show it in. Fixed English names: the format is not localised.
public enum MailDate {
    static let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `offsetSeconds` east of UTC (3600 for British Summer Time); whole minutes are shown.
    public static func format(_ t: Timestamp, offsetSeconds: Int = 0) -> String {
        let secs = t.millis >= 0 ? t.millis / 1000 : (t.millis - 999) / 1000
        let local = secs + Int64(offsetSeconds)
        let dayNumber = Int(local >= 0 ? local / 86_400 : (local - 86_399) / 86_400)
        let rem = Int(local - Int64(dayNumber) * 86_400)
        let day = CivilDate(daysSinceEpoch: dayNumber)
        let c = day.components
        let sign = offsetSeconds < 0 ? "-" : "+"
        let offMinutes = abs(offsetSeconds) / 60
        return days[day.isoWeekday - 1] + ", " + CivilDate.pad(c.day, 2) + " " + months[c.month - 1] + " "
            + CivilDate.pad(c.year, 4) + " " + CivilDate.pad(rem / 3600, 2) + ":" + CivilDate.pad(rem / 60 % 60, 2) + ":"
            + CivilDate.pad(rem % 60, 2) + " " + sign + CivilDate.pad(offMinutes / 60, 2) + CivilDate.pad(offMinutes % 60, 2)
    }
}
