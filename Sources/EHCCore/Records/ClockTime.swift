/// A wall-clock time of day as exports write it after a date (SPEC §3): `9:12`, `09:12`,
/// `09:12:33`, with a fraction of a second, and `AM`/`PM` (`9:12 PM`, `9:12pm`).
///
/// Read leniently because Excel writes a date-and-time cell in whatever form its
/// locale and the cell's format give, and one export often mixes `9:12` and `09:12`.
/// What is refused is what could be read two ways or is not a time: an hour past 23
/// (or 0 or past 12 with AM/PM), minutes or seconds past 59, one-digit minutes, and
/// anything after the time (an offset belongs in RFC 3339).
public struct ClockTime: Sendable, Equatable {
    public let hour: Int
    public let minute: Int
    public let second: Int
    public let millisecond: Int

    /// A valid time, or `nil`. With `pm` set the hour is 1-12 on a 12-hour clock
    /// (12 AM is midnight, 12 PM noon); without, 0-23.
    public init?(hour: Int, minute: Int, second: Int = 0, millisecond: Int = 0, pm: Bool? = nil) {
        guard (0...59).contains(minute), (0...59).contains(second), (0...999).contains(millisecond) else { return nil }
        if let pm {
            guard (1...12).contains(hour) else { return nil }
            self.hour = hour % 12 + (pm ? 12 : 0)
        } else {
            guard (0...23).contains(hour) else { return nil }
            self.hour = hour
        }
        self.minute = minute
        self.second = second
        self.millisecond = millisecond
    }

    /// Seconds since local midnight.
    public var secondsOfDay: Int { hour * 3600 + minute * 60 + second }

    /// The time that makes up the rest of `u` after a date ending at `start`: `T` or one
    /// space, `H:mm` or `HH:mm`, optionally `:ss` and a fraction, optionally `AM`/`PM`
    /// (with or without a space before it, in either case).
    static func afterDate(_ u: UnsafeBufferPointer<UInt8>, from start: Int) -> ClockTime? {
        var i = start
        guard i < u.count, u[i] == UInt8(ascii: "T") || u[i] == UInt8(ascii: "t") || u[i] == UInt8(ascii: " ") else { return nil }
        i += 1
        guard let hour = DatePattern.number(u, &i, min: 1, max: 2), i < u.count, u[i] == UInt8(ascii: ":") else { return nil }
        i += 1
        guard let minute = DatePattern.number(u, &i, min: 2, max: 2) else { return nil }
        var second = 0, millisecond = 0
        if i < u.count, u[i] == UInt8(ascii: ":") {
            i += 1
            guard let s = DatePattern.number(u, &i, min: 2, max: 2) else { return nil }
            second = s
            if i < u.count, u[i] == UInt8(ascii: ".") || u[i] == UInt8(ascii: ",") {
                i += 1
                var scale = 100, digits = 0
                while i < u.count, (48...57).contains(u[i]) {
                    millisecond += Int(u[i] - 48) * scale
                    scale /= 10
                    i += 1
                    digits += 1
                }
                guard digits > 0 else { return nil }
            }
        }
        var pm: Bool?
        if i < u.count {
            if u[i] == UInt8(ascii: " ") { i += 1 }
            guard let (isPM, next) = meridiem(u, from: i), next == u.count else { return nil }
            pm = isPM
            i = next
        }
        return ClockTime(hour: hour, minute: minute, second: second, millisecond: millisecond, pm: pm)
    }

    /// `AM`/`PM` in any case at `start` (also `a.m.`/`p.m.`): whether it is PM, and where it ends.
    static func meridiem(_ u: UnsafeBufferPointer<UInt8>, from start: Int) -> (Bool, Int)? {
        guard start + 1 < u.count else { return nil }
        let first = u[start] | 0x20
        guard first == UInt8(ascii: "a") || first == UInt8(ascii: "p") else { return nil }
        if u[start + 1] | 0x20 == UInt8(ascii: "m") { return (first == UInt8(ascii: "p"), start + 2) }
        if start + 3 < u.count, u[start + 1] == UInt8(ascii: "."), u[start + 2] | 0x20 == UInt8(ascii: "m"),
           u[start + 3] == UInt8(ascii: ".") {
            return (first == UInt8(ascii: "p"), start + 4)
        }
        return nil
    }
}
