import Foundation

/// Sizes as written in the config: a whole number of bytes, or with a decimal unit
/// `KB`, `MB`, `GB` (1000-based, as `max_bytes: 50MB` reads to most people) or a
/// binary one `KiB`, `MiB`, `GiB`. Units are case-insensitive; a space is allowed.
enum ByteSizeText {
    static let accepted = "write a whole number of bytes or a number with KB, MB or GB (e.g. 50MB)"

    static let units: [(suffix: String, multiplier: Int)] = [
        ("kib", 1024), ("mib", 1_048_576), ("gib", 1_073_741_824),
        ("kb", 1000), ("mb", 1_000_000), ("gb", 1_000_000_000), ("b", 1),
    ]

    /// Bytes, or a message saying what to write.
    static func bytes(_ raw: String) -> Result<Int, DurationText.Problem> {
        let text = raw.trimmingCharacters(in: .whitespaces)
        let lower = text.lowercased()
        var number = Substring(lower)
        var multiplier = 1
        for unit in units where lower.hasSuffix(unit.suffix) {
            number = lower.dropLast(unit.suffix.count)
            multiplier = unit.multiplier
            break
        }
        let digits = number.trimmingCharacters(in: .whitespaces)
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let count = Int(digits) else {
            return .failure(.init(message: "'\(ConfigReader.shown(text))' is not a size: " + accepted))
        }
        guard count > 0 else { return .failure(.init(message: "must be more than zero: " + accepted)) }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: multiplier)
        guard !overflow else { return .failure(.init(message: "'\(ConfigReader.shown(text))' is too large")) }
        return .success(bytes)
    }
}
