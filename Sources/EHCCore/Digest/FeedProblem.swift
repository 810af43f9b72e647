/// A file (or a walk of pages) whose data a DCO is missing, in part or whole: SPEC §7's
/// "nothing is dropped quietly". `status`, the digest's feed-health section and the
/// metrics file all show these, so that a skipped export is never silent.
public struct FeedProblem: Sendable, Equatable {
    /// What happened to the file.
    public enum Kind: String, Sendable, CaseIterable {
        /// Nothing of the file was applied; it sits in `rejected/` beside its `.error.txt`.
        case rejected
        /// The file was applied, but some rows were skipped (listed in its `.errors.txt`).
        case rowErrors = "row_errors"
        /// A file in the feed's folder that its `pattern` will never take.
        case ignored
    }

    public var kind: Kind
    /// The file's name as it arrived (for an HTTP feed, "last walk of pages").
    public var file: String
    /// Rows skipped, for `rowErrors`; 1 otherwise.
    public var count: Int
    /// The first reason, one line, with a hint at the fix where one is known.
    public var reason: String

    public init(kind: Kind, file: String, count: Int = 1, reason: String) {
        self.kind = kind
        self.file = file
        self.count = count
        self.reason = reason
    }

    /// `{"kind": "rejected", "file": "x.csv", "count": 1, "reason": "…"}`.
    public var json: String {
        "{\"kind\":\"\(kind.rawValue)\",\"file\":" + JSONText.quoted(file) + ",\"count\":\(count),\"reason\":"
            + JSONText.quoted(reason) + "}"
    }
}
