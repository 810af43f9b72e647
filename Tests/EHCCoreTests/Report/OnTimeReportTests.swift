import Foundation
import Testing
@testable import EHCCore

@Suite struct OnTimeReportTests {
    typealias Counts = (due: Int, onTime: Int, late: Int, lateWithException: Int, outstanding: Int)

    static let from = day("2026-10-01"), to = day("2026-12-31"), today = day("2026-12-01")

    static func one(_ r: (AdviceState, DeadlineView), today: CivilDate = today) -> ReportRow? {
        OnTimeReport.rows(records: [r], from: from, to: to, by: .provider, today: today).first
    }

    @Test(arguments: [
        ("answered on the due date is on time", AdviceSamples.record("A", due: "2026-11-12", answered: "2026-11-12", today: "2026-12-01"),
         (1, 1, 0, 0, 0)),
        ("answered a day after is late", AdviceSamples.record("A", due: "2026-11-12", answered: "2026-11-13", today: "2026-12-01"),
         (1, 0, 1, 0, 0)),
        ("late with an exception counts in late and apart", AdviceSamples.record("A", due: "2026-11-12", answered: "2026-11-20",
         exception: .missed_appointment, today: "2026-12-01"), (1, 0, 1, 1, 0)),
        ("on time with an exception is just on time", AdviceSamples.record("A", due: "2026-11-12", answered: "2026-11-01",
         exception: .absent_from_area, today: "2026-12-01"), (1, 1, 0, 0, 0)),
        ("unanswered after its due date is late and outstanding", AdviceSamples.record("A", due: "2026-11-12", today: "2026-12-01"),
         (1, 0, 1, 0, 1)),
        ("unanswered with an exception is late, outstanding and counted apart", AdviceSamples.record("A", due: "2026-11-12",
         exception: .exceptional_circumstances, today: "2026-12-01"), (1, 0, 1, 1, 1)),
        ("closed with advice received in time is on time", AdviceSamples.record("A", due: "2026-11-12", status: .accepted,
         laFields: [.advice_received_on: "2026-11-10"], today: "2026-12-01"), (1, 1, 0, 0, 0)),
        ("closed with advice received late is late", AdviceSamples.record("A", due: "2026-11-12", status: .accepted,
         laFields: [.advice_received_on: "2026-11-15"], today: "2026-12-01"), (1, 0, 1, 0, 0)),
        ("closed with no day of answer is not shown on time, so late", AdviceSamples.record("A", due: "2026-11-12",
         status: .accepted, today: "2026-12-01"), (1, 0, 1, 0, 0)),
        ("returned for amendment keeps its first answer", AdviceSamples.record("A", due: "2026-11-12", answered: "2026-11-02",
         status: .returned, laFields: [.returned_on: "2026-11-20"], today: "2026-12-01"), (1, 1, 0, 0, 0)),
    ] as [(String, (AdviceState, DeadlineView), Counts)])
    func eachRecordCountsOnce(_ rule: String, record: (AdviceState, DeadlineView), expected: Counts) throws {
        let row = try #require(Self.one(record), "\(rule)")
        #expect(row.due == expected.due, "\(rule)")
        #expect(row.onTime == expected.onTime, "\(rule)")
        #expect(row.late == expected.late, "\(rule)")
        #expect(row.lateWithException == expected.lateWithException, "\(rule)")
        #expect(row.stillOutstanding == expected.outstanding, "\(rule)")
    }

    @Test(arguments: [
        ("cancelled is left out", AdviceSamples.record("A", due: "2026-11-12", status: .cancelled, today: "2026-12-01")),
        ("due before the range", AdviceSamples.record("A", due: "2026-09-30", answered: "2026-09-01", today: "2026-12-01")),
        ("due after the range", AdviceSamples.record("A", due: "2027-01-01", today: "2026-12-01")),
        ("due later than today: its outcome is not known yet", AdviceSamples.record("A", due: "2026-12-20", today: "2026-12-01")),
        ("due today: not late until tomorrow", AdviceSamples.record("A", due: "2026-12-01", today: "2026-12-01")),
    ] as [(String, (AdviceState, DeadlineView))])
    func recordsLeftOut(_ rule: String, record: (AdviceState, DeadlineView)) {
        #expect(Self.one(record) == nil, "\(rule)")
    }

