import Testing
@testable import EHCCore

/// The scheduler's timetable: each feed on its own `every`, the end-of-cycle work
/// every minute, reloads keeping each feed's place. Pure: times are plain seconds.
@Suite struct FeedTimetableTests {
    static func feed(_ name: String, every: Int) -> FeedTimetable.Feed {
        FeedTimetable.Feed(name: name, everySeconds: every)
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

    /// An HTTP feed's backoff after a failure: its window starts at an eighth of
    /// `every` and doubles to `every`, drawn in its upper half; a busy endpoint (429,
    /// 503) waits about a whole `every`.
    @Test(arguments: [
        (300, nil as Int?, RetrySchedule(baseSeconds: 37, capSeconds: 300, jitterFloor: 0.5)),
        (300, 500, RetrySchedule(baseSeconds: 37, capSeconds: 300, jitterFloor: 0.5)),
        (300, 429, RetrySchedule(baseSeconds: 300, capSeconds: 300, jitterFloor: 0.9)),
        (300, 503, RetrySchedule(baseSeconds: 300, capSeconds: 300, jitterFloor: 0.9)),
        (5, nil, RetrySchedule(baseSeconds: 1, capSeconds: 5, jitterFloor: 0.5)),
        (0, nil, RetrySchedule(baseSeconds: 1, capSeconds: 1, jitterFloor: 0.5)),
    ])
    func feedBackoffIsAWindowOfEvery(every: Int, status: Int?, schedule: RetrySchedule) {
        #expect(RetrySchedule.feedBackoff(everySeconds: every, status: status) == schedule)
    }

    /// However many failures in a row, a feed is polled again within its `every`.
    @Test(arguments: [1, 2, 3, 4, 10, 40])
    func feedBackoffNeverOutlastsEvery(failures: Int) {
        for status in [nil, 500, 429, 503] as [Int?] {
            let delay = RetrySchedule.feedBackoff(everySeconds: 300, status: status)
                .delaySeconds(after: failures, retryAfterSeconds: nil, jitter: 0.999_999)
            #expect(delay <= 300)
        }
    }
}
