import Foundation
import Testing
@testable import EHCCore

/// Dates and times as exports write them (SPEC §3): a feed's `date_format` followed by a
/// time is local time in the feed's zone, a date field given a date and a time takes the
/// date, and `timestamp_format` pins one form. London's clocks in 2026 go forward at 01:00
/// GMT on 29 March and back at 02:00 BST on 25 October.
@Suite struct ExportDateTimeTests {
    static let london = TimeZone(identifier: "Europe/London")!

    static func mapping(_ date: String?, timestamp: String? = nil) -> RecordMapping {
        RecordMapping(role: .provider, datePattern: date.flatMap { DatePattern($0) },
                      timestampPattern: timestamp.flatMap { DatePattern(timestamp: $0) }, timeZone: london)
    }

    @Test(arguments: [
        ("dd/MM/yyyy", "01/10/2026 09:12", "2026-10-01T08:12:00Z"),          // Excel's usual form, BST
        ("dd/MM/yyyy", "01/10/2026 9:12", "2026-10-01T08:12:00Z"),           // one-digit hour
        ("dd/MM/yyyy", "01/10/2026 09:12:33", "2026-10-01T08:12:33Z"),
        ("dd/MM/yyyy", "01/10/2026 09:12:33.250", "2026-10-01T08:12:33.250Z"),
        ("dd/MM/yyyy", "01/10/2026T09:12", "2026-10-01T08:12:00Z"),
        ("dd/MM/yyyy", "01/10/2026 9:12 PM", "2026-10-01T20:12:00Z"),
        ("dd/MM/yyyy", "01/10/2026 9:12pm", "2026-10-01T20:12:00Z"),
        ("dd/MM/yyyy", "01/10/2026 9:12 p.m.", "2026-10-01T20:12:00Z"),
        ("dd/MM/yyyy", "01/10/2026 12:05 AM", "2026-09-30T23:05:00Z"),       // 12 AM is midnight
        ("dd/MM/yyyy", "01/10/2026 12:05 PM", "2026-10-01T11:05:00Z"),       // 12 PM is noon
        ("dd/MM/yyyy", "01/12/2026 09:12", "2026-12-01T09:12:00Z"),          // GMT
        ("dd/MM/yyyy", "01/10/2026", "2026-09-30T23:00:00Z"),                // a date alone: local midnight
        ("d/M/yyyy", "1/10/2026 9:12", "2026-10-01T08:12:00Z"),
        ("d/M/yyyy", "1/10/2026 09:12:33", "2026-10-01T08:12:33Z"),
        ("yyyyMMdd", "20261001 09:12", "2026-10-01T08:12:00Z"),
        ("dd/MM/yyyy", "2026-10-01 9:12", "2026-10-01T08:12:00Z"),           // ISO date, Excel-style time
        ("dd/MM/yyyy", "2026-10-01T09:12:00+01:00", "2026-10-01T08:12:00Z"), // RFC 3339 always
        // Clock changes: a skipped local time takes the offset before the change; a
        // repeated one is its first occurrence (summer time).
        ("dd/MM/yyyy", "29/03/2026 00:59", "2026-03-29T00:59:00Z"),
        ("dd/MM/yyyy", "29/03/2026 01:30", "2026-03-29T01:30:00Z"),          // does not exist in London
        ("dd/MM/yyyy", "29/03/2026 02:00", "2026-03-29T01:00:00Z"),
        ("dd/MM/yyyy", "25/10/2026 00:59", "2026-10-24T23:59:00Z"),
        ("dd/MM/yyyy", "25/10/2026 01:30", "2026-10-25T00:30:00Z"),          // happens twice: the first
        ("dd/MM/yyyy", "25/10/2026 02:00", "2026-10-25T02:00:00Z"),
    ])
    func dateFormatReadsADateFollowedByATimeAsLocalTime(format: String, text: String, instant: String) throws {
        #expect(try Self.mapping(format).canonical(.updated_at, text).get() == instant)
    }

    @Test(arguments: [
        ("dd/MM/yyyy", "01/10/2026 24:00"), ("dd/MM/yyyy", "01/10/2026 9:60"), ("dd/MM/yyyy", "01/10/2026 09:12:60"),
        ("dd/MM/yyyy", "01/10/2026 13:00 PM"), ("dd/MM/yyyy", "01/10/2026 0:30 AM"), ("dd/MM/yyyy", "01/10/2026 09.12"),
        ("dd/MM/yyyy", "01/10/2026 0912"), ("dd/MM/yyyy", "01/10/2026 9:5"), ("dd/MM/yyyy", "01/10/2026 09:12 XYZ"),
        ("dd/MM/yyyy", "01/10/2026 09:12Z"), ("dd/MM/yyyy", "01/10/2026  09:12"), ("dd/MM/yyyy", "01/10/2026 09:12:"),
        ("dd/MM/yyyy", "01/10/2026 09:12:33."), ("dd/MM/yyyy", "01/10/2026 :12"), ("dd/MM/yyyy", "31/02/2026 09:12"),
        ("dd/MM/yyyy", "01/10/2026 123:12"), ("dd/MM/yyyy", "01/10/2026 9:12 PMX"), ("dd/MM/yyyy", "01/10/2026_09:12"),
        ("dd/MM/yyyy", "1/10/2026 9:12"),                                     // dd wants two digits
    ])
    func otherTimesAfterADateAreRowErrors(format: String, text: String) {
        #expect(throws: FieldProblem.self) { try Self.mapping(format).canonical(.updated_at, text).get() }
    }

