import Foundation
import Testing
@testable import EHCCore

@Suite struct DigestTests {
    let digest = DigestBuilder.build(DigestFixture.input())

    @Test func goldenText() throws {
        let problem = try Golden.mismatch(digest.text(), "digest.txt")
        #expect(problem == nil, "\(problem ?? "")")
    }

    @Test func goldenHTML() throws {
        let problem = try Golden.mismatch(digest.html(), "digest.html")
        #expect(problem == nil, "\(problem ?? "")")
    }

    @Test func goldenJSON() throws {
        let problem = try Golden.mismatch(digest.json(id: "digest-dco-2026-11-23"), "digest.json")
        #expect(problem == nil, "\(problem ?? "")")
    }

    @Test func goldenTextWithIdentifiers() throws {
        let named = DigestBuilder.build(DigestFixture.input(includeIdentifiers: true))
        let problem = try Golden.mismatch(named.text(), "digest-identified.txt")
        #expect(problem == nil, "\(problem ?? "")")
    }

    @Test func sectionsHoldTheRightRecordsInOrder() {
        #expect(digest.overdue.map(\.requestID) == ["R-001", "R-002", "R-003"])
        #expect(digest.overdue.map(\.view.daysOverdue) == [24, 7, 3])
        #expect(digest.dueSoon.map(\.requestID) == ["R-004", "R-005"])
        #expect(digest.disputed.map(\.requestID) == ["R-003", "R-012"])
        #expect(digest.answered.map(\.requestID) == ["R-008", "R-012", "R-007"])
        #expect(digest.conflicts.map(\.id) == [9, 17, 21])
        #expect(digest.feeds.map(\.name) == ["la-cases", "trust-community", "salt-drop"])
        #expect(digest.failedNotices.map(\.id) == [42])
        #expect(digest.overdue.first?.openConflicts == 1)
    }

    @Test func summaryCounts() {
        let s = digest.summary
        #expect((s.open, s.dueSoon, s.overdue, s.overdueWithException) == (1, 2, 3, 1))
        #expect((s.disputed, s.conflicts, s.answeredSince) == (2, 3, 3))
        #expect((s.feedsNeedingAttention, s.failedNotices) == (3, 1))
    }

    /// Due 1 October to 22 November (before today): R-009 and R-010 on time; R-008
    /// late with an exception; R-001, R-003 and R-002 (with an exception) unanswered
    /// and so late; R-011 cancelled; R-007 and the rest due today or later.
    @Test func quarterRateIsOnTimeOverDueBothWays() {
        let q = digest.summary.onTimeQuarter
        #expect((q.due, q.onTime, q.late, q.lateWithException, q.stillOutstanding) == (6, 2, 4, 2, 3))
        #expect(q.pct == 33.3)
        #expect(q.pctExcludingExceptions == 50.0)
        #expect(digest.onTimeByProvider.map(\.group) == ["RBT", "RXQ"])
        #expect(digest.onTimeByProvider.map(\.pct) == [25.0, 50.0])
        #expect(digest.onTimeByProvider.map(\.pctExcludingExceptions) == [50.0, 50.0])
        #expect(digest.onTimeByService.map(\.group) == ["camhs", "ot", "salt"])
        #expect(digest.onTimeLastDay == day("2026-11-22"))
    }

    /// SPEC §5's one measure: the digest's quarter-so-far figures are `ehcsync report`'s
    /// for the same days, in total, by provider and by service.
    @Test func digestAndReportCountTheSame() {
        let records = DigestFixture.records()
        let today = day(DigestFixture.today)
        for (grouping, rates) in [(ReportGrouping.provider, digest.onTimeByProvider), (.service, digest.onTimeByService)] {
            let rows = OnTimeReport.rows(records: records, from: today.quarterStart, to: today, by: grouping, today: today)
            #expect(rows.map(\.rate) == rates, "by \(grouping)")
            var total = OnTimeReport.total(rows)
            total.group = digest.summary.onTimeQuarter.group
            #expect(total == digest.summary.onTimeQuarter, "by \(grouping)")
        }
        let object = try? JSONSerialization.jsonObject(with: Data(digest.json(id: "x").utf8)) as? [String: Any]
        let summary = object?["summary"] as? [String: Any]
        #expect(summary?["answered_on_time_pct_quarter"] as? Double == 33.3)
        #expect(summary?["answered_on_time_pct_quarter_excluding_exceptions"] as? Double == 50.0)
    }

