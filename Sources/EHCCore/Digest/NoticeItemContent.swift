/// One planned notice item with what a person needs to read about it: the record as
/// it stands today (when there is one) and, for conflicts, what the conflict is.
public struct NoticeItemContent: Sendable {
    /// The record and where it stands today; `nil` when the notice is about a conflict
    /// whose record is not at hand.
    public var record: (state: AdviceState, view: DeadlineView)?
    /// Why the item is sent: its reason, exception and conflict id.
    public var notice: PlannedNotice
    public var conflictKind: ConflictKind?
    /// Plain words for the DCO; conflicts never hold names, NHS numbers or dates of birth.
    public var conflictDetail: String?
    /// Conflicts open on the record, as `advice list --json` counts them.
    public var openConflicts: Int

    public init(record: (state: AdviceState, view: DeadlineView)?, notice: PlannedNotice, conflictKind: ConflictKind? = nil,
                conflictDetail: String? = nil, openConflicts: Int = 0) {
        self.record = record
        self.notice = notice
        self.conflictKind = conflictKind
        self.conflictDetail = conflictDetail
        self.openConflicts = openConflicts
    }

    /// The request the item is about, from the record or else the notice.
    var requestID: String? { record?.state.requestID ?? notice.requestID }

    /// The escalation level, from the reason.
    var level: Int? { if case .overdue(_, let level) = notice.reason { return level } else { return nil } }

    /// Days overdue today, from the record or else the reason.
    var daysOverdue: Int? {
        if let d = record?.view.daysOverdue { return d }
        if case .overdue(let days, _) = notice.reason { return days } else { return nil }
    }

    /// The reminder's offset ("due within 7 days"), from the reason.
    var dueWithinDays: Int? { if case .dueWithin(let d) = notice.reason { return d } else { return nil } }

    /// The reg 8(2) exception the planner marked, else the record's.
    var exception: AdviceException? { notice.exception ?? record?.view.exception }

    /// The conflict kind, given or else from the reason.
    var kind: ConflictKind? {
        if let conflictKind { return conflictKind }
        if case .conflictOpened(let k) = notice.reason { return k } else { return nil }
    }
}
