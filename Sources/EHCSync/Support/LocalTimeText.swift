import EHCCore
import Foundation

/// Instants as a person in the place reads them: local time in the configured zone,
/// with the zone's abbreviation (`2026-10-01 09:12 BST`), for command-line output.
enum LocalTimeText {
    /// `yyyy-MM-dd HH:mm ZZZ` in `zone`.
    static func minute(_ t: Timestamp, in zone: TimeZone) -> String {
        let day = t.localDate(in: zone)
        let minute = t.localMinuteOfDay(in: zone)
        let abbreviation = zone.abbreviation(for: t.date) ?? zone.identifier
        return "\(day) " + String(format: "%02d:%02d", minute / 60, minute % 60) + " " + abbreviation
    }
}
