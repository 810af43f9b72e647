/// Plans an LA record that can meet nothing in the store: no record, no mark, no
/// conflict (a first load, the record's first row in the file). Pure, so a first
/// load's reading thread plans each new request while the writer applies the ones
/// before it (`RecordPreparer`).
public struct FreshRecordPlanner: Sendable {
    public let reconciler: Reconciler
    public let today: CivilDate
    public let now: Timestamp

    /// A planner for one file of a first load, with the feed's rules and the load's day.
    public init(reconciler: Reconciler, today: CivilDate, now: Timestamp) {
        self.reconciler = reconciler
        self.today = today
        self.now = now
    }

    /// The plan of `obs` as a new record. `observed` is `PackedValues.pack(obs)`.
    public func plan(_ obs: Observation, observed: [UInt8]) -> FreshRecordPlan {
        // A created record's changes are not stored (its values are: the audit row's
        // `observed`), so none are listed.
        let plan = reconciler.plan(obs, current: nil, lastFromFeed: nil, conflicts: [], today: today, now: now,
                                   listingValues: false)
        // A new record's LA values are the observation's but its status, which has a
        // column of its own: its bytes are `observed` without that entry.
        let la = plan.state.la
        let sameButStatus = la[.status] == nil && la.isSame(as: obs.values, except: .status)
        return FreshRecordPlan(plan: plan,
                               packedLA: sameButStatus ? PackedValues.removing(.status, from: observed) : PackedValues.pack(la))
    }
}

/// A plan made ahead, with its LA values packed for the row. The rest of the row's
/// values are worked out by the writer, the less busy of a first load's two threads.
public struct FreshRecordPlan: Sendable {
    public let plan: ReconcilePlan
    public let packedLA: [UInt8]

    /// A plan and the bytes of its LA values.
    public init(plan: ReconcilePlan, packedLA: [UInt8]) {
        self.plan = plan
        self.packedLA = packedLA
    }
}
