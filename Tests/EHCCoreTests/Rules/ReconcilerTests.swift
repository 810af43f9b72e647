import Testing
@testable import EHCCore

/// Helpers to write rule tables briefly.
func day(_ s: String) -> CivilDate { CivilDate(iso: s)! }
func la(_ v: FieldValues, at: Int64? = nil) -> Observation {
    Observation(role: .la, values: v, updatedAt: at.map(Timestamp.init(millis:)))
}
func pr(_ v: FieldValues, at: Int64? = nil) -> Observation {
    Observation(role: .provider, values: v, updatedAt: at.map(Timestamp.init(millis:)))
}
func opened(_ plan: ReconcilePlan) -> [ConflictDraft] {
    plan.conflicts.compactMap { if case .open(let d) = $0 { return d } else { return nil } }
}
func closedIDs(_ plan: ReconcilePlan) -> [Int64] {
    plan.conflicts.compactMap { if case .close(let id, _) = $0 { return id } else { return nil } }
}

@Suite struct ReconcilerTests {
    let r = Reconciler()
    let today = day("2026-11-20")
    let base: FieldValues = [.request_id: "R1", .provider_ods: "RBT", .service: "salt", .requested_on: "2026-10-01",
                                          .nhs_number: "9434765919", .status: "requested"]

    func created() -> AdviceState { r.plan(la(base), current: nil, lastFromFeed: nil, conflicts: [], today: today).state }

    @Test func anLARecordCreatesTheRequest() {
        let plan = r.plan(la(base), current: nil, lastFromFeed: nil, conflicts: [], today: today)
        #expect(plan.outcome == .created)
        #expect(plan.state.status == "requested")
        #expect(plan.state.statutoryDueOn(AdviceRules()) == day("2026-11-12"))
    }

    @Test func ownerWinsOverNonOwner() {
        // The provider says another service: the LA's value stands, a field_mismatch opens.
        let plan = r.plan(pr([.request_id: "R1", .service: "ot"]), current: created(), lastFromFeed: nil, conflicts: [], today: today)
        #expect(plan.state.value(.service) == "salt")
        #expect(opened(plan).map(\.kind) == [.field_mismatch])
        #expect(opened(plan).first?.field == "service")
    }

    @Test func providerOwnsReceivedOnAndTheLADoesNotOverrideIt() {
        var s = r.plan(pr([.request_id: "R1", .received_on: "2026-10-03"]), current: created(), lastFromFeed: nil, conflicts: [], today: today).state
        let plan = r.plan(la([.request_id: "R1", .received_on: "2026-10-10"]), current: s, lastFromFeed: nil, conflicts: [], today: today)
        s = plan.state
        #expect(s.value(.received_on) == "2026-10-03")
        #expect(s.statutoryDueOn(AdviceRules()) == day("2026-11-14"))
        #expect(opened(plan).map(\.kind) == [.field_mismatch])
    }

    @Test func mismatchClosesWhenTheValuesComeToAgree() {
        let first = r.plan(pr([.request_id: "R1", .service: "ot"]), current: created(), lastFromFeed: nil, conflicts: [], today: today)
        let stored = opened(first).map { ConflictRef(id: 9, kind: $0.kind, key: $0.key, isOpen: true, fingerprint: $0.fingerprint) }
        let second = r.plan(pr([.request_id: "R1", .service: "salt"]), current: first.state, lastFromFeed: nil, conflicts: stored, today: today)
        #expect(closedIDs(second) == [9])
    }

    @Test func aResolvedConflictIsNotReopenedForTheSameValues() {
        let first = r.plan(pr([.request_id: "R1", .service: "ot"]), current: created(), lastFromFeed: nil, conflicts: [], today: today)
        let resolved = opened(first).map { ConflictRef(id: 9, kind: $0.kind, key: $0.key, isOpen: false, fingerprint: $0.fingerprint) }
        let again = r.plan(pr([.request_id: "R1", .service: "ot", .status: "in_progress"]), current: first.state, lastFromFeed: nil,
                           conflicts: resolved, today: today)
        #expect(opened(again).isEmpty)
    }

    @Test func staleObservationIsIgnored() {
        let plan = r.plan(la([.request_id: "R1", .case_ref: "NEW"], at: 1000), current: created(),
                          lastFromFeed: FeedMark(updatedAt: Timestamp(millis: 2000)), conflicts: [], today: today)
        #expect(plan.outcome == .stale)
        #expect(plan.state.value(.case_ref) == nil)
    }

    @Test func aNewerObservationIsApplied() {
        let plan = r.plan(la([.request_id: "R1", .case_ref: "NEW"], at: 3000), current: created(),
                          lastFromFeed: FeedMark(updatedAt: Timestamp(millis: 2000)), conflicts: [], today: today)
        #expect(plan.outcome == .updated)
        #expect(plan.state.value(.case_ref) == "NEW")
    }

