/// A notice that finally failed to deliver (SPEC §6): the digest shows it so a person
/// can act, since the recipient never heard.
public struct DigestFailedNotice: Sendable, Equatable {
    public var id: Int64
    public var kind: NoticeKind
    public var recipient: String
    public var channel: String
    public var lastError: String
    public var createdAt: Timestamp

    public init(id: Int64, kind: NoticeKind, recipient: String, channel: String, lastError: String, createdAt: Timestamp) {
        self.id = id
        self.kind = kind
        self.recipient = recipient
        self.channel = channel
        self.lastError = lastError
        self.createdAt = createdAt
    }

    /// `{"id", "kind", "recipient", "channel", "last_error", "created_at"}`.
    public var json: String {
        "{\"id\":\(id),\"kind\":\"\(kind.rawValue)\",\"recipient\":" + JSONText.quoted(recipient)
            + ",\"channel\":" + JSONText.quoted(channel) + ",\"last_error\":" + JSONText.quoted(lastError)
            + ",\"created_at\":\"\(createdAt)\"}"
    }
}
