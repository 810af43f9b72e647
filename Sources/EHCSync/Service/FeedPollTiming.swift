import EHCCore
import Foundation

/// Decides how long after a poll a feed is polled again. This is the scheduler's one
/// hook for transports with a view of their own: an HTTP feed that backs off after
/// failures or was told `Retry-After` supplies its delay here; everything else waits
/// its `every` with ±10% jitter, so feeds configured alike drift apart instead of
/// polling in lockstep.
public struct FeedPollTiming: Sendable {
    /// Seconds from the end of a poll to the next poll of the same feed.
    public var delayAfterPoll: @Sendable (_ feed: FeedConfig, _ outcome: SyncEngine.FeedOutcome) -> Double

    public init(delayAfterPoll: @escaping @Sendable (_ feed: FeedConfig, _ outcome: SyncEngine.FeedOutcome) -> Double) {
        self.delayAfterPoll = delayAfterPoll
    }

    /// `every` × a factor drawn uniformly from `1 - spread ... 1 + spread`; after a
    /// failed HTTP poll, the feed's backoff (`retryAt`: at most about `every`, or
    /// longer when the server's `Retry-After` says so). `retryAt` is a moment on the
    /// service's clock, `now`; with a test clock running `rate` times real time, the
    /// wait is that many times shorter.
    public static func jittered(spread: Double = 0.1,
                                random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
                                now: @escaping @Sendable () -> Timestamp = { Timestamp(Date()) },
                                rate: Double = 1) -> FeedPollTiming {
        FeedPollTiming { feed, outcome in
            guard let retryAt = outcome.retryAt else { return Double(feed.everySeconds) * (1 - spread + 2 * spread * random()) }
            return Double(retryAt.millis - now().millis) / 1000 / rate
        }
    }
}
