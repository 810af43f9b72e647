import Foundation
import Synchronization

/// An instant, kept as milliseconds since the Unix epoch so that observations sort exactly.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let millis: Int64

    public init(millis: Int64) { self.millis = millis }
    public init(_ date: Date) { millis = Int64((date.timeIntervalSince1970 * 1000).rounded()) }

    public var date: Date { Date(timeIntervalSince1970: Double(millis) / 1000) }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.millis < b.millis }

    public func adding(seconds: Int) -> Timestamp { Timestamp(millis: millis + Int64(seconds) * 1000) }

    /// Whole seconds since the epoch, rounded towards the past: before 1970, `millis / 1000`
    /// would round a fraction of a second up into the next second (or minute, or day).
    var epochSeconds: Int64 { millis >= 0 ? millis / 1000 : (millis - 999) / 1000 }

    /// RFC 3339 in UTC, with milliseconds only when there are any.
    public var description: String {
        let secs = epochSeconds
        let ms = Int(millis - secs * 1000)
        let days = Int(secs >= 0 ? secs / 86_400 : (secs - 86_399) / 86_400)
        let rem = Int(secs - Int64(days) * 86_400)
        var s = CivilDate(daysSinceEpoch: days).description + "T"
            + CivilDate.pad(rem / 3600, 2) + ":" + CivilDate.pad(rem / 60 % 60, 2) + ":" + CivilDate.pad(rem % 60, 2)
        if ms != 0 { s += "." + CivilDate.pad(ms, 3) }
        return s + "Z"
    }

    /// Parses RFC 3339 (`2026-03-29T01:30:00Z`, `…+01:00`, fractional seconds, `T` or a space).
    /// Without an offset the time is local in `zone`, as SPEC §3 says; a local time that
    /// the clocks skip (01:30 on the last Sunday of March in London) is read with the
    /// offset in force just before the change.
    public static func parse(_ text: some StringProtocol, zone: TimeZone) -> Timestamp? {
        text.withUTF8Bytes { parse($0, zone: zone, cache: nil) }
    }

    /// The same, with the offsets of local hours already worked out kept in `cache`:
    /// for a file's many local timestamps, each otherwise asks the zone three times.
    public static func parse(_ text: some StringProtocol, zone: TimeZone, cache: LocalOffsetCache?) -> Timestamp? {
        text.withUTF8Bytes { parse($0, zone: zone, cache: cache) }
    }

    private static func parse(_ u: UnsafeBufferPointer<UInt8>, zone: TimeZone, cache: LocalOffsetCache?) -> Timestamp? {
        guard u.count >= 16, let date = CivilDate.iso(UnsafeBufferPointer(rebasing: u[0..<10])),
              u[10] == UInt8(ascii: "T") || u[10] == UInt8(ascii: "t") || u[10] == UInt8(ascii: " "),
              let hh = CivilDate.digits(u, 11, 2), u[13] == UInt8(ascii: ":"),
              let mi = CivilDate.digits(u, 14, 2), hh < 24, mi < 60 else { return nil }
        var i = 16
        var ss = 0, ms = 0
        if i < u.count, u[i] == UInt8(ascii: ":") {
            guard i + 3 <= u.count, let s = CivilDate.digits(u, i + 1, 2), s < 61 else { return nil }
            ss = min(s, 59)
            i += 3
            if i < u.count, u[i] == UInt8(ascii: ".") || u[i] == UInt8(ascii: ",") {
                i += 1
                var scale = 100, n = 0
                while i < u.count, (48...57).contains(u[i]) {
                    ms += Int(u[i] - 48) * scale; scale /= 10; i += 1; n += 1
                }
                guard n > 0 else { return nil }
            }
        }
        let localSeconds = Int64(date.daysSinceEpoch) * 86_400 + Int64(hh * 3600 + mi * 60 + ss)
        let offset: Int
        if i == u.count {
            offset = Timestamp.offset(ofLocal: localSeconds, in: zone, cache: cache)
        } else if u[i] == UInt8(ascii: "Z") || u[i] == UInt8(ascii: "z") {
            guard i + 1 == u.count else { return nil }
            offset = 0
        } else if u[i] == UInt8(ascii: "+") || u[i] == UInt8(ascii: "-") {
            guard i + 6 == u.count, let oh = CivilDate.digits(u, i + 1, 2), u[i + 3] == UInt8(ascii: ":"),
                  let om = CivilDate.digits(u, i + 4, 2), oh < 24, om < 60 else { return nil }
            offset = (oh * 3600 + om * 60) * (u[i] == UInt8(ascii: "-") ? -1 : 1)
        } else {
            return nil
        }
        return Timestamp(millis: (localSeconds - Int64(offset)) * 1000 + Int64(ms))
    }

    /// The UTC offset that applies to a wall-clock time in `zone`. In the autumn overlap
    /// the first occurrence (summer time) is taken; in the spring gap, the offset before
    /// the change. With a `cache`, an hour with no change of offset near it is worked
    /// out once.
    static func offset(ofLocal localSeconds: Int64, in zone: TimeZone, cache: LocalOffsetCache? = nil) -> Int {
        let hour = localSeconds >= 0 ? localSeconds / 3600 : (localSeconds - 3599) / 3600
        if let known = cache?.offset(hour: hour, zone: zone.identifier) { return known }
        func offsetAt(_ utcSeconds: Int64) -> Int {
            zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(utcSeconds)))
        }
        let before = offsetAt(localSeconds - 43_200)
        let after = offsetAt(localSeconds + 43_200)
        if offsetAt(localSeconds - Int64(before)) == before {
            // With no change of offset within 12 hours either side, there is none within
            // 11 hours of any time in this local hour: the whole hour has this offset.
            if before == after { cache?.remember(before, hour: hour, zone: zone.identifier) }
            return before
        }
        if offsetAt(localSeconds - Int64(after)) == after { return after }
        return before
    }

    /// The local calendar day of this instant in `zone`.
    public func localDate(in zone: TimeZone) -> CivilDate {
        let local = epochSeconds + Int64(zone.secondsFromGMT(for: date))
        return CivilDate(daysSinceEpoch: Int(local >= 0 ? local / 86_400 : (local - 86_399) / 86_400))
    }

    /// Minutes since local midnight of this instant in `zone` (for "is it 07:30 yet").
    public func localMinuteOfDay(in zone: TimeZone) -> Int {
        let local = epochSeconds + Int64(zone.secondsFromGMT(for: date))
        let secs = ((local % 86_400) + 86_400) % 86_400
        return Int(secs / 60)
    }

    /// The instant of a local wall-clock time on a given day in `zone`.
    public static func local(_ day: CivilDate, minuteOfDay: Int, in zone: TimeZone) -> Timestamp {
        local(day, secondOfDay: minuteOfDay * 60, in: zone)
    }

    /// The instant of a local wall-clock second (and millisecond) on a given day in
    /// `zone`, with the offset rule of `offset(ofLocal:in:cache:)` at the clock changes.
    public static func local(_ day: CivilDate, secondOfDay: Int, millisecond: Int = 0, in zone: TimeZone,
                             cache: LocalOffsetCache? = nil) -> Timestamp {
        let localSeconds = Int64(day.daysSinceEpoch) * 86_400 + Int64(secondOfDay)
        return Timestamp(millis: (localSeconds - Int64(offset(ofLocal: localSeconds, in: zone, cache: cache))) * 1000
                         + Int64(millisecond))
    }
}