    @Test func theRangeIncludesBothEnds() {
        let rows = OnTimeReport.rows(records: [AdviceSamples.record("A", due: "2026-10-01", today: "2027-01-05"),
                                               AdviceSamples.record("B", due: "2026-12-31", today: "2027-01-05")],
                                     from: Self.from, to: Self.to, by: .provider, today: day("2027-01-05"))
        #expect(rows.map(\.due) == [2])
    }

    @Test func anAnswerAfterTodayIsStillOutstanding() {
        let r = AdviceSamples.record("A", due: "2026-11-12", answered: "2026-11-20", today: "2026-12-01")
        let row = Self.one(r, today: day("2026-11-15"))
        #expect(row?.stillOutstanding == 1)
        #expect(row?.late == 1)
        #expect(row?.onTime == 0)
    }

    @Test func noRequestDueMeansNoRows() {
        let records = [AdviceSamples.record("A", due: "2026-12-20", today: "2026-12-01"),
                       AdviceSamples.record("B", due: "2026-11-12", status: .cancelled, today: "2026-12-01")]
        #expect(OnTimeReport.rows(records: records, from: Self.from, to: Self.to, by: .service, today: Self.today).isEmpty)
        #expect(OnTimeReport.total([]).pct == nil)
    }

    /// SPEC §5: excluding reg 8(2) exceptions, a late request with one leaves the
    /// denominator; an on-time request with one stays in it.
    @Test func theRateExcludingExceptionsLeavesOutOnlyLateOnesWithAnException() {
        let records = [
            AdviceSamples.record("A", due: "2026-11-12", answered: "2026-11-10", exception: .absent_from_area, today: "2026-12-01"),
            AdviceSamples.record("B", due: "2026-11-12", answered: "2026-11-20", exception: .missed_appointment, today: "2026-12-01"),
            AdviceSamples.record("C", due: "2026-11-12", exception: .exceptional_circumstances, today: "2026-12-01"),
            AdviceSamples.record("D", due: "2026-11-12", answered: "2026-11-20", today: "2026-12-01"),
            AdviceSamples.record("E", due: "2026-11-12", answered: "2026-11-02", today: "2026-12-01"),
        ]
        let row = OnTimeReport.rows(records: records, from: Self.from, to: Self.to, by: .provider, today: Self.today)[0]
        #expect((row.due, row.onTime, row.late, row.lateWithException, row.stillOutstanding) == (5, 2, 3, 2, 1))
        #expect(row.pctOnTime == 40.0)
        #expect(row.pctOnTimeExcludingExceptions == 66.7)
    }

    @Test func percentIsOnTimeOverDueToOneDecimalAndMedianFromReceipt() {
        // Due 2026-11-12, so requested 2026-10-01: answers after 30, 40, 50 and 45 days.
        let records = [
            AdviceSamples.record("A", due: "2026-11-12", answered: "2026-10-31", today: "2026-12-01"),
            AdviceSamples.record("B", due: "2026-11-12", answered: "2026-11-10", today: "2026-12-01"),
            AdviceSamples.record("C", due: "2026-11-12", answered: "2026-11-20", today: "2026-12-01"),
            AdviceSamples.record("D", due: "2026-11-12", today: "2026-12-01"),
        ]
        let row = OnTimeReport.rows(records: records, from: Self.from, to: Self.to, by: .provider, today: Self.today)[0]
        #expect(row.pctOnTime == 50.0)
        #expect(row.medianDaysToAnswer == 40)
        let withFourth = records + [AdviceSamples.record("E", due: "2026-11-12", answered: "2026-11-15", today: "2026-12-01")]
        let row2 = OnTimeReport.rows(records: withFourth, from: Self.from, to: Self.to, by: .provider, today: Self.today)[0]
        #expect(row2.pctOnTime == 40.0)
        #expect(row2.medianDaysToAnswer == 42.5)
    }

    @Test func receivedOnStartsTheClockForTheMedian() {
        let r = AdviceSamples.record("A", due: "2026-11-12", answered: "2026-11-10", providerFields: [.received_on: "2026-10-05"],
                                     today: "2026-12-01")
        // Received 5 October, answered 10 November: 36 days (and due moves to 16 November).
        let row = Self.one(r)
        #expect(row?.medianDaysToAnswer == 36)
    }

