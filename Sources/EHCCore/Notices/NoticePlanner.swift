
/// One item a recipient should hear about, once ever (its `key` is recorded).
public struct PlannedNotice: Sendable, Equatable {
    public var key: String
    public var kind: NoticeKind
    public var recipient: String
    public var requestID: String?
    public var conflictID: Int64?
    public var reason: NoticeReason
    /// Escalations of a record with a reg 8(2) exception are marked and counted apart.
    public var exception: AdviceException?

    public var isSuppressed: Bool { if case .superseded = reason { return true } else { return false } }

    public init(key: String, kind: NoticeKind, recipient: String, requestID: String?, conflictID: Int64? = nil,
                reason: NoticeReason, exception: AdviceException?) {
        self.key = key
        self.kind = kind
        self.recipient = recipient
        self.requestID = requestID
        self.conflictID = conflictID
        self.reason = reason
        self.exception = exception
    }
}

/// A conflict as the planner needs it.
public struct OpenConflict: Sendable, Equatable {
    public var id: Int64
    public var kind: ConflictKind
    public var requestID: String?
    public init(id: Int64, kind: ConflictKind, requestID: String?) {
        self.id = id
        self.kind = kind
        self.requestID = requestID
    }
}

/// Decides which reminders, escalations and immediate notices are due (SPEC §5):
/// a pure function of the records, the open conflicts, what was already recorded
/// and the day. Anything whose condition no longer holds is simply not planned;
/// anything missed while the service was down is planned on the next run.
public struct NoticePlanner: Sendable {
    public var policy: NoticePolicy
    public var rules: AdviceRules

    public init(policy: NoticePolicy, rules: AdviceRules) {
        self.policy = policy
        self.rules = rules
    }

    /// Items not yet in `recorded` (keys already sent or suppressed). Suppressed items
    /// are returned too, so the caller records them and they never go out later.
    /// Planned on the caller's thread: with many records, the I/O side plans the
    /// reminders and escalations in slices side by side (`deadlineNotices`) and adds
    /// `immediateNotices` after them, which lists the same.
    public func plan(records: [(AdviceState, DeadlineView)], conflicts: [OpenConflict], recorded: Set<String>,
                     today: CivilDate) -> [PlannedNotice] {
        var out = deadlineNotices(records, in: records.indices, recorded: recorded, today: today)
        out.append(contentsOf: immediateNotices(records: records, conflicts: conflicts, recorded: recorded))
        return out
    }

    /// The reminders and escalations of `records[range]`, in record order: one slice of
    /// a plan. Slices planned apart and joined in order list what one plan lists.
    public func deadlineNotices(_ records: [(AdviceState, DeadlineView)], in range: Range<Int>, recorded: Set<String>,
                                today: CivilDate) -> [PlannedNotice] {
        var out: [PlannedNotice] = []
        planDeadlines(records, range, ladder: Ladder(policy: policy), recorded: recorded, today: today, into: &out)
        return out
    }

    /// The notices due at once, after the reminders and escalations of a plan: a
    /// dispute to `disputesTo`, and a conflict that must be heard of now to the DCO or
    /// (a cancellation) to the provider team that must stop.
    public func immediateNotices(records: [(AdviceState, DeadlineView)], conflicts: [OpenConflict],
                                 recorded: Set<String>) -> [PlannedNotice] {
        // Teams are looked up only for records a cancellation notice needs, not for all.
        let cancelledIDs = Set(conflicts.filter { $0.kind == .cancelled_while_active }.compactMap(\.requestID))
        var teamOf: [String: String?] = [:]
        if !cancelledIDs.isEmpty {
            for i in records.indices where cancelledIDs.contains(records[i].0.requestID) {
                teamOf[records[i].0.requestID] = policy.team(for: records[i].0)
            }
        }
        var out: [PlannedNotice] = []
        // Disputes: at once, once per dispute (a new reason is a new dispute).
        for i in records.indices where records[i].1.disputed && records[i].1.state != .cancelled {
            let state = records[i].0
            var h = RowHash()
            h.combine(state.value(.dispute_reason) ?? "")
            for recipient in policy.disputesTo {
                let key = "dispute:\(state.requestID):\(UInt64(bitPattern: h.signed)):\(recipient)"
                if !recorded.contains(key) {
                    out.append(PlannedNotice(key: key, kind: .dispute, recipient: recipient, requestID: state.requestID,
                                             reason: .disputeOpened, exception: nil))
                }
            }
        }
        // Immediate conflicts: patient safety and delivery to the DCO; a cancellation to
        // the provider team that must stop.
        for conflict in conflicts {
            let recipients: [String]
            switch conflict.kind {
            case .identity_mismatch, .advice_not_received:
                recipients = policy.conflictsTo
            case .cancelled_while_active:
                let team = conflict.requestID.flatMap { teamOf[$0] ?? nil } ?? policy.fallback
                recipients = team.map { [$0] } ?? policy.conflictsTo
            default:
                continue
            }
            for recipient in recipients {
                let key = "conflict:\(conflict.id):\(recipient)"
                if !recorded.contains(key) {
                    out.append(PlannedNotice(key: key, kind: .conflict, recipient: recipient, requestID: conflict.requestID,
                                             conflictID: conflict.id, reason: .conflictOpened(conflict.kind), exception: nil))
                }
            }
        }
        return out
    }