    @Test func everyRateNamesItsMeasureAndDays() {
        let text = Self.flat(digest.text())
        #expect(text.contains("On time this quarter, requests due 1 October to 22 November 2026: 33.3% (2 of"))
        #expect(text.contains("excluding reg 8(2) exceptions 50.0% (2 of 4)."))
        #expect(text.contains("Requests due 1 October to 22 November 2026. On time ÷ due, including and excluding"))
        let firstDay = DigestBuilder.build(DigestInput(date: day("2026-10-01"), generatedAt: DigestFixture.generatedAt,
                                                       recipient: "dco", records: DigestFixture.records(today: "2026-10-01")))
        #expect(Self.flat(firstDay.text()).contains("On time this quarter, requests due since 1 October 2026: none due yet."))
    }

    /// Text with its line breaks and indents as single spaces, to find a wrapped sentence.
    static func flat(_ text: String) -> String {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
    }

    /// Point 3 of issue 15: each problem file with its first reason, under a heading in
    /// plain words, in both parts (the JSON has them in `feeds`).
    @Test func feedHealthListsEachProblemFileWithItsReason() throws {
        let text = digest.text()
        #expect(text.contains("Feeds needing attention (3)\n"))
        #expect(text.contains("* [PART READ] la-cases (LA feed)\n"))
        #expect(text.contains("  1 file rejected, 3 rows skipped.\n"))
        #expect(Self.flat(text).contains("- 3 rows skipped in ehc-advice-2026-11-23.csv, first: line 42, column NHS No: fails"))
        #expect(Self.flat(text).contains("- Rejected ehc-advice-2026-11-22.csv: line 1: no column maps to request_id"))
        let html = digest.html()
        #expect(html.contains(">Rejected ehc-advice-2026-11-22.csv: line 1: no column maps to request_id; add it under csv.columns</p>"))
        #expect(html.contains(">PART READ</strong>"))
        let object = try #require(JSONSerialization.jsonObject(with: Data(digest.json(id: "x").utf8)) as? [String: Any])
        let feeds = try #require(object["feeds"] as? [[String: Any]])
        #expect((feeds.first?["problems"] as? [[String: Any]])?.count == 2)
    }

    @Test func subjectSaysWhatMatters() {
        #expect(digest.subject == "EHC Sync: 3 overdue, 2 due soon, 2 disputed, 3 open conflicts, 3 feeds needing attention, 1 notice undelivered")
        let quiet = DigestBuilder.build(DigestInput(date: day("2026-11-23"), generatedAt: DigestFixture.generatedAt,
                                                    recipient: "dco", records: []))
        #expect(quiet.subject == "EHC Sync: nothing overdue")
        let one = DigestBuilder.build(DigestInput(date: day("2026-11-23"), generatedAt: DigestFixture.generatedAt, recipient: "dco",
                                                  records: [AdviceSamples.record("A", due: "2026-11-25", today: "2026-11-23")]))
        #expect(one.subject == "EHC Sync: 1 due soon")
    }

    @Test func noRenderingNamesAChildByDefault() {
        let d = DigestBuilder.build(DigestFixture.input())
        for (name, rendering) in [("subject", d.subject), ("text", d.text()), ("html", d.html()), ("json", d.json(id: "x"))] {
            for value in DigestFixture.identifiers {
                #expect(!rendering.contains(value) && !rendering.contains(HTMLText.escape(value)), "\(name) names a child: \(value)")
            }
            for key in ["given_name", "family_name", "nhs_number", "date_of_birth"] {
                #expect(!rendering.contains("\"\(key)\":"), "\(name) has \(key)")
            }
        }
    }

