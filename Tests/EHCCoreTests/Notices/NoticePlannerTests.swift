import Testing
@testable import EHCCore

@Suite struct NoticePlannerTests {
    let rules = AdviceRules()
    let policy = NoticePolicy(
        remindersBeforeDueDays: [14, 7, 2],
        escalations: [.init(afterDueDays: 1, level: 1, to: ["dco"]), .init(afterDueDays: 14, level: 2, to: ["dco", "commissioner"])],
        conflictsTo: ["dco"], disputesTo: ["dco"],
        teams: [.init(name: "salt-team", match: [.provider_ods: "RBT", .service: "salt"])], fallback: "dco")

    /// A request sent 2026-10-01 (due 2026-11-12) to RBT for `service`.
    func record(service: String = "salt", provider: ProviderStatus? = nil, la: LAStatus = .requested,
                extra: FieldValues = [:], today: String) -> (AdviceState, DeadlineView) {
        var values: FieldValues = [.request_id: "R1", .provider_ods: "RBT", .service: service, .requested_on: "2026-10-01"]
        values.merge(extra) { $1 }
        let s = AdviceState(requestID: "R1", la: values, laStatus: la, providerStatus: provider,
                            answeredOn: provider?.isAnswer == true ? day("2026-11-01") : nil)
        return (s, Deadlines.view(of: s, rules: rules, today: day(today), dueSoonDays: 7))
    }

    func plan(_ records: [(AdviceState, DeadlineView)], conflicts: [OpenConflict] = [], recorded: Set<String> = [],
              today: String) -> [PlannedNotice] {
        NoticePlanner(policy: policy, rules: rules).plan(records: records, conflicts: conflicts, recorded: recorded, today: day(today))
    }

    @Test(arguments: [("2026-10-28", nil as Int?), ("2026-10-29", 14), ("2026-11-05", 7), ("2026-11-10", 2), ("2026-11-12", 2)])
    func remindersGoToTheTeamAtEachOffset(today: String, offset: Int?) {
        let sent = plan([record(today: today)], today: today).filter { !$0.isSuppressed }
        #expect(sent.map(\.reason) == (offset.map { [NoticeReason.dueWithin(days: $0)] } ?? []))
        #expect(sent.allSatisfy { $0.recipient == "salt-team" && $0.kind == .reminder })
    }

    @Test func aRecordNoTeamClaimsGoesToTheDCO() {
        let sent = plan([record(service: "ot", today: "2026-11-05")], today: "2026-11-05")
        #expect(sent.map(\.recipient) == ["dco", "dco"])   // the 7-day reminder, and the 14-day one suppressed
        #expect(sent.filter { !$0.isSuppressed }.count == 1)
    }

    @Test(arguments: [("rbt", "SALT", "salt-team"), ("RBT", "salt", "salt-team"), ("RBX", "salt", "dco"), ("RB", "salt", "dco")])
    func teamsMatchIgnoringCase(ods: String, service: String, team: String?) {
        let s = AdviceState(requestID: "R1", la: [.provider_ods: ods, .service: service])
        #expect(policy.team(for: s) == team)
    }

    @Test func aReminderIsSentOnceEverAcrossRestarts() {
        let first = plan([record(today: "2026-11-05")], today: "2026-11-05")
        let again = plan([record(today: "2026-11-06")], recorded: Set(first.map(\.key)), today: "2026-11-06")
        #expect(again.isEmpty)
    }

    @Test func afterDowntimeOnlyTheMostUrgentReminderGoesOutAndTheOthersAreRecordedAsSuperseded() {
        let items = plan([record(today: "2026-11-11")], today: "2026-11-11")
        #expect(items.filter { !$0.isSuppressed }.map(\.reason) == [.dueWithin(days: 2)])
        #expect(items.filter(\.isSuppressed).count == 2)
    }

    @Test(arguments: [(ProviderStatus?.some(.submitted), LAStatus.requested), (nil, .cancelled), (nil, .accepted)])
    func noReminderOrEscalationOnceAnsweredClosedOrCancelled(provider: ProviderStatus?, la: LAStatus) {
        #expect(plan([record(provider: provider, la: la, today: "2026-11-10")], today: "2026-11-10").isEmpty)
        #expect(plan([record(provider: provider, la: la, today: "2026-12-01")], today: "2026-12-01").isEmpty)
    }

    @Test(arguments: [("2026-11-12", [String]()), ("2026-11-13", ["dco"]), ("2026-11-26", ["commissioner", "dco"])])
    func escalationsFollowTheSteps(today: String, recipients: [String]) {
        let sent = plan([record(today: today)], today: today).filter { $0.kind == .escalation && !$0.isSuppressed }
        #expect(sent.map(\.recipient).sorted() == recipients)
    }

    @Test func aLevelTwoEscalationAfterDowntimeSupersedesLevelOne() {
        let items = plan([record(today: "2026-11-27")], today: "2026-11-27").filter { $0.kind == .escalation }
        #expect(items.filter(\.isSuppressed).map(\.recipient) == ["dco"])
        #expect(items.filter { !$0.isSuppressed }.map(\.reason).allSatisfy { $0 == .overdue(days: 15, level: 2) })
    }

