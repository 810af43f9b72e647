import EHCCore
import Foundation
import Testing
@testable import EHCSync

/// The service's test clock (`EHCSYNC_TEST_CLOCK=START,RATE`): it starts where it is
/// told, runs at its rate from a monotonic origin, turns its moments back into real
/// waits, and refuses a setting it cannot read.
@Suite struct ServiceClockTests {
    static let london = TimeZone(identifier: "Europe/London") ?? .gmt

    @Test func anAcceleratedClockStartsAtItsStartAndRunsAtItsRate() throws {
        let origin = ContinuousClock.now
        let start = try #require(Timestamp.parse("2026-11-23T06:00:00Z", zone: Self.london))
        let clock = ServiceClock.accelerated(start: start, rate: 24, origin: origin)
        #expect(clock.now(at: origin) == start)
        #expect(clock.now(at: origin + .seconds(150)).description == "2026-11-23T07:00:00Z", "150 real seconds are an hour at 24×")
        #expect(clock.now(at: origin + .seconds(3_600)).description == "2026-11-24T06:00:00Z", "an hour is a day")
        #expect(clock.now(at: origin + .milliseconds(500)).millis - start.millis == 12_000)
    }

    @Test func aMomentOnTheClockIsTurnedIntoRealSeconds() throws {
        let start = try #require(Timestamp.parse("2026-11-23T06:00:00Z", zone: Self.london))
        let clock = ServiceClock.accelerated(start: start, rate: 24)
        let inAnHour = start.adding(seconds: 3_600)
        #expect(abs(clock.realSeconds(until: inAnHour) - 150) < 1, "an hour on the clock is 150 real seconds away")
        #expect(clock.realSeconds(until: start.adding(seconds: -240)) < -9)
        let system = ServiceClock.system
        #expect(abs(system.realSeconds(until: Timestamp(Date()).adding(seconds: 60)) - 60) < 1)
    }

    @Test func theRealClockIsUsedWhenNothingIsSet() throws {
        for environment in [[:], [ServiceClock.environmentKey: ""]] {
            let clock = try ServiceClock.from(environment: environment, zone: Self.london).get()
            #expect(clock.start == nil && clock.rate == 1 && clock.warning == nil)
            #expect(abs(clock.now().millis - Timestamp(Date()).millis) < 1_000)
        }
    }

    @Test func theEnvironmentSetsStartAndRate() throws {
        let clock = try ServiceClock.from(environment: [ServiceClock.environmentKey: "2026-11-23T06:00:00Z,36"], zone: Self.london).get()
        #expect(clock.start?.description == "2026-11-23T06:00:00Z")
        #expect(clock.rate == 36)
        #expect(clock.warning?.contains("for testing only") == true)
        let local = try ServiceClock.from(environment: [ServiceClock.environmentKey: "2026-07-01T08:00:00, 2.5"], zone: Self.london).get()
        #expect(local.start?.description == "2026-07-01T07:00:00Z", "an offset-less start is local time")
        #expect(local.rate == 2.5)
    }

    @Test(arguments: ["2026-11-23T06:00:00Z", "2026-11-23T06:00:00Z,", "tomorrow,24", "2026-11-23T06:00:00Z,0.5",
                      "2026-11-23T06:00:00Z,fast", "2026-11-23T06:00:00Z,24,1", "2026-11-23T06:00:00Z,1000001"])
    func aSettingThatCannotBeReadIsRefused(_ text: String) {
        guard case .failure(let error) = ServiceClock.from(environment: [ServiceClock.environmentKey: text], zone: Self.london) else {
            Issue.record("'\(text)' was accepted")
            return
        }
        #expect(error.description.hasPrefix("EHCSYNC_TEST_CLOCK: '\(text)'"))
    }

    @Test func aBackoffOnAnAcceleratedClockIsWaitedInRealSeconds() {
        let feed = FeedPollTimingTests.feed("a", every: 60)
        let now = Timestamp(millis: 1_000_000)
        let timing = FeedPollTiming.jittered(random: { 0.5 }, now: { now }, rate: 24)
        let later = SyncEngine.FeedOutcome(name: "a", result: nil, error: "HTTP 429", retryAt: now.adding(seconds: 7_200))
        #expect(timing.delayAfterPoll(feed, later) == 300, "two hours on a 24× clock are 300 real seconds")
    }
}
