/// One row of `ehcsync report` (SPEC §9): how the requests due in the range fared,
/// for one provider, service or month, by SPEC §5's one on-time measure.
public struct ReportRow: Sendable, Equatable {
    /// The counts the row is made from; the same type the digest counts with.
    public var rate: OnTimeRate
    /// Median days from `received_on` (else `requested_on`) to the answer.
    public var medianDaysToAnswer: Double?

    public init(rate: OnTimeRate, medianDaysToAnswer: Double? = nil) {
        self.rate = rate
        self.medianDaysToAnswer = medianDaysToAnswer
    }

    /// The provider's ODS code, the service, or the due month (`2026-11`).
    public var group: String { rate.group }
    /// Requests, not cancelled, due in the range and before today.
    public var due: Int { rate.due }
    /// Answered on or before the statutory due date.
    public var onTime: Int { rate.onTime }
    /// The rest of `due`: answered late, or not answered.
    public var late: Int { rate.late }
    /// The part of `late` that has a reg 8(2) exception, counted apart as SPEC §5 asks.
    public var lateWithException: Int { rate.lateWithException }
    /// The part of `late` not answered yet.
    public var stillOutstanding: Int { rate.stillOutstanding }
    /// `on_time / due × 100` to one decimal; `nil` when nothing is due.
    public var pctOnTime: Double? { rate.pct }
    /// `on_time / (due − late_with_exception) × 100` to one decimal.
    public var pctOnTimeExcludingExceptions: Double? { rate.pctExcludingExceptions }

    /// The column names of `report --csv`, and the keys of `report --json`: SPEC §9's,
    /// then the rate excluding reg 8(2) exceptions.
    public static let columns = ["group", "due", "on_time", "late", "late_with_exception", "still_outstanding",
                                 "pct_on_time", "median_days_to_answer", "pct_on_time_excluding_exceptions"]

    /// The row's values as text in `columns` order; an unknown figure is empty.
    public var fields: [String] {
        [group, String(due), String(onTime), String(late), String(lateWithException), String(stillOutstanding),
         pctOnTime.map(DecimalText.oneDecimal) ?? "", medianDaysToAnswer.map(DecimalText.oneDecimal) ?? "",
         pctOnTimeExcludingExceptions.map(DecimalText.oneDecimal) ?? ""]
    }

    /// The row as a JSON object; an unknown figure is `null`.
    public var json: String {
        "{\"group\":" + JSONText.quoted(group) + ",\"due\":\(due),\"on_time\":\(onTime),\"late\":\(late)"
            + ",\"late_with_exception\":\(lateWithException),\"still_outstanding\":\(stillOutstanding)"
            + ",\"pct_on_time\":" + (pctOnTime.map(DecimalText.oneDecimal) ?? "null")
            + ",\"median_days_to_answer\":" + (medianDaysToAnswer.map(DecimalText.oneDecimal) ?? "null")
            + ",\"pct_on_time_excluding_exceptions\":" + (pctOnTimeExcludingExceptions.map(DecimalText.oneDecimal) ?? "null")
            + "}"
    }
}

extension ReportRow {
    /// `report --csv`: the header line, then one line per row, CRLF-free (`\n`), with
    /// RFC 4180 quoting where a group holds a comma, quote or line break. No rows: the
    /// header alone.
    public static func csv(_ rows: [ReportRow]) -> String {
        var out = columns.joined(separator: ",") + "\n"
        for row in rows {
            out += row.fields.map(CSVText.field).joined(separator: ",") + "\n"
        }
        return out
    }

    /// `report --json`: an array of row objects (`[]` when none).
    public static func json(_ rows: [ReportRow]) -> String {
        "[" + rows.map(\.json).joined(separator: ",") + "]"
    }
}
