/// One feed's health as the digest sees it (the same words as `status --json`).
public struct DigestFeed: Sendable, Equatable {
    /// `ok`, `degraded` (read, but its last file or walk had rejected files or row
    /// errors), `failing` (the last attempts failed), `stale` (silent longer than
    /// `stale_after`) or `never` (not yet tried).
    public enum State: String, Sendable, CaseIterable {
        case ok, degraded, failing, stale, never
    }

    public var name: String
    public var role: Role
    public var state: State
    public var lastSuccessAt: Timestamp?
    public var lastError: String?
    public var consecutiveFailures: Int
    /// Files of the feed's last file or walk that were rejected whole.
    public var rejectedFiles: Int
    /// Rows skipped in the feed's last file or walk.
    public var rowErrors: Int
    /// Files in the feed's folder that its pattern will never take.
    public var ignoredFiles: Int
    /// Each rejected, part-read or ignored file with its first reason, newest first.
    public var problems: [FeedProblem]

    public init(name: String, role: Role, state: State, lastSuccessAt: Timestamp? = nil, lastError: String? = nil,
                consecutiveFailures: Int = 0, rejectedFiles: Int = 0, rowErrors: Int = 0, ignoredFiles: Int = 0,
                problems: [FeedProblem] = []) {
        self.name = name
        self.role = role
        self.state = state
        self.lastSuccessAt = lastSuccessAt
        self.lastError = lastError
        self.consecutiveFailures = consecutiveFailures
        self.rejectedFiles = rejectedFiles
        self.rowErrors = rowErrors
        self.ignoredFiles = ignoredFiles
        self.problems = problems
    }

    /// Failing, stale and degraded feeds, feeds with files they never take, and feeds
    /// with problem files in the window asked (a bad export between two digests) are
    /// the ones a person must look at.
    public var needsAttention: Bool { (state != .ok && state != .never) || ignoredFiles > 0 || !problems.isEmpty }

    /// The object of `status --json`'s `feeds` array.
    public var json: String {
        "{\"name\":" + JSONText.quoted(name) + ",\"role\":\"\(role.rawValue)\",\"state\":\"\(state.rawValue)\""
            + ",\"last_success_at\":" + (lastSuccessAt.map { "\"\($0)\"" } ?? "null")
            + ",\"last_error\":" + (lastError.map(JSONText.quoted) ?? "null")
            + ",\"consecutive_failures\":\(consecutiveFailures),\"rejected_files\":\(rejectedFiles)"
            + ",\"row_errors\":\(rowErrors),\"ignored_files\":\(ignoredFiles)"
            + ",\"problems\":[" + problems.map(\.json).joined(separator: ",") + "]}"
    }
}