/// The UTC offsets of local hours already worked out, for one zone at a time: a large
/// file's local timestamps would each ask the time zone three times, under
/// Foundation's lock. Only hours with no change of offset near them are kept.
///
/// Owned by whoever reads the timestamps (the I/O side makes one per feed's mapping,
/// `RecordMapping.offsetCache`) and passed in: the core keeps no cache of its own. It
/// is locked, as a mapping's copies may read on two threads (the preparing thread and
/// the writer).
public final class LocalOffsetCache: Sendable {
    /// Hours kept before the cache starts again: about 11 years of local hours.
    static let limit = 100_000

    private struct State {
        var zone = ""
        var offsets: [Int64: Int] = [:]
    }
    private let state = Mutex(State())

    /// An empty cache.
    public init() {}

    /// The offset kept for a local hour of `zone`, if any.
    func offset(hour: Int64, zone: String) -> Int? {
        state.withLock { $0.zone == zone ? $0.offsets[hour] : nil }
    }

    /// Keeps the offset of a local hour of `zone`; another zone starts the cache again.
    func remember(_ offset: Int, hour: Int64, zone: String) {
        state.withLock { s in
            if s.zone != zone || s.offsets.count >= Self.limit { s = State(zone: zone) }
            s.offsets[hour] = offset
        }
    }
}
