import Foundation
import Testing
@testable import EHCCore

@Suite struct NoticeMessageTests {
    static let at = Timestamp(millis: 1_795_419_000_000)

    static func overdue(_ n: Int, level: Int = 2, exceptionEvery: Int = 25, today: String = "2026-11-23") -> [NoticeItemContent] {
        (0..<n).map { i in
            let id = "R-" + String(1000 + i)
            let exception: AdviceException? = i % exceptionEvery == 0 ? .missed_appointment : nil
            let due = day(today).adding(days: -(20 + i % 40))
            let r = AdviceSamples.record(id, service: i % 2 == 0 ? "salt" : "ot", due: due.description, exception: exception,
                                         laFields: DigestFixture.person, today: today)
            let notice = PlannedNotice(key: "escalation:\(id):\(due):\(level):dco", kind: .escalation, recipient: "dco",
                                       requestID: id, reason: .overdue(days: r.1.daysOverdue ?? 0, level: level), exception: exception)
            return NoticeItemContent(record: (r.0, r.1), notice: notice)
        }
    }

    static func build(_ kind: NoticeKind, _ items: [NoticeItemContent], ids: Bool = false) -> RenderedNotice {
        NoticeMessageBuilder.build(kind: kind, recipient: "dco", items: items, generatedAt: at, id: "notice-7", includeIdentifiers: ids)
    }

    @Test func threeHundredOverdueAreOneMessageWithTheSummaryFirst() throws {
        let message = Self.build(.escalation, Self.overdue(300))
        #expect(message.subject == "EHC Sync escalation level 2: 300 requests overdue")
        #expect(message.text.hasPrefix("Escalation level 2: 300 requests overdue (12 with a reg 8(2) exception).\n"))
        #expect(message.text.split(separator: "\n").filter { $0.hasPrefix("R-") }.count == 300)
        #expect(message.html.components(separatedBy: "<tr>").count - 1 == 301)
        let body = try #require(message.html.range(of: "<body"))
        let firstP = try #require(message.html.range(of: "<p ", range: body.upperBound..<message.html.endIndex))
        let table = try #require(message.html.range(of: "<table"))
        #expect(firstP.lowerBound < table.lowerBound)
        let object = try #require(JSONSerialization.jsonObject(with: Data(message.json.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["type", "id", "generated_at", "recipient", "items"])
        #expect(object["type"] as? String == "escalation")
        #expect(object["id"] as? String == "notice-7")
        let items = try #require(object["items"] as? [[String: Any]])
        #expect(items.count == 300)
        #expect(items.allSatisfy { $0["level"] as? Int == 2 })
        #expect(items.filter { $0["exception"] as? String == "missed_appointment" }.count == 12)
        // Most overdue first.
        let days = items.compactMap { $0["days_overdue"] as? Int }
        #expect(days == days.sorted(by: >))
    }

    @Test func mixedLevelsAreNamedTogether() {
        let message = Self.build(.escalation, Self.overdue(3, level: 1) + Self.overdue(2, level: 2).map {
            var item = $0
            item.record?.state.requestID += "b"
            return item
        })
        #expect(message.subject == "EHC Sync escalation levels 1 and 2: 5 requests overdue")
    }

