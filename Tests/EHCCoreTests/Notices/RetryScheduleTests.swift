import Testing
@testable import EHCCore

@Suite struct RetryScheduleTests {
    let s = RetrySchedule(baseSeconds: 30, capSeconds: 3600)
    let now = Timestamp(millis: 1_000_000_000)
    var far: Timestamp { now.adding(seconds: 86_400) }

    @Test(arguments: [(1, 30), (2, 60), (3, 120), (8, 3600), (40, 3600)])
    func backoffDoublesUpToTheCap(attempts: Int, ceiling: Int) throws {
        let top = try #require(s.nextAttempt(after: attempts, now: now, retryAfterSeconds: nil, giveUpAt: far, jitter: 0.999_999))
        #expect(top.millis - now.millis <= Int64(ceiling) * 1000)
        #expect(top.millis - now.millis >= Int64(ceiling - 1) * 1000)
        let low = try #require(s.nextAttempt(after: attempts, now: now, retryAfterSeconds: nil, giveUpAt: far, jitter: 0))
        #expect(low == now.adding(seconds: 1))
    }

    /// With a floor, the delay is drawn from the window's upper part only.
    @Test(arguments: [(0.0, 60), (0.5, 120), (0.999_999, 119)])
    func aJitterFloorKeepsTheDelayInTheWindowsUpperPart(jitter: Double, seconds: Int) {
        let half = RetrySchedule(baseSeconds: 30, capSeconds: 120, jitterFloor: 0.5)
        #expect(half.delaySeconds(after: 3, retryAfterSeconds: nil, jitter: jitter) == (jitter == 0.5 ? 90 : seconds))
        #expect(half.delaySeconds(after: 9, retryAfterSeconds: nil, jitter: 0) == 60, "capped window 120, floor ½")
        #expect(half.delaySeconds(after: 1, retryAfterSeconds: 500, jitter: 0) == 500)
    }

    @Test func retryAfterIsHonoured() throws {
        let next = try #require(s.nextAttempt(after: 1, now: now, retryAfterSeconds: 600, giveUpAt: far, jitter: 0.5))
        #expect(next == now.adding(seconds: 600))
    }

    @Test func givesUpWhenTheNextAttemptWouldBePastTheLimit() {
        #expect(s.nextAttempt(after: 1, now: now, retryAfterSeconds: 7200, giveUpAt: now.adding(seconds: 3600), jitter: 0.5) == nil)
    }

    /// A notice is retried for the whole of `max_retry_hours`: a backoff drawn past the
    /// limit makes one last attempt at the limit, where it used to give up at once, as
    /// much as an hour early. Found by the channel outage harness.
    @Test func aBackoffDrawnPastTheLimitTriesOnceMoreAtTheLimit() {
        let limit = now.adding(seconds: 600)
        #expect(s.nextAttempt(after: 8, now: now, retryAfterSeconds: nil, giveUpAt: limit, jitter: 0.99) == limit)
        #expect(s.nextAttempt(after: 8, now: now, retryAfterSeconds: 300, giveUpAt: limit, jitter: 0.99) == limit,
                "a Retry-After within the limit is still honoured by the attempt at the limit")
        #expect(s.nextAttempt(after: 9, now: limit, retryAfterSeconds: nil, giveUpAt: limit, jitter: 0.99) == nil,
                "the attempt at the limit was the last")
    }
}
