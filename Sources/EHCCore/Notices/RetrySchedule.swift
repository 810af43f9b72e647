/// When to try a failed delivery again: exponential backoff with full jitter, never
/// sooner than the server's `Retry-After`, and never past the give-up time.
public struct RetrySchedule: Sendable, Equatable {
    public var baseSeconds: Int
    public var capSeconds: Int

    public init(baseSeconds: Int = 30, capSeconds: Int = 3600) {
        self.baseSeconds = baseSeconds
        self.capSeconds = capSeconds
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
    /// window that doubles with each failure from `baseSeconds` up to `capSeconds`, at
    /// least 1, and never less than `retryAfterSeconds`. Shared by the outbox and the
    /// HTTP feeds, which never give up.
    public func delaySeconds(after attempts: Int, retryAfterSeconds: Int?, jitter: Double) -> Int {
        let exponent = min(max(attempts - 1, 0), 30)
        let ceiling = min(capSeconds, baseSeconds << exponent)
        var delay = Int((Double(ceiling) * min(max(jitter, 0), 0.999_999)).rounded(.down))
        delay = max(delay, 1)
        if let retryAfterSeconds { delay = max(delay, retryAfterSeconds) }
        return delay
    }
}
