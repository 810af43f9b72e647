/// The digest's on-time rate for one provider or service over the quarter so far.
///
/// The rate is `onTime / (answered + overdueOutstanding)`:
/// - the records counted are those whose statutory due date falls between the first
///   day of the quarter of the digest's date and that date, both included;
/// - `answered` counts those answered (see `AnswerOutcome`) on time or late;
/// - `overdueOutstanding` counts those not yet answered whose statutory due date has
///   passed — they are already late, so they count against the rate now rather than
///   only once they are answered. Requests due today are not yet late and are left out;
/// - cancelled requests, and closed ones with no known day of answer, are left out.
///
/// This differs from the report's `pct_on_time` (answered only) on purpose: mid-quarter,
/// a provider that has simply not answered would otherwise look perfect.
public struct OnTimeRate: Sendable, Equatable {
    /// The provider's ODS code or the service; `all` for the whole place.
    public var group: String
    public var onTime: Int
    /// On time plus late.
    public var answered: Int
    public var overdueOutstanding: Int

    public init(group: String, onTime: Int = 0, answered: Int = 0, overdueOutstanding: Int = 0) {
        self.group = group
        self.onTime = onTime
        self.answered = answered
        self.overdueOutstanding = overdueOutstanding
    }

    /// The denominator of the rate.
    public var counted: Int { answered + overdueOutstanding }

    /// Percent on time, to one decimal; `nil` when nothing counts yet.
    public var pct: Double? { DecimalText.percent(onTime, of: counted) }

    /// Adds one record due in the quarter. `overdue` says its statutory date has passed.
    public mutating func add(_ outcome: AnswerOutcome, overdue: Bool) {
        switch outcome {
        case .answered(_, let onTime):
            answered += 1
            if onTime { self.onTime += 1 }
        case .outstanding:
            if overdue { overdueOutstanding += 1 }
        case .answeredUndated, .cancelled:
            break
        }
    }
}

/// Rates for many groups at once, kept in first-seen slots and sorted once at the end.
struct OnTimeRateTable {
    private var index: [String: Int] = [:]
    private var rates: [OnTimeRate] = []

    /// Counts one record for `group`.
    mutating func add(_ group: String, _ outcome: AnswerOutcome, overdue: Bool) {
        if let slot = index[group] {
            rates[slot].add(outcome, overdue: overdue)
        } else {
            index[group] = rates.count
            var rate = OnTimeRate(group: group)
            rate.add(outcome, overdue: overdue)
            rates.append(rate)
        }
    }

    /// Groups in name order.
    var sorted: [OnTimeRate] { rates.sorted { $0.group < $1.group } }
}
