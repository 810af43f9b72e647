/// The reason of an item the ledger recorded in an earlier cycle and has not yet put
/// in a message. An item planned in the cycle that sends it carries its reason from
/// the planner; only the ledger's older items need this, and it reads the key the
/// planner wrote (`reminder:R:DUE:OFFSET`, `escalation:R:DUE:LEVEL:RECIPIENT`) here,
/// in the core, beside the planner that writes it.
extension NoticeReason {
    /// The reason of a recorded item of `kind` with `key`; `conflictKind` is that of
    /// the conflict it names, `daysOverdue` the record's today.
    public init(recorded kind: NoticeKind, key: String, conflictKind: ConflictKind?, daysOverdue: Int?) {
        let parts = key.split(separator: ":")
        let step = parts.count >= 4 ? Int(parts[3]) : nil
        switch kind {
        case .reminder: self = .dueWithin(days: step ?? 0)
        case .escalation: self = .overdue(days: daysOverdue ?? 0, level: step ?? 1)
        case .conflict: self = .conflictOpened(conflictKind ?? .identity_mismatch)
        case .dispute, .digest: self = .disputeOpened
        }
    }
}