    @Test(arguments: NoticeKind.allCases)
    func noKindNamesAChildUnlessAsked(kind: NoticeKind) throws {
        let items = Self.overdue(3)
        let plain = Self.build(kind, items)
        for rendering in [plain.subject, plain.text, plain.html, plain.json] {
            for value in DigestFixture.identifiers { #expect(!rendering.contains(value), "\(kind) names a child: \(value)") }
        }
        let named = Self.build(kind, items, ids: true)
        #expect(named.text.contains("Amelia Okonkwo-Smith") && named.text.contains("943 476 5919"))
        #expect(named.html.contains("Amelia Okonkwo-Smith"))
        #expect(named.json.contains("\"nhs_number\":\"9434765919\""))
        #expect(!named.subject.contains("Amelia"))
        _ = try JSONSerialization.jsonObject(with: Data(plain.json.utf8))
    }

    @Test func aReminderSaysHowSoon() throws {
        let items = [("R-1", "2026-11-25", 2), ("R-2", "2026-11-29", 7), ("R-3", "2026-11-30", 7)].map { id, due, within in
            let r = AdviceSamples.record(id, due: due, today: "2026-11-23")
            return NoticeItemContent(record: (r.0, r.1), notice: PlannedNotice(
                key: "reminder:\(id):\(due):\(within)", kind: .reminder, recipient: "salt-team", requestID: id,
                reason: .dueWithin(days: within), exception: nil))
        }
        let message = NoticeMessageBuilder.build(kind: .reminder, recipient: "salt-team", items: items.reversed(), generatedAt: Self.at,
                                                 id: "notice-8", includeIdentifiers: false)
        #expect(message.subject == "EHC Sync reminder: 3 requests for health advice are due soon")
        #expect(message.text.hasPrefix("Reminder: 3 requests for health advice are due soon (1 within 2 days, 2 within 7 days).\n"))
        let object = try #require(JSONSerialization.jsonObject(with: Data(message.json.utf8)) as? [String: Any])
        let items2 = try #require(object["items"] as? [[String: Any]])
        #expect(items2.compactMap { $0["request_id"] as? String } == ["R-1", "R-2", "R-3"])
        #expect(items2.compactMap { $0["due_within_days"] as? Int } == [2, 7, 7])
    }

    static func conflictItems() -> [NoticeItemContent] {
        let r = AdviceSamples.record("R-5", due: "2026-11-30", laFields: DigestFixture.person, today: "2026-11-23")
        return [
            NoticeItemContent(record: nil, notice: PlannedNotice(key: "conflict:31:dco", kind: .conflict, recipient: "dco",
                                                                 requestID: "R-9", conflictID: 31, reason: .conflictOpened(.advice_not_received),
                                                                 exception: nil),
                              conflictKind: .advice_not_received, conflictDetail: "submitted on 2026-11-10; not logged by the LA by 2026-11-15"),
            NoticeItemContent(record: (r.0, r.1), notice: PlannedNotice(key: "conflict:30:dco", kind: .conflict, recipient: "dco",
                                                                        requestID: "R-5", conflictID: 30, reason: .conflictOpened(.identity_mismatch),
                                                                        exception: nil),
                              conflictKind: .identity_mismatch, conflictDetail: "nhs_number differs between the LA and the provider",
                              openConflicts: 1),
        ]
    }

    @Test func conflictsSayWhatToDo() throws {
        let message = Self.build(.conflict, Self.conflictItems())
        #expect(message.subject == "EHC Sync conflict: 1 identity mismatch, 1 advice not received")
        #expect(message.text.contains("Check who the child is before anything else is done."))
        let object = try #require(JSONSerialization.jsonObject(with: Data(message.json.utf8)) as? [String: Any])
        let items = try #require(object["items"] as? [[String: Any]])
        #expect(items.map { $0["conflict_id"] as? Int } == [30, 31])
        #expect(items[1]["request_id"] as? String == "R-9")
        #expect(items[1]["conflict_kind"] as? String == "advice_not_received")
        #expect(items[0]["open_conflicts"] as? Int == 1)
    }

    @Test func anEscalationExceptionIsWrittenOnce() {
        var items = Self.overdue(1, exceptionEvery: 1000)
        items[0].notice.exception = .absent_from_area  // the planner's, not the record's
        let json = NoticeMessageBuilder.itemJSON(items[0], kind: .escalation, includeIdentifiers: false)
        #expect(json.components(separatedBy: "\"exception\":").count == 2)
        var withRecordException = Self.overdue(1, exceptionEvery: 1)
        withRecordException[0].notice.exception = .missed_appointment
        let json2 = NoticeMessageBuilder.itemJSON(withRecordException[0], kind: .escalation, includeIdentifiers: false)
        #expect(json2.components(separatedBy: "\"exception\":").count == 2)
    }

    @Test func goldenEscalation() throws {
        let message = Self.build(.escalation, Self.overdue(3, exceptionEvery: 2))
        for (rendering, name) in [(message.text, "escalation.txt"), (message.json, "escalation.json"), (message.html, "escalation.html")] {
            let problem = try Golden.mismatch(rendering, name)
            #expect(problem == nil, "\(problem ?? "")")
        }
    }

    @Test func goldenConflict() throws {
        let problem = try Golden.mismatch(Self.build(.conflict, Self.conflictItems()).text, "conflict.txt")
        #expect(problem == nil, "\(problem ?? "")")
    }
}