    @Test func anIdenticalObservationChangesNothing() {
        let plan = r.plan(la(base), current: created(), lastFromFeed: nil, conflicts: [], today: today)
        #expect(plan.outcome == .unchanged)
        #expect(plan.changes.isEmpty && plan.conflicts.isEmpty)
    }

    @Test(arguments: [CanonicalField.nhs_number, .date_of_birth])
    func identityMismatchIsNotMerged(field: CanonicalField) {
        var start = base
        start[.date_of_birth] = "2015-04-01"
        let s = r.plan(la(start), current: nil, lastFromFeed: nil, conflicts: [], today: today).state
        let other = field == .nhs_number ? "9990000018" : "2015-04-02"
        let plan = r.plan(pr([.request_id: "R1", field: other, .status: "submitted"]), current: s, lastFromFeed: nil, conflicts: [], today: today)
        #expect(plan.outcome == .identityMismatch)
        #expect(plan.state.providerStatus == nil)
        #expect(plan.state.value(field) == start[field])
        #expect(opened(plan).map(\.kind) == [.identity_mismatch])
        #expect(!(opened(plan).first?.detail.contains(other) ?? true))
    }

    @Test func providerIdentityFillsWhenTheLAHasNone() {
        var noIdentity = base
        noIdentity[.nhs_number] = nil
        let s = r.plan(la(noIdentity), current: nil, lastFromFeed: nil, conflicts: [], today: today).state
        let plan = r.plan(pr([.request_id: "R1", .nhs_number: "9434765919"]), current: s, lastFromFeed: nil, conflicts: [], today: today)
        #expect(plan.state.value(.nhs_number) == "9434765919")
        #expect(opened(plan).isEmpty)
    }

    @Test(arguments: [
        (ProviderStatus.acknowledged, ProviderStatus.in_progress, true), (.in_progress, .submitted, true),
        (.submitted, .in_progress, false), (.submitted, .acknowledged, false), (.in_progress, .acknowledged, false),
        (.acknowledged, .not_known, true), (.not_known, .in_progress, false), (.submitted, .not_known, true),
    ])
    func providerStatusMovesForwardOnly(from: ProviderStatus, to: ProviderStatus, allowed: Bool) {
        let s = r.plan(pr([.request_id: "R1", .status: from.rawValue]), current: created(), lastFromFeed: nil, conflicts: [], today: today).state
        let plan = r.plan(pr([.request_id: "R1", .status: to.rawValue]), current: s, lastFromFeed: nil, conflicts: [], today: today)
        #expect(plan.state.providerStatus == (allowed ? to : from))
        #expect(opened(plan).contains { $0.kind == .status_regression } == !allowed)
    }

    @Test(arguments: [
        (LAStatus.requested, LAStatus.accepted, true), (.requested, .returned, true), (.returned, .accepted, true),
        (.accepted, .requested, false), (.accepted, .returned, false), (.returned, .requested, false),
        (.accepted, .cancelled, true), (.cancelled, .requested, true), (.cancelled, .accepted, false),
    ])
    func laStatusMovesForwardOnlyButCancelAndReopenAreAllowed(from: LAStatus, to: LAStatus, allowed: Bool) {
        var v = base
        v[.status] = from.rawValue
        let s = r.plan(la(v), current: nil, lastFromFeed: nil, conflicts: [], today: today).state
        v[.status] = to.rawValue
        let plan = r.plan(la(v), current: s, lastFromFeed: nil, conflicts: [], today: today)
        #expect(plan.state.laStatus == (allowed ? to : from))
        #expect(opened(plan).contains { $0.kind == .status_regression } == !allowed)
    }

    @Test func afterAReturnTheProviderStartsAgainAgainstTheAmendmentDate() {
        var s = r.plan(pr([.request_id: "R1", .status: "submitted", .submitted_on: "2026-11-01"]), current: created(),
                       lastFromFeed: nil, conflicts: [], today: today).state
        #expect(s.status == "submitted")
        var v = base
        v[.status] = "returned"
        v[.returned_on] = "2026-11-10"
        s = r.plan(la(v), current: s, lastFromFeed: nil, conflicts: [], today: today).state
        #expect(s.status == "returned")
        #expect(!s.isAnswered)
        #expect(s.workingDueOn(AdviceRules()) == day("2026-11-24"))
        let restart = r.plan(pr([.request_id: "R1", .status: "in_progress"]), current: s, lastFromFeed: nil, conflicts: [], today: today)
        #expect(restart.state.status == "in_progress")
        #expect(!opened(restart).contains { $0.kind == .status_regression })
        // Once restarted, a further step back is a regression again.
        let resubmit = r.plan(pr([.request_id: "R1", .status: "submitted"]), current: restart.state, lastFromFeed: nil, conflicts: [], today: today)
        #expect(resubmit.state.isAnswered)
        let back = r.plan(pr([.request_id: "R1", .status: "acknowledged"]), current: resubmit.state, lastFromFeed: nil, conflicts: [], today: today)
        #expect(opened(back).contains { $0.kind == .status_regression })
    }

