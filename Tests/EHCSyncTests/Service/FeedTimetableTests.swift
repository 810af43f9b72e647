import Foundation
import EHCCore
import Testing
@testable import EHCSync

/// The scheduler's timetable: each feed on its own `every`, the end-of-cycle work
/// every minute, reloads keeping each feed's place. Pure: times are plain seconds.
@Suite struct FeedTimetableTests {
    static func feed(_ name: String, every: Int) -> FeedConfig {
        FeedConfig(name: name, role: .la, everySeconds: every,
                   transport: .folder(FolderFeedConfig(path: "/srv/" + name, pattern: "*.csv")), format: .csv)
    }

    @Test func everythingIsDueAtStartInConfigOrder() {
        let t = FeedTimetable(feeds: [Self.feed("b", every: 60), Self.feed("a", every: 300)], now: 100)
        #expect(t.dueFeeds(at: 100) == ["b", "a"])
        #expect(t.isFinishDue(at: 100))
        #expect(t.nextWake == 100)
    }

    @Test func eachFeedWaitsItsOwnDelay() {
        var t = FeedTimetable(feeds: [Self.feed("fast", every: 60), Self.feed("slow", every: 300)], now: 0)
        t.polled("fast", at: 1, delay: 60)
        t.polled("slow", at: 2, delay: 300)
        t.finished(at: 3)
        #expect(t.dueFeeds(at: 60) == [])
        #expect(t.nextWake == 61)
        #expect(t.dueFeeds(at: 61) == ["fast"])
        #expect(!t.isFinishDue(at: 62) && t.isFinishDue(at: 63), "the end-of-cycle work comes a minute after the last")
        #expect(t.dueFeeds(at: 302) == ["fast", "slow"])
    }

    @Test func aReloadKeepsPlacesAddsNewFeedsAndDropsOldOnes() {
        var t = FeedTimetable(feeds: [Self.feed("kept", every: 300), Self.feed("faster", every: 600), Self.feed("gone", every: 60)], now: 0)
        for name in ["kept", "faster", "gone"] { t.polled(name, at: 10, delay: name == "kept" ? 300 : 600) }
        t.replaceFeeds([Self.feed("new", every: 60), Self.feed("kept", every: 300), Self.feed("faster", every: 120)], now: 50)
        #expect(t.order == ["new", "kept", "faster"])
        #expect(t.due["new"] == 50, "a new feed is polled at once")
        #expect(t.due["kept"] == 310, "an unchanged feed keeps its place")
        #expect(t.due["faster"] == 130, "a changed every counts from the last poll")
        #expect(t.due["gone"] == nil)
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

    @Test func aPostponedFeedIsNotDueBeforeItsTimeAndOthersAreUntouched() {
        var t = FeedTimetable(feeds: [Self.feed("api", every: 60), Self.feed("folder", every: 60)], now: 0)
        t.postpone("api", until: 3_600)
        #expect(t.dueFeeds(at: 0) == ["folder"])
        #expect(t.dueFeeds(at: 3_600) == ["api", "folder"])
        t.postpone("api", until: 10)  // never earlier than already due
        #expect(t.due["api"] == 3_600)
        t.postpone("gone", until: 5)
        #expect(t.due["gone"] == nil)
    }
}
