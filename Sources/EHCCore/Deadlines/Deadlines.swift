/// Where one record stands against its deadlines on a given day.
public struct DeadlineView: Sendable, Equatable {
    public var state: AdviceStateKind
    /// The statutory date: received (or requested) + 6 weeks.
    public var dueOn: CivilDate?
    /// The date now being worked to: the amendment date after a return, else `dueOn`.
    public var workingDueOn: CivilDate?
    public var daysOverdue: Int?
    public var answeredOn: CivilDate?
    /// Answered on or before the statutory due date.
    public var onTime: Bool?
    public var disputed: Bool
    public var exception: AdviceException?
    /// Week 1…20+ of the 20-week EHC timeline, when the assessment request date is known.
    public var timelineWeek: Int?
}

/// Deadline arithmetic (SPEC §5), pure: the day is passed in, already in the
/// configured zone, so clock changes never shift a date.
public enum Deadlines {
    public static func view(of state: AdviceState, rules: AdviceRules, today: CivilDate, dueSoonDays: Int) -> DeadlineView {
        let due = state.statutoryDueOn(rules)
        let working = state.workingDueOn(rules)
        var view = DeadlineView(state: .open, dueOn: due, workingDueOn: working, daysOverdue: nil,
                                answeredOn: state.answeredOn, onTime: nil, disputed: state.isDisputed,
                                exception: state.exception, timelineWeek: nil)
        if let answered = state.answeredOn, let due {
            view.onTime = answered <= due
        }
        if let start = state.date(.assessment_requested_on), start <= today {
            view.timelineWeek = start.days(until: today) / 7 + 1
        }
        if state.laStatus == .cancelled {
            view.state = .cancelled
        } else if state.laStatus == .accepted {
            view.state = .closed
        } else if state.isAnswered {
            view.state = .answered
        } else if let working {
            let left = today.days(until: working)
            if left < 0 {
                view.state = .overdue
                view.daysOverdue = -left
            } else if left <= dueSoonDays {
                view.state = .due_soon
            }
        }
        return view
    }
}
