import EHCCore
import Testing
@testable import EHCSync

/// A large plan runs in slices side by side: it must list exactly what the core's
/// plan lists on one thread, in record order, whatever the slices' timing.
@Suite struct NoticePlannerSlicesTests {
    @Test func aPlanSideBySideEqualsThePlanOnOneThread() throws {
        let rules = AdviceRules()
        let planner = NoticePlanner(
            policy: NoticePolicy(
                remindersBeforeDueDays: [14, 7, 2],
                escalations: [.init(afterDueDays: 1, level: 1, to: ["dco"]), .init(afterDueDays: 14, level: 2, to: ["dco", "commissioner"])],
                conflictsTo: ["dco"], disputesTo: ["dco"],
                teams: [.init(name: "salt-team", match: [.provider_ods: "RBT", .service: "salt"])], fallback: "dco"),
            rules: rules)
        let today = try #require(CivilDate(iso: "2026-11-20"))
        let services = ["salt", "ot", "physio"]
        let records: [(AdviceState, DeadlineView)] = (0..<(NoticePlanner.recordsPerSlice * 3)).map { i in
            let sent = today.adding(days: -50 - i % 90)
            var values: FieldValues = [.request_id: "R\(i)", .provider_ods: "RBT", .service: services[i % 3],
                                       .requested_on: sent.description]
            if i % 1_000 == 0 { values[.dispute] = "open"; values[.dispute_reason] = "wrong child \(i)" }
            let s = AdviceState(requestID: "R\(i)", la: values, laStatus: .requested)
            return (s, Deadlines.view(of: s, rules: rules, today: today, dueSoonDays: 7))
        }
        let conflicts = [OpenConflict(id: 7, kind: .identity_mismatch, requestID: "R3"),
                         OpenConflict(id: 8, kind: .cancelled_while_active, requestID: "R4")]
        let recorded: Set<String> = ["conflict:7:dco"]
        let sliced = planner.planSideBySide(records: records, conflicts: conflicts, recorded: recorded, today: today)
        let whole = planner.plan(records: records, conflicts: conflicts, recorded: recorded, today: today)
        #expect(sliced.count > records.count, "every record is overdue or due soon")
        #expect(sliced == whole)
    }
}
