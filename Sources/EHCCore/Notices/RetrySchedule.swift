/// When to try a failed delivery again: exponential backoff with jitter, never
/// sooner than the server's `Retry-After`, and never past the give-up time.
public struct RetrySchedule: Sendable, Equatable {
    public var baseSeconds: Int
    public var capSeconds: Int
    /// The share of the window below which no delay is drawn: 0 for full jitter
    /// (anywhere in the window), ½ for a delay in the window's second half.
    public var jitterFloor: Double

    public init(baseSeconds: Int = 30, capSeconds: Int = 3600, jitterFloor: Double = 0) {
        self.baseSeconds = baseSeconds
        self.capSeconds = capSeconds
        self.jitterFloor = jitterFloor
    }

    /// The next attempt after `attempts` failures, or `nil` to give up. `jitter` is a
    /// number in 0..<1 from the caller (random in production, fixed in tests).
    ///
    /// When the jitter draws a time past `giveUpAt`, the last attempt is at `giveUpAt`
    /// itself: a notice is retried for the whole of `max_retry_hours`, not given up as
    /// much as an hour (the widest window) early. Only a `Retry-After` that reaches past
    /// the limit, or an attempt made at the limit, gives up.
    public func nextAttempt(after attempts: Int, now: Timestamp, retryAfterSeconds: Int?, giveUpAt: Timestamp,
                            jitter: Double) -> Timestamp? {
        let next = now.adding(seconds: delaySeconds(after: attempts, retryAfterSeconds: retryAfterSeconds, jitter: jitter))
        if next <= giveUpAt { return next }
        if let retryAfterSeconds, now.adding(seconds: retryAfterSeconds) > giveUpAt { return nil }
        return now < giveUpAt ? giveUpAt : nil
    }

    /// Seconds to wait after `attempts` failures: a random point (`jitter`, 0..<1) in a
    /// window that doubles with each failure from `baseSeconds` up to `capSeconds` (in
    /// its part above `jitterFloor`), at least 1, and never less than
    /// `retryAfterSeconds`. Shared by the outbox and the HTTP feeds, which never give up.
    public func delaySeconds(after attempts: Int, retryAfterSeconds: Int?, jitter: Double) -> Int {
        let exponent = min(max(attempts - 1, 0), 30)
        let ceiling = min(capSeconds, baseSeconds << exponent)
        let floor = min(max(jitterFloor, 0), 1)
        let point = floor + (1 - floor) * min(max(jitter, 0), 0.999_999)
        var delay = Int((Double(ceiling) * point).rounded(.down))
        delay = max(delay, 1)
        if let retryAfterSeconds { delay = max(delay, retryAfterSeconds) }
        return delay
    }
}
