import Foundation
import Testing
@testable import EHCCore

@Suite struct DigestScheduleTests {
    let london = TimeZone(identifier: "Europe/London")!
    let schedule = DigestSchedule(hour: 7, minute: 30, weekdaysOnly: true)

    @Test(arguments: [
        ("2026-11-23T07:29:59Z", nil as String?),       // Monday, GMT: one second early
        ("2026-11-23T07:30:00Z", "2026-11-23"),
        ("2026-11-23T23:59:00Z", "2026-11-23"),          // down all day: still that day's digest
        ("2026-11-21T09:00:00Z", nil),                   // Saturday
        ("2026-06-01T06:29:00Z", nil),                   // BST: 07:29 local
        ("2026-06-01T06:30:00Z", "2026-06-01"),          // BST: 07:30 local
        ("2026-03-30T06:30:00Z", "2026-03-30"),          // Monday after the spring change: 07:30 BST
        ("2026-03-30T07:29:00Z", "2026-03-30"),
        ("2026-10-26T07:30:00Z", "2026-10-26"),          // Monday after the autumn change: 07:30 GMT
        ("2026-10-26T06:30:00Z", nil),
        ("2026-06-01T23:30:00Z", nil),                   // 00:30 BST on Tuesday: too early for Tuesday's
    ])
    func dueAtHalfSevenLocalOnWeekdays(now: String, expected: String?) throws {
        let t = try #require(Timestamp.parse(now, zone: london))
        #expect(schedule.dueDay(at: t, zone: london)?.description == expected)
    }

    @Test func weekendsWhenConfigured() throws {
        let everyDay = DigestSchedule(hour: 7, minute: 30, weekdaysOnly: false)
        let saturday = try #require(Timestamp.parse("2026-11-21T09:00:00Z", zone: london))
        #expect(everyDay.dueDay(at: saturday, zone: london)?.description == "2026-11-21")
    }

    @Test(arguments: ["2026-03-29", "2026-10-25"])
    func clockChangeSundaysAreDueAtLocalTimeWhenWeekendsAreOn(day: String) throws {
        let everyDay = DigestSchedule(hour: 7, minute: 30, weekdaysOnly: false)
        let d = try #require(CivilDate(iso: day))
        let at = Timestamp.local(d, minuteOfDay: 7 * 60 + 30, in: london)
        #expect(everyDay.dueDay(at: at, zone: london) == d)
        #expect(everyDay.dueDay(at: at.adding(seconds: -60), zone: london) == nil)
    }
}
