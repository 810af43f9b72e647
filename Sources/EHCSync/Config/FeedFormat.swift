/// The encoding of a feed's records (SPEC §2). Required in the config: guessing from
/// file extensions would make a renamed file change meaning.
public enum FeedFormat: String, Sendable, CaseIterable, Equatable {
    case csv, json, ndjson

    /// The file extension a folder feed matches by default (`*.csv`, …).
    public var fileExtension: String { rawValue }
}