    @Test func includeIdentifiersAddsThemToEveryPartButTheSubject() {
        let d = DigestBuilder.build(DigestFixture.input(includeIdentifiers: true))
        for (name, rendering) in [("text", d.text()), ("html", d.html())] {
            for value in ["Amelia Okonkwo-Smith", "943 476 5919", "2019-03-14", "Siân Prys", "401 023 2137", "2020-07-01"] {
                #expect(rendering.contains(value), "\(name) lacks \(value)")
            }
        }
        let json = d.json(id: "x")
        for value in ["\"given_name\":\"Amelia\"", "\"nhs_number\":\"9434765919\"", "\"date_of_birth\":\"2019-03-14\"",
                      "\"family_name\":\"Prys\""] {
            #expect(json.contains(value), "json lacks \(value)")
        }
        for value in DigestFixture.identifiers { #expect(!d.subject.contains(value)) }
    }

    @Test func jsonParsesAndHasTheSpecShape() throws {
        let json = digest.json(id: "digest-dco-2026-11-23")
        let object = try #require(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["type"] as? String == "digest")
        #expect(object["id"] as? String == "digest-dco-2026-11-23")
        #expect(object["generated_at"] as? String == "2026-11-23T07:30:00Z")
        #expect(object["recipient"] as? String == "dco")
        #expect(object["date"] as? String == "2026-11-23")
        let summary = try #require(object["summary"] as? [String: Any])
        for key in ["open", "due_soon", "overdue", "disputed", "conflicts", "answered_on_time_pct_quarter",
                    "answered_on_time_pct_quarter_excluding_exceptions"] {
            #expect(summary[key] != nil, "summary lacks \(key)")
        }
        #expect(summary["answered_on_time_pct_quarter"] as? Double == 33.3)
        for key in ["overdue", "due_soon", "disputed", "conflicts", "answered", "feeds", "failed_notices",
                    "on_time_by_provider", "on_time_by_service", "items"] {
            #expect(object[key] is [Any], "no \(key) array")
        }
        let items = try #require(object["items"] as? [[String: Any]])
        let ids = items.compactMap { $0["request_id"] as? String }
        #expect(ids == ["R-001", "R-002", "R-003", "R-004", "R-005", "R-012", "R-008", "R-007"])
        #expect(Set(ids).count == ids.count)
        // Every id a section lists is an item.
        for key in ["overdue", "due_soon", "disputed", "answered"] {
            for id in object[key] as? [String] ?? [] { #expect(ids.contains(id), "\(key) lists \(id), not an item") }
        }
        let first = items[0]
        #expect(first["state"] as? String == "overdue")
        #expect(first["days_overdue"] as? Int == 24)
        #expect(first["timeline_week"] as? Int == 16)
        #expect(first["open_conflicts"] as? Int == 1)
        #expect(first["disputed"] as? Bool == false)
        #expect(items[1]["exception"] as? String == "missed_appointment")
    }

    @Test func answeredSinceDefaultsToTheLastSevenDays() {
        var input = DigestFixture.input()
        input.answeredSince = nil
        let d = DigestBuilder.build(input)
        #expect(d.answeredSince == day("2026-11-16"))
        #expect(d.answered.map(\.requestID) == ["R-008", "R-012", "R-007"])
        input.answeredSince = day("2026-11-21")
        #expect(DigestBuilder.build(input).answered.map(\.requestID) == ["R-012", "R-007"])
        input.answeredSince = day("2026-11-23")
        #expect(DigestBuilder.build(input).answered.isEmpty)
    }

    @Test func everyLineFitsInNineHundredNinetyEightOctets() {
        var input = DigestFixture.input()
        let long = String(repeating: "Family disagrees with the provision in section F & wants more hours. ", count: 60)
        let unbroken = String(repeating: "é", count: 1500)
        input.records[3].0.la[.dispute_reason] = long
        input.records[1].0.la[.dispute_reason] = unbroken
        input.records[1].0.la[.dispute] = "open"
        input.records[1].1.disputed = true
        input.openConflicts[0].detail = unbroken + "&<>" + unbroken
        let d = DigestBuilder.build(input)
        for (name, rendering) in [("text", d.text()), ("html", d.html())] {
            for line in rendering.split(separator: "\n", omittingEmptySubsequences: false) {
                #expect(line.utf8.count <= 998, "\(name) line of \(line.utf8.count) octets")
            }
            #expect(!rendering.contains("\r"))
        }
        // The HTML cell still holds the whole reason, only broken at spaces.
        #expect(d.html().replacingOccurrences(of: "\n", with: " ").contains(HTMLText.escape(long.trimmingCharacters(in: .whitespaces))))
    }

    @Test func htmlIsPlainEnoughForOutlook() throws {
        let html = digest.html()
        for banned in ["class=", "<script", "<img", "<style", "<link", "http://", "https://integration"] where banned != "https://integration" {
            #expect(!html.lowercased().contains(banned), "HTML has \(banned)")
        }
        #expect(html.contains("&lt;section F&gt; provision &amp; &quot;hours&quot;"))
        // The summary paragraph comes before any section, and there are no tables to
        // scroll sideways on a phone: each item is a card.
        let body = try #require(html.range(of: "<body"))
        let p = try #require(html.range(of: "<p ", range: body.upperBound..<html.endIndex))
        let section = try #require(html.range(of: "<h2"))
        #expect(p.lowerBound < section.lowerBound)
        #expect(!html.contains("<table"))
        #expect(html.contains("<meta charset=\"utf-8\">"))
        #expect(html.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"))
    }

    @Test func textStartsWithTheSummary() {
        let lines = digest.text().split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0] == "EHC Sync digest, Monday 23 November 2026")
        #expect(lines[1] == "For dco")
        #expect(lines[3] == "3 requests overdue (1 with a reg 8(2) exception), 2 due soon, 2 disputed, 3")
        #expect(lines[4] == "open conflicts.")
        #expect(!digest.text().contains(" \n"), "no line ends in spaces")
    }