    @Test func aDateThatWouldReadWithDayMonthYearSaysSo() throws {
        let strict = Self.mapping("dd/MM/yyyy")
        for (field, text) in [(CanonicalField.updated_at, "1/10/2026 9:12"), (.received_on, "1/10/2026")] {
            guard case .failure(let problem) = strict.canonical(field, text) else {
                Issue.record("'\(text)' was accepted for \(field)")
                continue
            }
            #expect(problem.message.hasSuffix("it would read with date_format: d/M/yyyy"), "\(problem.message)")
        }
        guard case .failure(let problem) = Self.mapping(nil).canonical(.received_on, "13/10/2026") else {
            Issue.record("accepted without a date_format")
            return
        }
        #expect(problem.message.contains("d/M/yyyy"))
        guard case .failure(let notADate) = strict.canonical(.received_on, "next Tuesday") else { return }
        #expect(!notADate.message.contains("would read"))
    }

    @Test(arguments: [
        ("dd/MM/yyyy", "01/10/2026 09:12", "2026-10-01"),
        ("dd/MM/yyyy", "01/10/2026 23:59:59", "2026-10-01"),
        ("dd/MM/yyyy", "01/10/2026 11:30 PM", "2026-10-01"),
        ("d/M/yyyy", "1/10/2026 9:12", "2026-10-01"),
        (nil, "2026-10-01 09:12", "2026-10-01"),
        (nil, "2026-10-01T23:30:00Z", "2026-10-01"),                          // the date as written
        (nil, "2026-10-01T00:30:00+01:00", "2026-10-01"),
    ] as [(String?, String, String)])
    func aDateFieldGivenADateAndATimeTakesTheDate(format: String?, text: String, date: String) throws {
        #expect(try Self.mapping(format).canonical(.received_on, text).get() == date)
    }

    @Test(arguments: [("dd/MM/yyyy", "01/10/2026 25:00"), ("dd/MM/yyyy", "01/10/2026 09:12 tomorrow"), (nil, "2026-10-01 9")])
    func aDateFieldWithABadTimeIsStillARowError(format: String?, text: String) {
        #expect(throws: FieldProblem.self) { try Self.mapping(format).canonical(.received_on, text).get() }
    }

    @Test(arguments: [
        ("dd/MM/yyyy HH:mm", "01/10/2026 09:12", "2026-10-01T08:12:00Z"),
        ("dd/MM/yyyy HH:mm", "2026-10-01T09:12:00Z", "2026-10-01T09:12:00Z"),   // RFC 3339 always
        ("dd/MM/yyyy HH:mm", "2026-10-01", "2026-09-30T23:00:00Z"),             // an ISO date always
        ("d/M/yyyy h:mm a", "1/10/2026 9:12 PM", "2026-10-01T20:12:00Z"),
        ("d/M/yyyy h:mm a", "1/10/2026 12:00 am", "2026-09-30T23:00:00Z"),
        ("yyyy-MM-dd HH:mm:ss", "2026-10-01 09:12:33", "2026-10-01T08:12:33Z"),
        ("dd.MM.yyyy, HH:mm", "29.03.2026, 01:30", "2026-03-29T01:30:00Z"),     // in the spring gap
    ])
    func timestampFormatReadsItsOneForm(format: String, text: String, instant: String) throws {
        #expect(try Self.mapping("dd/MM/yyyy", timestamp: format).canonical(.updated_at, text).get() == instant)
    }

    @Test(arguments: [
        ("dd/MM/yyyy HH:mm", "01/10/2026 9:12"), ("dd/MM/yyyy HH:mm", "01/10/2026 09:12:33"),
        ("dd/MM/yyyy HH:mm", "01/10/2026"), ("dd/MM/yyyy HH:mm", "01/10/2026T09:12"),
        ("d/M/yyyy h:mm a", "1/10/2026 9:12PM"), ("d/M/yyyy h:mm a", "1/10/2026 21:12 PM"), ("d/M/yyyy h:mm a", "1/10/2026 9:12"),
    ])
    func timestampFormatRefusesOtherForms(format: String, text: String) {
        #expect(throws: FieldProblem.self) { try Self.mapping("dd/MM/yyyy", timestamp: format).canonical(.updated_at, text).get() }
    }

    @Test(arguments: ["dd/MM/yyyy HH:mm", "d/M/yyyy h:mm a", "yyyy-MM-dd HH:mm:ss", "yyyyMMdd HHmm"])
    func timestampPatternsNeedADateAnHourAndMinutes(pattern: String) {
        #expect(DatePattern(timestamp: pattern) != nil)
        #expect(DatePattern(pattern) == nil)
    }

    @Test(arguments: ["dd/MM/yyyy", "dd/MM/yyyy HH", "dd/MM/yyyy h:mm", "dd/MM/yyyy HH:mm a", "HH:mm", "dd/MM/yyyy HH:mm:ss:ss"])
    func timestampPatternsWithoutTheirPartsAreRefused(pattern: String) {
        #expect(DatePattern(timestamp: pattern) == nil)
    }

    @Test(arguments: [("9:12", 9 * 3600 + 12 * 60), ("09:12:33", 9 * 3600 + 12 * 60 + 33), ("12:00 AM", 0),
                      ("11:59 pm", 23 * 3600 + 59 * 60), ("0:00", 0), ("23:59:59", 86_399)])
    func clockTimesReadAfterADate(text: String, seconds: Int) throws {
        let (_, time) = try #require(DatePattern.iso.local("2026-10-01 " + text))
        #expect(time?.secondsOfDay == seconds)
    }
}
