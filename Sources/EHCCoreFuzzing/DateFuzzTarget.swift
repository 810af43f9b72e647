import EHCCore
import Foundation

/// The date and timestamp fuzz target: one input is a selector byte, then text.
///
/// A selector below 0x80 picks a date pattern from a table of the formats feeds declare and
/// the whole text is the value; otherwise the text's first line is the pattern and the rest
/// the value. The value is read as an ISO date, with the pattern, and as an RFC 3339
/// timestamp in Europe/London, and each result is written out and read again.
public enum DateFuzzTarget {
    static let patterns = ["dd/MM/yyyy", "d/M/yyyy", "yyyyMMdd", "d.M.yyyy", "MM-dd-yyyy", "yyyy-M-d", "dd.MM.yyyy", "ddMMyyyy"]
    static let london = TimeZone(identifier: "Europe/London") ?? .gmt

    /// The properties `bytes` breaks, in words; empty when the code behaved.
    public static func check(_ input: UnsafeBufferPointer<UInt8>) -> [String] {
        guard input.count >= 1 else { return [] }
        let text = String(decoding: UnsafeBufferPointer(rebasing: input[1...]), as: UTF8.self)
        let pattern: String, value: Substring
        if input[0] < 0x80 {
            pattern = patterns[Int(input[0]) % patterns.count]
            value = Substring(text)
        } else {
            let split = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
            pattern = String(split[0])
            value = split.count > 1 ? split[1] : ""
        }
        var broken: [String] = []
        checkISODate(value, broken: &broken)
        if let datePattern = DatePattern(pattern) {
            checkPattern(datePattern, value, broken: &broken)
            checkDateAndTime(datePattern, value, broken: &broken)
        }
        checkTimestamp(value, broken: &broken)
        checkMapping(DatePattern(pattern), String(value), broken: &broken)
        return broken
    }

    /// An ISO date reads as a real day whose description is the text itself.
    static func checkISODate(_ value: Substring, broken: inout [String]) {
        guard let date = CivilDate(iso: value) else { return }
        if date.description != value { broken.append("iso '\(value)' reads as \(date)") }
        let c = date.components
        if CivilDate(year: c.year, month: c.month, day: c.day) != date { broken.append("iso '\(value)': components \(c) do not rebuild it") }
    }

    /// A date read with a pattern, written with the pattern and read again, is the same day.
    ///
    /// Not for patterns with a digit as a separator: `d1M` cannot tell the separator from a
    /// second digit of the day, and the config loader refuses such patterns' neighbours anyway.
    static func checkPattern(_ pattern: DatePattern, _ value: Substring, broken: inout [String]) {
        guard let date = pattern.parse(value) else { return }
        if CivilDate(iso: date.description) != date { broken.append("pattern \(pattern.text): '\(value)' gives \(date), not a real ISO day") }
        guard !pattern.text.utf8.contains(where: { (48...57).contains($0) }) else { return }
        let written = format(date, pattern.text)
        if pattern.parse(written) != date {
            broken.append("pattern \(pattern.text): '\(value)' gives \(date), written '\(written)', read back \(pattern.parse(written).map(String.init(describing:)) ?? "nil")")
        }
    }

    /// A date followed by a time, read with a date pattern, is the date alone plus a valid
    /// time, and reads back the same when written again with a plain 24-hour time.
    static func checkDateAndTime(_ pattern: DatePattern, _ value: Substring, broken: inout [String]) {
        guard let (date, time) = pattern.local(value) else { return }
        if pattern.parseDate(value) != date { broken.append("pattern \(pattern.text): '\(value)' date differs between readings") }
        guard let time else {
            if pattern.parse(value) != date { broken.append("pattern \(pattern.text): '\(value)' has no time but is not a date alone") }
            return
        }
        if ClockTime(hour: time.hour, minute: time.minute, second: time.second, millisecond: time.millisecond) != time {
            broken.append("pattern \(pattern.text): '\(value)' gives an invalid time \(time)")
        }
        guard !pattern.text.utf8.contains(where: { (48...57).contains($0) }) else { return }
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let written = format(date, pattern.text) + " " + two(time.hour) + ":" + two(time.minute) + ":" + two(time.second)
            + "." + String(1000 + time.millisecond).dropFirst()
        if let again = pattern.local(written), again.date == date, again.time == time { return }
        broken.append("pattern \(pattern.text): '\(value)' written as '\(written)' does not read back")
    }