    @Test func anExceptionIsStillEscalatedAndMarked() {
        var (s, _) = record(today: "2026-11-13")
        s.provider[.exception] = "missed_appointment"
        let v = Deadlines.view(of: s, rules: rules, today: day("2026-11-13"), dueSoonDays: 7)
        let sent = plan([(s, v)], today: "2026-11-13").filter { $0.kind == .escalation }
        #expect(sent.map(\.exception) == [.missed_appointment])
    }

    @Test(arguments: [(ConflictKind.identity_mismatch, ["dco"]), (.advice_not_received, ["dco"]),
                      (.cancelled_while_active, ["salt-team"]), (.field_mismatch, []), (.unmatched_response, [])])
    func immediateConflictsGoOutAtOnce(kind: ConflictKind, recipients: [String]) {
        let items = plan([record(la: .cancelled, today: "2026-11-01")], conflicts: [OpenConflict(id: 7, kind: kind, requestID: "R1")],
                         today: "2026-11-01")
        #expect(items.filter { $0.kind == .conflict }.map(\.recipient) == recipients)
    }

    @Test func aDisputeGoesOutOncePerReason() {
        let today = "2026-10-20"   // before any reminder is due
        let first = plan([record(extra: [.dispute: "open", .dispute_reason: "tribunal"], today: today)], today: today)
        #expect(first.map(\.kind) == [.dispute])
        let same = plan([record(extra: [.dispute: "open", .dispute_reason: "tribunal"], today: today)],
                        recorded: Set(first.map(\.key)), today: today)
        #expect(same.isEmpty)
        let newReason = plan([record(extra: [.dispute: "open", .dispute_reason: "mediation"], today: today)],
                             recorded: Set(first.map(\.key)), today: today)
        #expect(newReason.map(\.kind) == [.dispute])
        #expect(plan([record(extra: [.dispute: "resolved"], today: today)], today: today).isEmpty)
    }

    @Test func anAmendmentDueDateGetsItsOwnReminders() {
        var (s, _) = record(today: "2026-11-20")
        s.laStatus = .returned
        s.la[.returned_on] = "2026-11-10"
        s.awaitingAmendment = true
        let v = Deadlines.view(of: s, rules: rules, today: day("2026-11-20"), dueSoonDays: 7)
        let items = plan([(s, v)], today: "2026-11-20").filter { !$0.isSuppressed }
        #expect(items.map(\.key) == ["reminder:R1:2026-11-24:7"])
    }

    /// A large plan is planned in slices: the slices' reminders and escalations,
    /// joined in record order, are the whole plan's, and a plan of two halves lists
    /// what the whole does.
    @Test func aPlanInSlicesEqualsThePlanOfEachPartInOrder() {
        let today = "2026-11-20"
        let services = ["salt", "ot", "physio"]
        let records: [(AdviceState, DeadlineView)] = (0..<3_000).map { i in
            let sent = day("2026-10-01").adding(days: -(i % 90))
            let values: FieldValues = [.request_id: "R\(i)", .provider_ods: "RBT", .service: services[i % 3], .requested_on: sent.description]
            let s = AdviceState(requestID: "R\(i)", la: values, laStatus: .requested)
            return (s, Deadlines.view(of: s, rules: rules, today: day(today), dueSoonDays: 7))
        }
        let whole = plan(records, today: today)
        let half = records.count / 2
        let parts = plan(Array(records[..<half]), today: today) + plan(Array(records[half...]), today: today)
        #expect(whole.count > records.count, "every record is overdue or due soon")
        #expect(whole == parts)
        let planner = NoticePlanner(policy: policy, rules: rules)
        let bounds = [0, 1, 999, 2_000, records.count]
        let slices = (0..<4).flatMap { k in
            planner.deadlineNotices(records, in: bounds[k]..<bounds[k + 1], recorded: [], today: day(today))
        }
        #expect(slices + planner.immediateNotices(records: records, conflicts: [], recorded: []) == whole)
    }

    /// An item the ledger kept from an earlier cycle gets back the reason its planner
    /// gave it, from its kind, its key and its conflict: reminders at each offset,
    /// escalations at each level, immediate conflicts and disputes.
    @Test(arguments: ["2026-10-29", "2026-11-05", "2026-11-10", "2026-11-13", "2026-11-26", "2026-12-20"])
    func aRecordedItemsReasonIsThePlannersReason(today: String) {
        let (s, v) = record(extra: [.dispute: "open", .dispute_reason: "wrong child"], today: today)
        let conflicts = [OpenConflict(id: 3, kind: .cancelled_while_active, requestID: "R1"),
                         OpenConflict(id: 4, kind: .advice_not_received, requestID: "R1")]
        let items = plan([(s, v)], conflicts: conflicts, today: today).filter { !$0.isSuppressed }
        #expect(!items.isEmpty)
        for item in items {
            let kind = conflicts.first { $0.id == item.conflictID }?.kind
            #expect(NoticeReason(recorded: item.kind, key: item.key, conflictKind: kind, daysOverdue: v.daysOverdue) == item.reason,
                    "\(item.key)")
        }
    }
}

