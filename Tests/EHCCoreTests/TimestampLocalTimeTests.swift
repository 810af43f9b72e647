import Foundation
import Testing
@testable import EHCCore

/// The local day and minute of an instant before 1970 with a fraction of a second: the
/// seconds must round towards the past, as the clock reads (found by the date fuzz target).
@Suite struct TimestampLocalTimeTests {
    @Test func halfASecondBefore1970IsStillThe31stOfDecember() {
        let instant = Timestamp(millis: -500)
        #expect(instant.description == "1969-12-31T23:59:59.500Z")
        #expect(instant.localDate(in: .gmt).description == "1969-12-31")
        #expect(instant.localMinuteOfDay(in: .gmt) == 23 * 60 + 59)
    }

    @Test func localTimeInLondonBefore1970KeepsItsMinute() throws {
        let london = try #require(TimeZone(identifier: "Europe/London"))
        let instant = try #require(Timestamp.parse("1960-01-01T00:59:59.999", zone: london))
        #expect(instant.localDate(in: london).description == "1960-01-01")
        #expect(instant.localMinuteOfDay(in: london) == 59)
    }
}
