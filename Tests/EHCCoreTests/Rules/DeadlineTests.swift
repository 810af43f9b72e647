import Testing
@testable import EHCCore

@Suite struct DeadlineTests {
    let rules = AdviceRules()

    func state(_ la: FieldValues, laStatus: LAStatus = .requested, provider: ProviderStatus? = nil,
               answered: String? = nil) -> AdviceState {
        AdviceState(requestID: "R1", la: la, laStatus: laStatus, providerStatus: provider, answeredOn: answered.map(day))
    }

    @Test(arguments: [
        ("2026-11-01", AdviceStateKind.open, nil as Int?), ("2026-11-05", .due_soon, nil), ("2026-11-12", .due_soon, nil),
        ("2026-11-13", .overdue, 1), ("2026-12-12", .overdue, 30),
    ])
    func statesFollowTheDueDate(today: String, expected: AdviceStateKind, overdue: Int?) {
        let v = Deadlines.view(of: state([.requested_on: "2026-10-01"]), rules: rules, today: day(today), dueSoonDays: 7)
        #expect(v.dueOn == day("2026-11-12"))
        #expect(v.state == expected)
        #expect(v.daysOverdue == overdue)
    }

    @Test(arguments: [("2026-11-12", true), ("2026-11-13", false)])
    func onTimeMeansAnsweredOnOrBeforeTheDueDate(answered: String, onTime: Bool) {
        let v = Deadlines.view(of: state([.requested_on: "2026-10-01"], provider: .submitted, answered: answered),
                               rules: rules, today: day("2026-12-01"), dueSoonDays: 7)
        #expect(v.state == .answered)
        #expect(v.onTime == onTime)
    }

    @Test func acceptedIsClosedAndCancelledIsCancelled() {
        #expect(Deadlines.view(of: state([:], laStatus: .accepted), rules: rules, today: day("2026-01-01"), dueSoonDays: 7).state == .closed)
        #expect(Deadlines.view(of: state([:], laStatus: .cancelled), rules: rules, today: day("2026-01-01"), dueSoonDays: 7).state == .cancelled)
    }

    @Test func sixWeeksAreCalendarDaysAcrossTheClockChanges() {
        // 2026-03-29 and 2026-10-25 are the London clock changes; days are days.
        #expect(state([.requested_on: "2026-03-01"]).statutoryDueOn(rules) == day("2026-04-12"))
        #expect(state([.requested_on: "2026-10-01"]).statutoryDueOn(rules) == day("2026-11-12"))
    }

    @Test(arguments: [("2026-09-01", 1), ("2026-09-07", 1), ("2026-09-08", 2), ("2027-01-18", 20), ("2027-01-19", 21)])
    func theWeekOfTheTwentyWeekTimeline(today: String, week: Int) {
        let v = Deadlines.view(of: state([.assessment_requested_on: "2026-09-01", .requested_on: "2026-09-10"]),
                               rules: rules, today: day(today), dueSoonDays: 7)
        #expect(v.timelineWeek == week)
    }
}