    /// `date` in the pattern's form: `d` and `M` unpadded, `dd`, `MM` and `yyyy` padded.
    static func format(_ date: CivilDate, _ pattern: String) -> String {
        let c = date.components
        var out = ""
        var letters = Substring(pattern)
        while let first = letters.first {
            let run = letters.prefix { $0 == first }
            letters = letters.dropFirst(run.count)
            switch first {
            case "d": out += run.count == 2 && c.day < 10 ? "0\(c.day)" : "\(c.day)"
            case "M": out += run.count == 2 && c.month < 10 ? "0\(c.month)" : "\(c.month)"
            case "y": out += String(repeating: "0", count: max(0, 4 - "\(c.year)".count)) + "\(c.year)"
            default: out += run
            }
        }
        return out
    }

    /// A timestamp written as RFC 3339 in UTC reads back as the same instant; the zone only
    /// matters without an offset; without one, the wall-clock time is London's (clock changes aside).
    static func checkTimestamp(_ value: Substring, broken: inout [String]) {
        guard let instant = Timestamp.parse(value, zone: london) else { return }
        let bytes = Array(value.utf8)
        let utcYear = instant.localDate(in: .gmt).year
        if (1...9999).contains(utcYear) {
            let written = instant.description
            if Timestamp.parse(written, zone: london) != instant || Timestamp.parse(written, zone: .gmt) != instant {
                broken.append("timestamp '\(value)' gives \(written), which reads back as \(Timestamp.parse(written, zone: london).map(String.init(describing:)) ?? "nil")")
            }
        }
        let last = bytes.last ?? 0
        let hasOffset = last == UInt8(ascii: "Z") || last == UInt8(ascii: "z")
            || (bytes.count >= 6 && (bytes[bytes.count - 6] == UInt8(ascii: "+") || bytes[bytes.count - 6] == UInt8(ascii: "-")))
        if hasOffset {
            if Timestamp.parse(value, zone: .gmt) != instant { broken.append("timestamp '\(value)' with an offset depends on the zone") }
            if last == UInt8(ascii: "Z") || last == UInt8(ascii: "z") {
                let plusZero = String(decoding: bytes.dropLast(), as: UTF8.self) + "+00:00"
                if Timestamp.parse(plusZero, zone: london) != instant { broken.append("timestamp '\(value)' differs from '\(plusZero)'") }
            }
            return
        }
        // Local time: away from a clock change, London's wall clock at the instant is the text's.
        let date = instant.date
        let nearChange = london.secondsFromGMT(for: date.addingTimeInterval(-10_800)) != london.secondsFromGMT(for: date.addingTimeInterval(10_800))
        guard !nearChange, let day = CivilDate(iso: String(decoding: bytes[0..<10], as: UTF8.self)) else { return }
        let minute = (Int(bytes[11] - 48) * 10 + Int(bytes[12] - 48)) * 60 + Int(bytes[14] - 48) * 10 + Int(bytes[15] - 48)
        if instant.localDate(in: london) != day || instant.localMinuteOfDay(in: london) != minute {
            broken.append("local timestamp '\(value)' is \(instant), London wall clock \(instant.localDate(in: london)) minute \(instant.localMinuteOfDay(in: london))")
        }
    }

    /// The mapping's date and timestamp fields accept what the parsers accept, in canonical form.
    static func checkMapping(_ pattern: DatePattern?, _ value: String, broken: inout [String]) {
        let mapping = RecordMapping(role: .provider, datePattern: pattern, timeZone: london)
        if case .success(let text) = mapping.canonical(.received_on, value), CivilDate(iso: text)?.description != text {
            broken.append("received_on '\(value)' canonical '\(text)' is not an ISO date")
        }
        if case .success(let text) = mapping.canonical(.updated_at, value), text.isEmpty {
            broken.append("updated_at '\(value)' canonical text is empty")
        }
    }
}