    @Test(arguments: [(ProviderStatus.acknowledged, true), (.in_progress, true), (.submitted, false)])
    func cancellingWhileTheProviderWorksOpensAConflict(provider: ProviderStatus, opens: Bool) {
        let s = r.plan(pr([.request_id: "R1", .status: provider.rawValue]), current: created(), lastFromFeed: nil, conflicts: [], today: today).state
        var v = base
        v[.status] = "cancelled"
        let plan = r.plan(la(v), current: s, lastFromFeed: nil, conflicts: [], today: today)
        #expect(opened(plan).contains { $0.kind == .cancelled_while_active } == opens)
        #expect(plan.state.status == "cancelled")
    }

    @Test func cancelledWhileActiveClosesWhenTheProviderReportsAgain() {
        let key = ConflictDraft.key(.cancelled_while_active, nil, nil)
        let s = created()
        let plan = r.plan(pr([.request_id: "R1", .exception_note: "stopped"]), current: s, lastFromFeed: nil,
                          conflicts: [ConflictRef(id: 4, kind: .cancelled_while_active, key: key, isOpen: true, fingerprint: 0)], today: today)
        #expect(closedIDs(plan) == [4])
    }

    @Test(arguments: [("2026-11-10", false), ("2026-11-14", false), ("2026-11-16", true)])
    func adviceNotReceivedOpensAfterTheGraceDays(todayText: String, opens: Bool) {
        let s = r.plan(pr([.request_id: "R1", .status: "submitted", .submitted_on: "2026-11-10"]), current: created(),
                       lastFromFeed: nil, conflicts: [], today: day(todayText)).state
        let drafts = DerivedConflicts.evaluate(s, rules: AdviceRules(), today: day(todayText))
        #expect(drafts.contains { $0.kind == .advice_not_received } == opens)
        // Logged as received: it no longer holds.
        var v = base
        v[.advice_received_on] = "2026-11-12"
        let received = r.plan(la(v), current: s, lastFromFeed: nil, conflicts: [], today: day(todayText)).state
        #expect(!DerivedConflicts.evaluate(received, rules: AdviceRules(), today: day(todayText)).contains { $0.kind == .advice_not_received })
    }

    @Test(arguments: [("2026-11-12", false), ("2026-11-14", false), ("2026-11-15", true), ("2026-11-09", true)])
    func statedDueDatesBeyondTheToleranceRaiseAMismatch(stated: String, raises: Bool) {
        let plan = r.plan(pr([.request_id: "R1", .due_on: stated]), current: created(), lastFromFeed: nil, conflicts: [], today: today)
        #expect(opened(plan).contains { $0.kind == .due_date_mismatch } == raises)
        #expect(plan.state.statutoryDueOn(AdviceRules()) == day("2026-11-12"))
    }

    @Test func theDerivedStatusDoesNotDependOnFeedOrder() {
        let a = la(base.merging([.status: "accepted"]) { $1 })
        let p = pr([.request_id: "R1", .status: "submitted"])
        let s1 = r.plan(p, current: r.plan(a, current: nil, lastFromFeed: nil, conflicts: [], today: today).state,
                        lastFromFeed: nil, conflicts: [], today: today).state
        let s2 = r.plan(a, current: r.plan(p, current: AdviceState(requestID: "R1"), lastFromFeed: nil, conflicts: [], today: today).state,
                        lastFromFeed: nil, conflicts: [], today: today).state
        #expect(s1.status == "accepted" && s2.status == "accepted")
    }

    /// A plan that does not list each value set (a first load's) is the same plan
    /// otherwise: same outcome, state, conflicts and notes, for new and known records of
    /// either side, and its changes are the full list less the `la.`/`provider.` values.
    @Test(arguments: [false, true])
    func aPlanWithoutItsValueListIsTheSamePlan(known: Bool) {
        let observations = [
            la(base.merging([.status: "cancelled", .case_ref: "EHC/1", .dispute: "open"]) { $1 }, at: 5),
            la(base.merging([.status: "returned", .returned_on: "2026-11-02"]) { $1 }, at: 6),
            pr([.request_id: "R1", .status: "submitted", .submitted_on: "2026-11-01", .service: "ot"], at: 7),
            pr([.request_id: "R1", .nhs_number: "9434765927"], at: 8),
        ]
        for obs in observations {
            let current = known ? created() : (obs.role == .la ? nil : AdviceState(requestID: "R1"))
            let full = r.plan(obs, current: current, lastFromFeed: nil, conflicts: [], today: today)
            let short = r.plan(obs, current: current, lastFromFeed: nil, conflicts: [], today: today, listingValues: false)
            #expect(short.outcome == full.outcome)
            #expect(short.state == full.state)
            #expect(short.conflicts == full.conflicts)
            #expect(short.notes == full.notes)
            let valueSets = full.changes.filter { $0.field.hasPrefix("la.") || $0.field.hasPrefix("provider.") }
            #expect(!valueSets.isEmpty || obs.values.isEmpty)
            #expect(short.changes == full.changes.filter { !valueSets.contains($0) })
        }
    }
}