    /// The reminder offsets and the escalation ladder in the order they are walked,
    /// sorted once per plan.
    struct Ladder: Sendable {
        var offsets: [Int]
        var firstOffset: Int
        var steps: [NoticePolicy.Escalation]
        init(policy: NoticePolicy) {
            offsets = policy.remindersBeforeDueDays.sorted()
            firstOffset = offsets.last ?? Int.min
            steps = policy.escalations.sorted { $0.afterDueDays > $1.afterDueDays }
        }
    }

    /// The reminders and escalations of `records[range]`, appended to `out`. Records
    /// are read through their index: a copy of one would retain and release each of
    /// its parts, a million times over.
    private func planDeadlines(_ records: [(AdviceState, DeadlineView)], _ range: Range<Int>, ladder: Ladder,
                               recorded: Set<String>, today: CivilDate, into out: inout [PlannedNotice]) {
        let offsets = ladder.offsets, steps = ladder.steps
        for i in range {
            let view = records[i].1
            guard view.state == .open || view.state == .due_soon || view.state == .overdue else { continue }
            guard let due = view.workingDueOn else { continue }
            let left = today.days(until: due)
            // Nothing is due for a record before its first reminder offset.
            guard left < 0 || left <= ladder.firstOffset else { continue }
            let requestID = records[i].0.requestID
            let dueText = due.description
            // Reminders: the most urgent offset reached; the larger ones it covers are suppressed.
            if left >= 0, let team = policy.team(for: records[i].0), let nearest = offsets.first(where: { left <= $0 }) {
                let key = Self.key("reminder:", requestID, dueText, String(nearest))
                if !recorded.contains(key) {
                    out.append(PlannedNotice(key: key, kind: .reminder, recipient: team, requestID: requestID,
                                             reason: .dueWithin(days: nearest), exception: view.exception))
                }
                for other in offsets where other > nearest {
                    let k = Self.key("reminder:", requestID, dueText, String(other))
                    if !recorded.contains(k) {
                        out.append(PlannedNotice(key: k, kind: .reminder, recipient: team, requestID: requestID,
                                                 reason: .superseded(by: key), exception: view.exception))
                    }
                }
            }
            // Escalations: the highest step reached goes out; lower ones it covers are suppressed.
            if let overdue = view.daysOverdue, let topIndex = steps.firstIndex(where: { overdue >= $0.afterDueDays }) {
                let top = steps[topIndex]
                let key = Self.key("escalation:", requestID, dueText, String(top.level))
                for recipient in top.to {
                    let k = Self.key(key, ":", recipient)
                    if !recorded.contains(k) {
                        out.append(PlannedNotice(key: k, kind: .escalation, recipient: recipient,
                                                 requestID: requestID, reason: .overdue(days: overdue, level: top.level),
                                                 exception: view.exception))
                    }
                }
                for lower in steps[(topIndex + 1)...] {
                    let lowerKey = Self.key("escalation:", requestID, dueText, String(lower.level))
                    for recipient in lower.to {
                        let k = Self.key(lowerKey, ":", recipient)
                        if !recorded.contains(k) {
                            out.append(PlannedNotice(key: k, kind: .escalation, recipient: recipient, requestID: requestID,
                                                     reason: .superseded(by: key), exception: view.exception))
                        }
                    }
                }
            }
        }
    }

    /// `prefix` then the parts joined by `:`, built in one buffer: keys are made for
    /// every item of every plan.
    static func key(_ prefix: String, _ a: String, _ b: String, _ c: String) -> String {
        var k = ""
        k.reserveCapacity(prefix.utf8.count + a.utf8.count + b.utf8.count + c.utf8.count + 2)
        k += prefix; k += a; k += ":"; k += b; k += ":"; k += c
        return k
    }

    static func key(_ a: String, _ b: String, _ c: String) -> String {
        var k = ""
        k.reserveCapacity(a.utf8.count + b.utf8.count + c.utf8.count)
        k += a; k += b; k += c
        return k
    }
}
