/// An open conflict as the digest lists it.
public struct DigestConflict: Sendable, Equatable {
    public var id: Int64
    public var kind: ConflictKind
    public var requestID: String?
    /// Plain words for the DCO; conflicts never hold names, NHS numbers or dates of birth.
    public var detail: String
    public var openedAt: Timestamp

    public init(id: Int64, kind: ConflictKind, requestID: String?, detail: String, openedAt: Timestamp) {
        self.id = id
        self.kind = kind
        self.requestID = requestID
        self.detail = detail
        self.openedAt = openedAt
    }

    /// `{"id", "kind", "request_id", "detail", "opened_at"}`, as `conflicts list --json` names them.
    public var json: String {
        "{\"id\":\(id),\"kind\":\"\(kind.rawValue)\",\"request_id\":" + (requestID.map(JSONText.quoted) ?? "null")
            + ",\"detail\":" + JSONText.quoted(detail) + ",\"opened_at\":\"\(openedAt)\"}"
    }
}
