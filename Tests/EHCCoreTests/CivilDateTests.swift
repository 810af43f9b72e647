import Testing
@testable import EHCCore

@Suite struct CivilDateTests {
    @Test(arguments: [("2024-02-29", true), ("2023-02-29", false), ("2026-02-31", false),
                      ("2026-13-01", false), ("2026-04-30", true), ("2026-4-30", false), ("0000-01-01", false)])
    func onlyRealCalendarDatesParse(text: String, valid: Bool) {
        #expect((CivilDate(iso: text) != nil) == valid)
    }

    @Test func roundTripsThroughDaysSinceEpoch() {
        for days in stride(from: -719_000, through: 2_900_000, by: 997) {
            let d = CivilDate(daysSinceEpoch: days)
            #expect(CivilDate(iso: d.description) == d)
        }
    }

    @Test func writesFourDigitYearsAndTwoDigitMonthsAndDays() {
        #expect(CivilDate(daysSinceEpoch: 0).description == "1970-01-01")
        #expect(CivilDate(daysSinceEpoch: 20_514).description == "2026-03-02")
        #expect(CivilDate(daysSinceEpoch: -354_286).description == "0999-12-31")
        #expect(CivilDate(daysSinceEpoch: 2_932_896).description == "9999-12-31")
    }

    @Test func weekdaysAndArithmetic() throws {
        let d = try #require(CivilDate(iso: "2026-11-22"))  // a Sunday
        #expect(d.isoWeekday == 7)
        #expect(d.adding(days: 42).description == "2027-01-03")
        #expect(d.quarterStart.description == "2026-10-01")
    }
}

@Test func canonicalFieldOrdinalsFollowTheSpecTable() {
    #expect(CanonicalField.allCases.map(\.ordinal) == Array(0..<CanonicalField.allCases.count))
    #expect(Set(CanonicalField.allCases).count == CanonicalField.allCases.count)
}
