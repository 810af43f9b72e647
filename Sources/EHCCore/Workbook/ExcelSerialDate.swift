/// Excel's date and time cells, which a workbook stores as serial numbers (days since
/// an epoch, the time of day as a fraction), turned into the ISO text the field
/// parsers read: `yyyy-MM-dd` for a whole day, `yyyy-MM-ddTHH:mm:ss` with a time
/// (a timestamp without an offset, so local time in the configured zone, SPEC §3).
///
/// Two systems, chosen per workbook by `date1904` in `workbook.xml`:
/// - **1900** (every workbook Excel for Windows makes): serial 1 is 1900-01-01. Excel
///   counts a 29 February 1900 that never was (Lotus 1-2-3's leap-year bug, kept for
///   compatibility), so serial 60 is that fictitious day and every serial from 61 on is
///   one day later than a plain count would say. Serial 60 comes out as `1900-02-29`,
///   which no date parser accepts: a row naming it fails on that field, as it should.
/// - **1904** (old Mac workbooks): serial 0 is 1904-01-01, with no such gap.
///
/// Times are rounded to the nearest second, as Excel shows them; a time that rounds up
/// to midnight moves to the next day. A serial below one day in the 1900 system is a
/// time of day alone (`09:30:00`), which no date field takes either.
public enum ExcelSerialDate {
    /// The epoch of a workbook's date serials.
    public enum System: Sendable, Equatable {
        case from1900, from1904
    }

    /// The largest serial Excel accepts: 9999-12-31 in the 1900 system.
    static let maxSerial = 2_958_465.0
    /// Days from 1970-01-01 back to the day before each epoch's serial 0 counts from.
    private static let day1900 = CivilDate(year: 1899, month: 12, day: 31)!.daysSinceEpoch
    private static let day1904 = CivilDate(year: 1904, month: 1, day: 1)!.daysSinceEpoch

    /// The ISO text of `serial` in `system`, or `nil` for a value that is no date
    /// (negative, not finite, past 9999-12-31).
    public static func isoText(_ serial: Double, system: System) -> String? {
        guard serial.isFinite, serial >= 0, serial < maxSerial + 1 else { return nil }
        let seconds = Int64((serial * 86_400).rounded())
        let days = Int(seconds / 86_400)
        let secondOfDay = Int(seconds % 86_400)
        let time = secondOfDay == 0 ? "" : timeText(secondOfDay)
        switch system {
        case .from1904:
            return CivilDate(daysSinceEpoch: day1904 + days).description + (time.isEmpty ? "" : "T" + time)
        case .from1900:
            if days == 0 { return timeText(secondOfDay) }
            let date: String
            if days < 60 {
                date = CivilDate(daysSinceEpoch: day1900 + days).description
            } else if days == 60 {
                date = "1900-02-29"
            } else {
                date = CivilDate(daysSinceEpoch: day1900 + days - 1).description
            }
            return date + (time.isEmpty ? "" : "T" + time)
        }
    }

    /// `HH:mm:ss`.
    private static func timeText(_ secondOfDay: Int) -> String {
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return two(secondOfDay / 3600) + ":" + two(secondOfDay / 60 % 60) + ":" + two(secondOfDay % 60)
    }
}
