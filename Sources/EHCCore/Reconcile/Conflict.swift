/// The conflict kinds of SPEC §9.
public enum ConflictKind: String, Sendable, CaseIterable, Codable {
    case unmatched_response, field_mismatch, identity_mismatch, status_regression
    case advice_not_received, due_date_mismatch, cancelled_while_active

    /// Kinds that follow from the record's values alone: they open and close as the
    /// values change. The others are opened by an event.
    public var isDerived: Bool {
        switch self {
        case .field_mismatch, .identity_mismatch, .due_date_mismatch, .advice_not_received, .cancelled_while_active:
            return true
        case .unmatched_response, .status_regression: return false
        }
    }

    /// Patient-safety and delivery problems go to the DCO at once (SPEC §5).
    public var isImmediate: Bool { self == .identity_mismatch || self == .advice_not_received }

    /// Why a derived conflict closed by itself, for the audit trail.
    public var closedByRulesReason: String {
        switch self {
        case .advice_not_received: return "the LA logged the advice, or accepted or cancelled the request"
        case .cancelled_while_active: return "the provider reported after the cancellation, or the LA reopened the request"
        default: return "the sides now agree"
        }
    }
}

/// A conflict the planner wants opened. `key` identifies it within one record, so the
/// same disagreement is never opened twice and a resolved one is not reopened unless
/// the values behind it (`fingerprint`) change.
public struct ConflictDraft: Sendable, Equatable {
    public var kind: ConflictKind
    public var field: String?
    /// Which side raised it, where that matters (due dates, regressions).
    public var side: Role?
    /// Plain words for the DCO. Never holds names, NHS numbers or dates of birth.
    public var detail: String
    public var fingerprint: Int64

    public init(kind: ConflictKind, field: String? = nil, side: Role? = nil, detail: String, fingerprint: Int64 = 0) {
        self.kind = kind
        self.field = field
        self.side = side
        self.detail = detail
        self.fingerprint = fingerprint
    }

    public var key: String { ConflictDraft.key(kind, field, side) }

    public static func key(_ kind: ConflictKind, _ field: String?, _ side: Role?) -> String {
        kind.rawValue + ":" + (field ?? "") + ":" + (side?.rawValue ?? "")
    }
}

/// A conflict already in the store, as the planner needs to see it.
public struct ConflictRef: Sendable, Equatable {
    public var id: Int64
    /// Its kind, typed where the store reads the row.
    public var kind: ConflictKind
    public var key: String
    public var isOpen: Bool
    public var fingerprint: Int64

    /// A stored conflict of `kind` with its `key` (`ConflictDraft.key`).
    public init(id: Int64, kind: ConflictKind, key: String, isOpen: Bool, fingerprint: Int64) {
        self.id = id
        self.kind = kind
        self.key = key
        self.isOpen = isOpen
        self.fingerprint = fingerprint
    }
}

/// What to do to the conflicts table.
public enum ConflictOp: Sendable, Equatable {
    case open(ConflictDraft)
    case close(id: Int64, reason: String)
}
