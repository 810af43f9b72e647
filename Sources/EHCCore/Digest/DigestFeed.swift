/// One feed's health as the digest sees it (the same words as `status --json`).
public struct DigestFeed: Sendable, Equatable {
    /// `ok`, `failing` (the last attempts failed), `stale` (silent longer than
    /// `stale_after`) or `never` (not yet tried).
    public enum State: String, Sendable, CaseIterable {
        case ok, failing, stale, never
    }

    public var name: String
    public var role: Role
    public var state: State
    public var lastSuccessAt: Timestamp?
    public var lastError: String?
    public var consecutiveFailures: Int

    public init(name: String, role: Role, state: State, lastSuccessAt: Timestamp? = nil, lastError: String? = nil,
                consecutiveFailures: Int = 0) {
        self.name = name
        self.role = role
        self.state = state
        self.lastSuccessAt = lastSuccessAt
        self.lastError = lastError
        self.consecutiveFailures = consecutiveFailures
    }

    /// Failing and stale feeds are the ones a person must look at.
    public var needsAttention: Bool { state == .failing || state == .stale }

    /// The object of `status --json`'s `feeds` array.
    public var json: String {
        "{\"name\":" + JSONText.quoted(name) + ",\"role\":\"\(role.rawValue)\",\"state\":\"\(state.rawValue)\""
            + ",\"last_success_at\":" + (lastSuccessAt.map { "\"\($0)\"" } ?? "null")
            + ",\"last_error\":" + (lastError.map(JSONText.quoted) ?? "null")
            + ",\"consecutive_failures\":\(consecutiveFailures)}"
    }
}
