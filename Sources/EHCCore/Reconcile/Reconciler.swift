/// One change to a record, as the audit trail keeps it.
public struct FieldChange: Sendable, Equatable {
    /// A canonical field name, with the side for side values (`la.case_ref`,
    /// `provider.received_on`) or `la_status` / `provider_status`.
    public var field: String
    public var old: String?
    public var new: String?

    public init(field: String, old: String?, new: String?) {
        self.field = field
        self.old = old
        self.new = new
    }
}

/// What applying one observation would do: the store applies it in one transaction.
public struct ReconcilePlan: Sendable, Equatable {
    public enum Outcome: String, Sendable {
        case created, updated, unchanged, stale
        /// Rule 4: the provider's identity disagrees; only its identity values are kept.
        case identityMismatch = "identity_mismatch"
    }

    public var outcome: Outcome
    public var state: AdviceState
    public var changes: [FieldChange]
    public var conflicts: [ConflictOp]
    /// Plain-words notes for the audit trail (why something was not applied).
    public var notes: [String]
}

/// The last observation applied from one feed for one record (SPEC §4 rule 2).
public struct FeedMark: Sendable, Equatable {
    public var updatedAt: Timestamp?
    public init(updatedAt: Timestamp?) { self.updatedAt = updatedAt }
}

/// The rules of SPEC §4 as a pure function: state in, plan out. No clock (today is
/// passed in), no store, no I/O; tested as tables.
public struct Reconciler: Sendable {
    public var rules: AdviceRules

    public init(rules: AdviceRules = AdviceRules()) { self.rules = rules }

    /// Plans one observation against the record it is linked to (`nil`: an LA
    /// observation for a new request). `conflicts` are the record's stored conflicts.
    /// `now` is when the observation arrived; it stands in for a missing `updated_at`
    /// (default: noon of `today`, for tests that need no clock).
    ///
    /// With `listingValues` false the plan's `changes` leave out each value set (the
    /// status changes stay); all else is the same plan. A first load drops a new
    /// record's changes, as its values are kept, so it asks for none rather than
    /// building and freeing a dozen a record.
    public func plan(_ obs: Observation, current: AdviceState?, lastFromFeed: FeedMark?,
                     conflicts: [ConflictRef], today: CivilDate, now: Timestamp? = nil,
                     listingValues: Bool = true) -> ReconcilePlan {
        let effective = obs.updatedAt ?? now ?? Timestamp(millis: (Int64(today.daysSinceEpoch) * 86_400 + 43_200) * 1000)
        let requestID = current?.requestID ?? obs.requestID ?? ""
        let before = current ?? AdviceState(requestID: requestID)
        // Rule 2: an observation older than the last applied from this feed is not applied.
        if let last = lastFromFeed?.updatedAt, let mine = obs.updatedAt, mine < last {
            return ReconcilePlan(outcome: .stale, state: before, changes: [], conflicts: [],
                                 notes: ["stale: updated_at \(mine) is older than \(last), the last applied from this feed"])
        }
        var state = before
        var changes: [FieldChange] = []
        var notes: [String] = []
        var events: [ConflictDraft] = []
        // The status regression this observation puts right, if any: one side's status
        // is applied a plan, so there is at most one (no dictionary a row).
        var closeKey: (key: String, reason: String)?
        var valuesChanged = false  // a value set, listed in `changes` or not

        // Rule 4: a provider whose identity disagrees with the LA's is not merged, and
        // nor is anything it sends until its identity agrees (what it states now, else
        // what it stated before).
        if obs.role == .provider {
            let clash = [CanonicalField.nhs_number, .date_of_birth].filter { f in
                guard let theirs = obs.values[f] ?? before.provider[f], let ours = before.la[f] else { return false }
                return theirs != ours
            }
            if !clash.isEmpty {
                for f in [CanonicalField.nhs_number, .date_of_birth] {
                    if let v = obs.values[f] {
                        set(&state.provider, f, v, side: "provider", &changes, listing: listingValues, changed: &valuesChanged)
                    }
                }
                notes.append("identity differs (\(clash.map(\.rawValue).joined(separator: ", "))): the provider's values were not merged")
                let ops = DerivedConflicts.reconcile(
                    DerivedConflicts.evaluate(state, rules: rules, today: today), with: conflicts)
                return ReconcilePlan(outcome: .identityMismatch, state: state, changes: changes, conflicts: ops, notes: notes)
            }
        }

        // Values: each side's stated values are kept; the owner's stand (rule 3).
        for (field, value) in obs.values where field != .status {
            if obs.role == .la { set(&state.la, field, value, side: "la", &changes, listing: listingValues, changed: &valuesChanged) }
            else { set(&state.provider, field, value, side: "provider", &changes, listing: listingValues, changed: &valuesChanged) }
        }

        // Rule 5: statuses move forward only.
        switch obs.role {
        case .la:
            if let new = obs.laStatus {
                applyLA(new, to: &state, at: effective, changes: &changes, notes: &notes, events: &events, closing: &closeKey)
            }
            if state.laStatus == nil {
                state.laStatus = .requested
                changes.append(FieldChange(field: "la_status", old: nil, new: LAStatus.requested.rawValue))
            }
            // A new return date while returned starts a new amendment.
            if state.laStatus == .returned, before.la[.returned_on] != state.la[.returned_on], before.laStatus == .returned {
                state.awaitingAmendment = true
            }
        case .provider:
            if state.providerReportedAt.map({ effective > $0 }) ?? true {
                state.providerReportedAt = effective
            }
            if let new = obs.providerStatus {
                applyProvider(new, obs: obs, to: &state, today: today, changes: &changes, notes: &notes, events: &events, closing: &closeKey)
            }
        }

        // Derived conflicts follow the values; events add theirs.
        var ops = DerivedConflicts.reconcile(DerivedConflicts.evaluate(state, rules: rules, today: today), with: conflicts)
        if let (key, reason) = closeKey {
            for ref in conflicts where ref.isOpen && ref.key == key { ops.append(.close(id: ref.id, reason: reason)) }
        }
        for draft in events where !conflicts.contains(where: { $0.isOpen && $0.key == draft.key }) {
            ops.append(.open(draft))
        }
        let outcome: ReconcilePlan.Outcome = current == nil ? .created : (changes.isEmpty && !valuesChanged ? .unchanged : .updated)
        return ReconcilePlan(outcome: outcome, state: state, changes: changes, conflicts: ops, notes: notes)
    }

