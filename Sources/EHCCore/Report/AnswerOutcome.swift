/// How one request stands against its statutory due date, for on-time counting in
/// the report and in the digest's quarterly rate. One function decides it, so the two
/// never disagree about what "answered" or "on time" means.
public enum AnswerOutcome: Sendable, Equatable {
    /// Cancelled by the LA: left out of every count.
    case cancelled
    /// Answered on `day`; `onTime` when on or before the statutory due date.
    case answered(day: CivilDate, onTime: Bool)
    /// The LA accepted (closed) the request but no day of answer is known: it is not
    /// shown to be on time, so SPEC §5's measure counts it late.
    case answeredUndated
    /// Not answered (by `today`) and not cancelled.
    case outstanding

    /// The outcome of one record as seen on `today`.
    ///
    /// - An answer is the provider's first `submitted` or `not_known` (`answeredOn`),
    ///   counted only when it happened on or before `today`, so a report for a past
    ///   day does not count answers that came later.
    /// - A request the LA closed (`accepted`) without the provider ever reporting an
    ///   answer is treated as answered: the LA accepting advice means it arrived. Its
    ///   day is the LA's `advice_received_on`, else the provider's `submitted_on`; when
    ///   neither is known it is `answeredUndated`.
    /// - Timeliness is always against the statutory date (`view.dueOn`), never the
    ///   amendment date: reg 8(1) is about the first advice.
    public static func of(_ state: AdviceState, _ view: DeadlineView, today: CivilDate) -> AnswerOutcome {
        if view.state == .cancelled { return .cancelled }
        if let day = view.answeredOn, day <= today {
            return .answered(day: day, onTime: view.dueOn.map { day <= $0 } ?? false)
        }
        if view.state == .closed {
            guard let day = state.date(.advice_received_on) ?? state.date(.submitted_on), day <= today else {
                return .answeredUndated
            }
            return .answered(day: day, onTime: view.dueOn.map { day <= $0 } ?? false)
        }
        return .outstanding
    }

    /// Days from the day the provider received the request (else the day the LA sent
    /// it) to `answered`; `nil` when neither start date is known.
    public static func daysToAnswer(_ state: AdviceState, answered: CivilDate) -> Int? {
        (state.date(.received_on) ?? state.date(.requested_on)).map { $0.days(until: answered) }
    }
}
