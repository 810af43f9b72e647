import Foundation

/// When the daily digest is due (SPEC §5): once per recipient per local day, at or
/// after `digest.at` in the configured zone, weekdays only unless configured
/// otherwise. A digest missed while the service was down goes out on the next cycle
/// the same day; the caller records the day so it is sent once.
public struct DigestSchedule: Sendable, Equatable {
    public var hour: Int
    public var minute: Int
    public var weekdaysOnly: Bool

    public init(hour: Int = 7, minute: Int = 30, weekdaysOnly: Bool = true) {
        self.hour = hour
        self.minute = minute
        self.weekdaysOnly = weekdaysOnly
    }

    /// The local day whose digest is due at `now`, or `nil` (too early, or a weekend).
    public func dueDay(at now: Timestamp, zone: TimeZone) -> CivilDate? {
        let day = now.localDate(in: zone)
        if weekdaysOnly && day.isWeekend { return nil }
        return now.localMinuteOfDay(in: zone) >= hour * 60 + minute ? day : nil
    }
}
