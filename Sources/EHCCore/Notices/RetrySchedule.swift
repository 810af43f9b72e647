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
    public func nextAttempt(after attempts: Int, now: Timestamp, retryAfterSeconds: Int?, giveUpAt: Timestamp,
                            jitter: Double) -> Timestamp? {
        let exponent = min(max(attempts - 1, 0), 30)
        let ceiling = min(capSeconds, baseSeconds << exponent)
        var delay = Int((Double(ceiling) * min(max(jitter, 0), 0.999_999)).rounded(.down))
        delay = max(delay, 1)
        if let retryAfterSeconds { delay = max(delay, retryAfterSeconds) }
        let next = now.adding(seconds: delay)
        return next <= giveUpAt ? next : nil
    }
}
