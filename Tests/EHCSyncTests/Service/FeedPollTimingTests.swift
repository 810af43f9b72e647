import Foundation
import EHCCore
import Testing
@testable import EHCSync

/// How long after a poll a feed waits: its `every` with jitter, or its backoff after
/// a failure (the timetable itself is tested in the core).
@Suite struct FeedPollTimingTests {
    static func feed(_ name: String, every: Int) -> FeedConfig {
        FeedConfig(name: name, role: .la, everySeconds: every,
                   transport: .folder(FolderFeedConfig(path: "/srv/" + name, pattern: "*.csv")), format: .csv)
    }

    @Test func jitterStaysWithinTenPercentOfEvery() {
        let feed = Self.feed("a", every: 300)
        let outcome = SyncEngine.FeedOutcome(name: "a", result: nil, error: nil)
        #expect(FeedPollTiming.jittered(random: { 0 }).delayAfterPoll(feed, outcome) == 270)
        #expect(FeedPollTiming.jittered(random: { 0.5 }).delayAfterPoll(feed, outcome) == 300)
        #expect(abs(FeedPollTiming.jittered(random: { 0.999_999 }).delayAfterPoll(feed, outcome) - 330) < 0.001)
    }

    /// After a failure the feed waits its backoff, shorter than `every` at first (a
    /// blip is retried soon), or as long as the server's `Retry-After` says.
    @Test func aFeedBackingOffWaitsForItsRetryTime() {
        let feed = Self.feed("a", every: 300)
        let now = Timestamp(millis: 1_000_000)
        let timing = FeedPollTiming.jittered(random: { 0.5 }, now: { now })
        let later = SyncEngine.FeedOutcome(name: "a", result: nil, error: "HTTP 429", retryAt: now.adding(seconds: 3_600))
        #expect(timing.delayAfterPoll(feed, later) == 3_600, "Retry-After of an hour outlasts every")
        let sooner = SyncEngine.FeedOutcome(name: "a", result: nil, error: "HTTP 500", retryAt: now.adding(seconds: 20))
        #expect(timing.delayAfterPoll(feed, sooner) == 20, "a backoff shorter than every")
    }
}