    @Test func nothingAnsweredIsNoneOnTimeAndHasNoMedian() {
        let row = Self.one(AdviceSamples.record("A", due: "2026-11-12", today: "2026-12-01"))
        #expect(row?.pctOnTime == 0)
        #expect(row?.medianDaysToAnswer == nil)
    }

    @Test(arguments: [
        (ReportGrouping.provider, ["(unknown)", "RBT", "RXX"]),
        (.service, ["(unknown)", "ot", "salt"]),
        (.month, ["2026-10", "2026-11", "2026-12"]),
    ])
    func groupsAreSortedByName(by: ReportGrouping, groups: [String]) {
        let records = [
            AdviceSamples.record("A", provider: "RXX", service: "salt", due: "2026-11-12", today: "2026-12-01"),
            AdviceSamples.record("B", provider: "RBT", service: "ot", due: "2026-10-12", today: "2026-12-01"),
            AdviceSamples.record("C", provider: nil, service: nil, due: "2026-12-12", today: "2026-12-01"),
            AdviceSamples.record("D", provider: "RBT", service: "salt", due: "2026-11-30", today: "2026-12-01"),
        ]
        let rows = OnTimeReport.rows(records: records, from: Self.from, to: Self.to, by: by, today: day("2027-01-05"))
        #expect(rows.map(\.group) == groups)
        #expect(rows.map(\.due).reduce(0, +) == 4)
    }

    @Test func csvAndJSONHaveTheSpecColumns() throws {
        let rows = [ReportRow(rate: OnTimeRate(group: "RBT", due: 5, onTime: 2, lateWithException: 1, stillOutstanding: 2),
                              medianDaysToAnswer: 40),
                    ReportRow(rate: OnTimeRate(group: "Trust, \"North\"", due: 1, stillOutstanding: 1))]
        #expect(ReportRow.csv(rows) == """
            group,due,on_time,late,late_with_exception,still_outstanding,pct_on_time,median_days_to_answer,pct_on_time_excluding_exceptions
            RBT,5,2,3,1,2,40.0,40.0,50.0
            "Trust, ""North\""",1,0,1,0,1,0.0,,0.0

            """)
        #expect(ReportRow.csv([]) == ReportRow.columns.joined(separator: ",") + "\n")
        #expect(ReportRow.json([]) == "[]")
        let json = ReportRow.json(rows)
        #expect(json.hasPrefix("[{\"group\":\"RBT\",\"due\":5,\"on_time\":2,\"late\":3,\"late_with_exception\":1,"
                               + "\"still_outstanding\":2,\"pct_on_time\":40.0,\"median_days_to_answer\":40.0,"
                               + "\"pct_on_time_excluding_exceptions\":50.0}"))
        let parsed = try #require(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        #expect(parsed.count == 2)
        #expect(Set(parsed[1].keys) == Set(ReportRow.columns))
        #expect(parsed[1]["median_days_to_answer"] is NSNull)
    }

    /// Part of issue 15 point 9: an empty range says so in a sentence naming its days,
    /// and the heading names the days a rate covers.
    @Test func reportSentencesNameTheirDays() {
        #expect(ReportText.empty(from: day("2026-09-01"), to: day("2026-09-05"), today: Self.today)
                == "No request fell due from 1 to 5 September 2026 (cancelled ones are not counted), so there is no on-time rate for those days.")
        #expect(ReportText.empty(from: day("2026-12-01"), to: day("2026-12-10"), today: Self.today).hasPrefix(
            "No request can be counted yet: the days 1 to 10 December 2026 are not before today (1 December 2026)"))
        #expect(ReportText.heading(from: Self.from, to: Self.to, today: Self.today, by: .provider) == [
            "On-time health advice by provider, for requests due 1 October to 30 November 2026.",
            "Requests due from 1 December 2026 on are not counted yet: their outcome is not known."])
        #expect(ReportText.total(OnTimeRate(group: "all", due: 15, onTime: 4, lateWithException: 2, stillOutstanding: 9))
                == "All: 26.7% on time (4 of 15 due); excluding reg 8(2) exceptions 30.8% (4 of 13).")
    }

    @Test(arguments: [(66.66, "66.7"), (100, "100.0"), (0, "0.0"), (12.25, "12.3"), (-2.5, "-2.5")])
    func oneDecimal(value: Double, text: String) {
        #expect(DecimalText.oneDecimal(value) == text)
    }
}
