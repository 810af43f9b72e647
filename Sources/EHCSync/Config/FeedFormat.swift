/// The encoding of a feed's records (SPEC §2). Required in the config: guessing from
/// file extensions would make a renamed file change meaning.
public enum FeedFormat: String, Sendable, CaseIterable, Equatable {
    case csv, json, ndjson
    /// An Office Open XML workbook (SPEC §7 "Workbooks"): one sheet read as a CSV file is.
    case xlsx

    /// The file extension a folder feed matches by default (`*.csv`, …).
    public var fileExtension: String { rawValue }
}
