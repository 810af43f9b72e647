/// One row of `ehcsync report` (SPEC §9): how the requests due in the range fared,
/// for one provider, service or month.
public struct ReportRow: Sendable, Equatable {
    /// The provider's ODS code, the service, or the due month (`2026-11`).
    public var group: String
    /// Requests whose statutory due date fell in the range (cancelled ones left out).
    public var due: Int
    /// Answered on or before the statutory due date.
    public var onTime: Int
    /// Answered after it, with or without an exception.
    public var late: Int
    /// The part of `late` that had a reg 8(2) exception, counted apart as SPEC §5 asks.
    public var lateWithException: Int
    /// Not answered and not cancelled.
    public var stillOutstanding: Int
    /// `onTime / (onTime + late) × 100` to one decimal; `nil` when nothing was answered.
    public var pctOnTime: Double?
    /// Median days from `received_on` (else `requested_on`) to the answer.
    public var medianDaysToAnswer: Double?

    public init(group: String, due: Int = 0, onTime: Int = 0, late: Int = 0, lateWithException: Int = 0,
                stillOutstanding: Int = 0, pctOnTime: Double? = nil, medianDaysToAnswer: Double? = nil) {
        self.group = group
        self.due = due
        self.onTime = onTime
        self.late = late
        self.lateWithException = lateWithException
        self.stillOutstanding = stillOutstanding
        self.pctOnTime = pctOnTime
        self.medianDaysToAnswer = medianDaysToAnswer
    }

    /// The column names of `report --csv`, and the keys of `report --json`.
    public static let columns = ["group", "due", "on_time", "late", "late_with_exception", "still_outstanding",
                                 "pct_on_time", "median_days_to_answer"]

    /// The row's values as text in `columns` order; an unknown figure is empty.
    public var fields: [String] {
        [group, String(due), String(onTime), String(late), String(lateWithException), String(stillOutstanding),
         pctOnTime.map(DecimalText.oneDecimal) ?? "", medianDaysToAnswer.map(DecimalText.oneDecimal) ?? ""]
    }

    /// The row as a JSON object; an unknown figure is `null`.
    public var json: String {
        "{\"group\":" + JSONText.quoted(group) + ",\"due\":\(due),\"on_time\":\(onTime),\"late\":\(late)"
            + ",\"late_with_exception\":\(lateWithException),\"still_outstanding\":\(stillOutstanding)"
            + ",\"pct_on_time\":" + (pctOnTime.map(DecimalText.oneDecimal) ?? "null")
            + ",\"median_days_to_answer\":" + (medianDaysToAnswer.map(DecimalText.oneDecimal) ?? "null") + "}"
    }
}

extension ReportRow {
    /// `report --csv`: the header line, then one line per row, CRLF-free (`\n`), with
    /// RFC 4180 quoting where a group holds a comma, quote or line break.
    public static func csv(_ rows: [ReportRow]) -> String {
        var out = columns.joined(separator: ",") + "\n"
        for row in rows {
            out += row.fields.map(CSVText.field).joined(separator: ",") + "\n"
        }
        return out
    }

    /// `report --json`: an array of row objects.
    public static func json(_ rows: [ReportRow]) -> String {
        "[" + rows.map(\.json).joined(separator: ",") + "]"
    }
}