    private func set(_ side: inout FieldValues, _ field: CanonicalField, _ value: String,
                     side name: String, _ changes: inout [FieldChange], listing: Bool, changed: inout Bool) {
        let old = side[field]
        guard old != value else { return }
        side[field] = value
        changed = true
        guard listing else { return }
        let names = name == "la" ? Self.laFieldNames : Self.providerFieldNames
        changes.append(FieldChange(field: names[field.ordinal], old: old, new: value))
    }

    /// `la.case_ref`, `provider.received_on` …: the audit's field names, made once.
    private static let laFieldNames = CanonicalField.byOrdinal.map { "la." + $0.rawValue }
    private static let providerFieldNames = CanonicalField.byOrdinal.map { "provider." + $0.rawValue }
    private static let laRegressionKey = ConflictDraft.key(.status_regression, "status", .la)
    private static let providerRegressionKey = ConflictDraft.key(.status_regression, "status", .provider)

    private func applyLA(_ new: LAStatus, to state: inout AdviceState, at effective: Timestamp, changes: inout [FieldChange],
                         notes: inout [String], events: inout [ConflictDraft], closing: inout (key: String, reason: String)?) {
        let old = state.laStatus
        let regressionKey = Self.laRegressionKey
        let allowed: Bool
        switch (old, new) {
        case (nil, _), (_, .cancelled): allowed = true
        case (.cancelled?, .requested): allowed = true  // reopened
        case (.cancelled?, _): allowed = false
        case (let o?, _): allowed = (new.rank ?? 0) >= (o.rank ?? 0)
        }
        guard allowed else {
            notes.append("la status \(new.rawValue) after \(old?.rawValue ?? "-") is a step back: not applied")
            events.append(ConflictDraft(kind: .status_regression, field: "status", side: .la,
                                        detail: "LA reported \(new.rawValue) after \(old?.rawValue ?? "-"); not applied",
                                        fingerprint: 0))
            return
        }
        closing = (regressionKey, "the LA's status moved forward again")
        guard old != new else { return }
        state.laStatus = new
        changes.append(FieldChange(field: "la_status", old: old?.rawValue, new: new.rawValue))
        switch new {
        case .cancelled:
            state.cancelledAt = effective
        case .requested:
            state.cancelledAt = nil
        case .returned:
            state.awaitingAmendment = true
        case .accepted:
            state.awaitingAmendment = false
        }
    }

    private func applyProvider(_ new: ProviderStatus, obs: Observation, to state: inout AdviceState, today: CivilDate,
                               changes: inout [FieldChange], notes: inout [String], events: inout [ConflictDraft],
                               closing: inout (key: String, reason: String)?) {
        let old = state.providerStatus
        let regressionKey = Self.providerRegressionKey
        // After an LA return the provider starts again: any status is a fresh start.
        let restart = state.awaitingAmendment
        guard restart || old == nil || new.rank >= (old?.rank ?? 0) else {
            notes.append("provider status \(new.rawValue) after \(old?.rawValue ?? "-") is a step back: not applied")
            events.append(ConflictDraft(kind: .status_regression, field: "status", side: .provider,
                                        detail: "provider reported \(new.rawValue) after \(old?.rawValue ?? "-"); not applied"))
            return
        }
        closing = (regressionKey, "the provider's status moved forward again")
        if restart {
            state.awaitingAmendment = false
            changes.append(FieldChange(field: "awaiting_amendment", old: "true", new: "false"))
        }
        guard old != new || restart else { return }
        state.providerStatus = new
        state.providerStatusOn = today
        changes.append(FieldChange(field: "provider_status", old: old?.rawValue, new: new.rawValue))
        if new.isAnswer, state.answeredOn == nil {
            state.answeredOn = state.date(.submitted_on) ?? today
            changes.append(FieldChange(field: "answered_on", old: nil, new: state.answeredOn?.description))
        }
    }
}
