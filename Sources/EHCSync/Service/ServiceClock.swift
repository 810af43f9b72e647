import EHCCore
import Foundation

/// The running service's wall clock: what `ehcsync run` takes as "now" for polls,
/// notice planning, the digest, deliveries and the figures. It is the real time,
/// except in tests: `EHCSYNC_TEST_CLOCK=START,RATE` (for example
/// `2026-11-23T06:00:00Z,24`) starts the clock at `START` when the service starts and
/// runs it `RATE` times faster than real time, so an hour's soak covers a day of
/// reminders, escalations and digests. This is `sync --now` for the service, and for
/// testing only: it is not in `--help` and the service logs a warning when it is set.
///
/// Only the service's idea of the date and time moves. Timings that are about the
/// machine stay real: how often feeds are polled (the monotonic timetable), whether a
/// dropped file has settled, the webhook signature's timestamp. Waits for a moment on
/// this clock (a retry's time, an HTTP feed's stored backoff) are turned into real
/// seconds by `realSeconds(until:)`.
public struct ServiceClock: Sendable {
    /// The environment variable that sets a test clock.
    public static let environmentKey = "EHCSYNC_TEST_CLOCK"

    /// Where the clock started (nil: the real time).
    public let start: Timestamp?
    /// Clock seconds per real second (1 for the real clock).
    public let rate: Double
    private let origin: ContinuousClock.Instant

    /// The real time.
    public static var system: ServiceClock { ServiceClock(start: nil, rate: 1, origin: .now) }

    /// A test clock that shows `start` at the monotonic instant `origin` and runs `rate` times real time.
    public static func accelerated(start: Timestamp, rate: Double, origin: ContinuousClock.Instant = .now) -> ServiceClock {
        ServiceClock(start: start, rate: rate, origin: origin)
    }

    private init(start: Timestamp?, rate: Double, origin: ContinuousClock.Instant) {
        self.start = start
        self.rate = rate
        self.origin = origin
    }

    /// The clock's time at the monotonic instant `instant` (by default, now).
    public func now(at instant: ContinuousClock.Instant = .now) -> Timestamp {
        guard let start else { return Timestamp(Date()) }
        let elapsed = origin.duration(to: instant).components
        let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        return Timestamp(millis: start.millis + Int64((seconds * rate * 1000).rounded()))
    }

    /// Real seconds until this clock shows `moment` (negative when it has passed).
    public func realSeconds(until moment: Timestamp) -> Double {
        Double(moment.millis - now().millis) / 1000 / rate
    }

    /// The clock an environment asks for: the real one when `EHCSYNC_TEST_CLOCK` is
    /// unset or empty; an error naming the variable when its value is not
    /// `START,RATE` with an RFC 3339 `START` and a `RATE` from 1 to 100,000.
    public static func from(environment: [String: String], zone: TimeZone) -> Result<ServiceClock, ClockSettingError> {
        guard let text = environment[environmentKey], !text.isEmpty else { return .success(.system) }
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count == 2, let start = Timestamp.parse(parts[0].trimmingCharacters(in: .whitespaces), zone: zone),
              let rate = Double(parts[1].trimmingCharacters(in: .whitespaces)), rate >= 1, rate <= 100_000 else {
            return .failure(ClockSettingError(description:
                "\(environmentKey): '\(text)' is not START,RATE (an RFC 3339 time and a speed-up from 1 to 100000, e.g. 2026-11-23T06:00:00Z,24)"))
        }
        return .success(.accelerated(start: start, rate: rate))
    }

    /// What the service logs at start when the clock is not the real one.
    public var warning: String? {
        guard let start else { return nil }
        return "clock: \(Self.environmentKey) is set: the service's clock started at \(start) and runs \(rate)× real time (for testing only)"
    }
}

/// A test clock setting that cannot be read.
public struct ClockSettingError: Error, CustomStringConvertible {
    public var description: String
}
