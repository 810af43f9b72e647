/// The kinds of notice (SPEC §6 webhook `type`).
public enum NoticeKind: String, Sendable, CaseIterable, Codable {
    case reminder, escalation, conflict, dispute, digest
}

/// Why an item is planned or held back: the answer to "should we notify, and why",
/// kept with the item so a table test and the audit trail can both read it.
public enum NoticeReason: Sendable, Equatable, CustomStringConvertible {
    case dueWithin(days: Int)
    case overdue(days: Int, level: Int)
    case conflictOpened(ConflictKind)
    case disputeOpened
    /// A later reminder or higher escalation covers this one: recorded, never sent.
    case superseded(by: String)

    public var description: String {
        switch self {
        case .dueWithin(let d): return "due within \(d) days"
        case .overdue(let d, let level): return "\(d) days overdue (level \(level))"
        case .conflictOpened(let k): return "\(k.rawValue) opened"
        case .disputeOpened: return "dispute open"
        case .superseded(let key): return "superseded by \(key)"
        }
    }
}
