/// SPEC §5's one on-time measure, for one group (a provider, a service, a month or the
/// whole place) over one period. The digest, `ehcsync report` and every later view
/// count with this type, so no two places can call different figures "on time".
///
/// For a period `[from, to]` seen on `today`:
/// - *due*: requests, not cancelled, whose statutory due date fell in the period and
///   is before `today` (so the outcome is known). A request due today or later is not
///   counted yet, wherever the period ends;
/// - *on time*: those answered (see `AnswerOutcome`) on or before the due date;
/// - *late*: the rest: answered late, still unanswered, or closed by the LA with no
///   known day of answer (not shown to be on time);
/// - the rate **including** reg 8(2) exceptions is on time ÷ due;
/// - the rate **excluding** them leaves out of the denominator the late requests that
///   have an exception (an on-time request with one stays in), as the DfE's SEN2
///   figures do.
public struct OnTimeRate: Sendable, Equatable {
    /// The provider's ODS code, the service, the month, or `all` for the whole place.
    public var group: String
    public var due: Int
    public var onTime: Int
    /// The late requests that have a reg 8(2) exception (part of `late`).
    public var lateWithException: Int
    /// The late requests not answered by `today` (part of `late`).
    public var stillOutstanding: Int

    public init(group: String, due: Int = 0, onTime: Int = 0, lateWithException: Int = 0, stillOutstanding: Int = 0) {
        self.group = group
        self.due = due
        self.onTime = onTime
        self.lateWithException = lateWithException
        self.stillOutstanding = stillOutstanding
    }

    /// Due and not on time: answered late, or not answered.
    public var late: Int { due - onTime }

    /// The denominator of the rate excluding exceptions.
    public var dueExcludingExceptions: Int { due - lateWithException }

    /// On time ÷ due as a percentage to one decimal; `nil` when nothing is due.
    public var pct: Double? { DecimalText.percent(onTime, of: due) }

    /// On time ÷ (due less the late ones with an exception); `nil` when that is zero.
    public var pctExcludingExceptions: Double? { DecimalText.percent(onTime, of: dueExcludingExceptions) }

    /// Whether a record is *due* in `[from, to]` on `today`, the one test of what counts:
    /// a statutory due date in the period and before today. (Cancelled records are
    /// left out by `add`, from their outcome.)
    public static func isDue(_ view: DeadlineView, from: CivilDate, to: CivilDate, today: CivilDate) -> Bool {
        guard let due = view.dueOn else { return false }
        return from <= due && due <= to && due < today
    }

    /// The last day whose requests can count in a period ending `to`, seen on `today`:
    /// the day before `today` when the period runs on past it. `nil` when none can.
    public static func lastCountedDay(from: CivilDate, to: CivilDate, today: CivilDate) -> CivilDate? {
        let last = min(to, today.adding(days: -1))
        return from <= last ? last : nil
    }

    /// Adds one due record. Returns `false` (and counts nothing) for a cancelled one.
    @discardableResult
    public mutating func add(_ outcome: AnswerOutcome, exception: Bool) -> Bool {
        switch outcome {
        case .cancelled:
            return false
        case .answered(_, let onTime) where onTime:
            due += 1
            self.onTime += 1
        case .answered, .answeredUndated:
            due += 1
            if exception { lateWithException += 1 }
        case .outstanding:
            due += 1
            stillOutstanding += 1
            if exception { lateWithException += 1 }
        }
        return true
    }

    /// Adds another group's counts: totals are sums, never recounted another way.
    public mutating func add(_ other: OnTimeRate) {
        due += other.due
        onTime += other.onTime
        lateWithException += other.lateWithException
        stillOutstanding += other.stillOutstanding
    }
}

/// Rates for many groups at once, kept in first-seen slots and sorted once at the end.
struct OnTimeRateTable {
    private var index: [String: Int] = [:]
    private var rates: [OnTimeRate] = []

    /// Counts one due record for `group`.
    mutating func add(_ group: String, _ outcome: AnswerOutcome, exception: Bool) {
        guard outcome != .cancelled else { return }
        if let slot = index[group] {
            rates[slot].add(outcome, exception: exception)
        } else {
            index[group] = rates.count
            var rate = OnTimeRate(group: group)
            rate.add(outcome, exception: exception)
            rates.append(rate)
        }
    }

    /// Groups in name order.
    var sorted: [OnTimeRate] { rates.sorted { $0.group < $1.group } }
}