    @Test func longSectionsAreCutInTextButNotInJSON() throws {
        var input = DigestFixture.input()
        input.rowLimit = 2
        let d = DigestBuilder.build(input)
        #expect(d.text().contains("… and 1 more: run `ehcsync advice list --state overdue` for all of them."))
        let text = d.text()
        let start = try #require(text.range(of: "Overdue, oldest first (3)")), end = try #require(text.range(of: "Due soon (2)"))
        #expect(text[start.upperBound..<end.lowerBound].split(separator: "\n").filter { $0.hasPrefix("* [OVERDUE") }.count == 2)
        let object = try #require(JSONSerialization.jsonObject(with: Data(d.json(id: "x").utf8)) as? [String: Any])
        #expect((object["overdue"] as? [String])?.count == 3)
    }

    /// The London clock changes (29 March and 25 October 2026) are civil days like any
    /// other: the digest's dates and day counts do not move.
    @Test(arguments: [("2026-03-29", "Sunday 29 March 2026", Int64(1_774_765_800_000)),
                      ("2026-10-25", "Sunday 25 October 2026", Int64(1_792_913_400_000))])
    func clockChangeDaysShiftNothing(date: String, words: String, generated: Int64) throws {
        let today = day(date)
        let records = [
            AdviceSamples.record("A", due: today.adding(days: -1).description, today: date),
            AdviceSamples.record("B", due: today.adding(days: -7).description, today: date),
            AdviceSamples.record("C", due: today.description, today: date),
            AdviceSamples.record("D", due: today.adding(days: 3).description, answered: date, today: date),
        ]
        let d = DigestBuilder.build(DigestInput(date: today, generatedAt: Timestamp(millis: generated), recipient: "dco",
                                                records: records, answeredSince: today))
        #expect(d.overdue.map(\.view.daysOverdue) == [7, 1])
        #expect(d.dueSoon.map(\.requestID) == ["C"])
        #expect(d.answered.map(\.requestID) == ["D"])
        #expect(d.text().hasPrefix("EHC Sync digest, \(words)\n"))
        let object = try #require(JSONSerialization.jsonObject(with: Data(d.json(id: "x").utf8)) as? [String: Any])
        #expect(object["date"] as? String == date)
        #expect(object["answered_since"] as? String == date)
        #expect(d.text().contains("Was due \(PlainWords.shortDate(today.adding(days: -7)))."))
    }
}
