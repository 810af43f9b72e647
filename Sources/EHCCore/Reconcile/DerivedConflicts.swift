/// Conflicts that follow from a record's values alone (SPEC §4 rules 3, 4, 6 and the
/// due-date check of §3). Evaluated after every change and once a cycle for the clock.
public enum DerivedConflicts {
    /// Every derived disagreement the record holds today.
    /// Fields one side owns, with the owner: made once, not per record.
    static let sideOwned: [(CanonicalField, Role)] = CanonicalField.byOrdinal.compactMap { field in
        if case .side(let owner) = field.owner { return (field, owner) }
        return nil
    }

    public static func evaluate(_ state: AdviceState, rules: AdviceRules, today: CivilDate) -> [ConflictDraft] {
        var drafts: [ConflictDraft] = []
        // Rule 4: identity. Named, never shown: the detail carries no values.
        for field in [CanonicalField.nhs_number, .date_of_birth] {
            if let a = state.la[field], let b = state.provider[field], a != b {
                var h = RowHash(); h.combine(a); h.combine(b)
                drafts.append(ConflictDraft(kind: .identity_mismatch, field: field.rawValue,
                                            detail: "\(field.rawValue) differs between the LA and the provider: check the child's identity before linking",
                                            fingerprint: h.signed))
            }
        }
        // Rule 3: owner wins; a non-owner's different value is a mismatch.
        for (field, owner) in sideOwned {
            let other = owner.other
            if let mine = state.side(owner)[field], let theirs = state.side(other)[field], mine != theirs {
                var h = RowHash(); h.combine(mine); h.combine(theirs)
                drafts.append(ConflictDraft(kind: .field_mismatch, field: field.rawValue, side: other,
                                            detail: "\(other.rawValue) says \(field.rawValue) '\(theirs)', \(owner.rawValue) (owner) says '\(mine)'; the \(owner.rawValue) value stands",
                                            fingerprint: h.signed))
            }
        }
        // §3 due_on: a stated date more than the tolerance away from the statutory one.
        if let statutory = state.statutoryDueOn(rules) {
            for role in [Role.la, .provider] {
                if let stated = state.side(role)[.due_on].flatMap({ CivilDate(iso: $0) }),
                   abs(stated.days(until: statutory)) > rules.dueDateToleranceDays {
                    var h = RowHash(); h.combine(stated.description); h.combine(statutory.description)
                    drafts.append(ConflictDraft(kind: .due_date_mismatch, field: CanonicalField.due_on.rawValue, side: role,
                                                detail: "\(role.rawValue) states due \(stated); the statutory due date is \(statutory)",
                                                fingerprint: h.signed))
                }
            }
        }
        // Rule 6: submitted, but the LA has not logged the advice within the grace days.
        if state.providerStatus == .submitted, !state.awaitingAmendment, state.la[.advice_received_on] == nil,
           state.laStatus != .accepted, state.laStatus != .cancelled,
           let sent = state.date(.submitted_on) ?? state.answeredOn,
           today > sent.adding(days: rules.deliveryGraceDays) {
            var h = RowHash(); h.combine(sent.description)
            drafts.append(ConflictDraft(kind: .advice_not_received,
                                        detail: "provider submitted on \(sent); the LA has not logged it as received after \(rules.deliveryGraceDays) days",
                                        fingerprint: h.signed))
        }
        // Rule 7: cancelled while the provider works on it, and the provider has not
        // reported since the cancellation. Judged on timestamps, not on arrival order.
        if state.laStatus == .cancelled, state.providerStatus == .acknowledged || state.providerStatus == .in_progress,
           !(state.providerReportedAt.map { r in state.cancelledAt.map { r > $0 } ?? false } ?? false) {
            drafts.append(ConflictDraft(kind: .cancelled_while_active,
                                        detail: "LA cancelled the request while the provider reports it \(state.providerStatus?.rawValue ?? ""): tell the team to stop"))
        }
        return drafts
    }

    /// The operations that bring the stored conflicts in line with `drafts`: open what is
    /// new, close derived ones that no longer hold, leave resolved ones alone unless
    /// their values changed.
    public static func reconcile(_ drafts: [ConflictDraft], with existing: [ConflictRef]) -> [ConflictOp] {
        var ops: [ConflictOp] = []
        let wanted = Set(drafts.map(\.key))
        for draft in drafts {
            let same = existing.filter { $0.key == draft.key }
            if same.contains(where: { $0.isOpen }) { continue }
            if same.contains(where: { !$0.isOpen && $0.fingerprint == draft.fingerprint }) { continue }
            ops.append(.open(draft))
        }
        for ref in existing where ref.isOpen && !wanted.contains(ref.key) {
            if ref.kind.isDerived {
                ops.append(.close(id: ref.id, reason: ref.kind.closedByRulesReason))
            }
        }
        return ops
    }
}
