/// Who may set a field (SPEC §3). The owner's value stands; the other side's
/// differing value is a conflict, never an overwrite.
public enum FieldOwner: Sendable, Equatable {
    case side(Role)
    /// Identity fields both sides carry; a disagreement is an identity mismatch.
    case both
    /// Computed by EHC Sync (`due_on`); a side's stated value is only compared.
    case derived
    /// Set by each feed about itself (`updated_at`, `status` split by side).
    case each
}

/// The value type of a canonical field, which decides how raw text is validated.
public enum FieldKind: Sendable, Equatable {
    case text(maxLength: Int?)
    case requestID
    case date
    case timestamp
    case nhsNumber
    case service
    case status
    case exception
    case dispute
}

/// Every canonical field of SPEC §3. Feeds are mapped onto these names; the raw
/// value is the JSON key or the CSV column name.
public enum CanonicalField: String, Sendable, CaseIterable, Codable, Comparable {
    case request_id, provider_ref, case_ref, assessment_requested_on
    case nhs_number, date_of_birth, given_name, family_name
    case provider_ods, service, requested_on, received_on, due_on, status
    case submitted_on, advice_received_on, returned_on
    case exception, exception_note, dispute, dispute_reason, cancel_reason
    case updated_at

    public static func < (a: CanonicalField, b: CanonicalField) -> Bool {
        a.ordinal < b.ordinal
    }

    /// Position in SPEC §3's table, used for stable output order. A switch, not a
    /// search of `allCases`: it is on every record's hot path.
    public var ordinal: Int {
        switch self {
        case .request_id: return 0
        case .provider_ref: return 1
        case .case_ref: return 2
        case .assessment_requested_on: return 3
        case .nhs_number: return 4
        case .date_of_birth: return 5
        case .given_name: return 6
        case .family_name: return 7
        case .provider_ods: return 8
        case .service: return 9
        case .requested_on: return 10
        case .received_on: return 11
        case .due_on: return 12
        case .status: return 13
        case .submitted_on: return 14
        case .advice_received_on: return 15
        case .returned_on: return 16
        case .exception: return 17
        case .exception_note: return 18
        case .dispute: return 19
        case .dispute_reason: return 20
        case .cancel_reason: return 21
        case .updated_at: return 22
        }
    }

    /// Equality and hashing by position: the raw-value defaults would hash the field's
    /// name on every dictionary lookup of every record.
    public static func == (a: CanonicalField, b: CanonicalField) -> Bool { a.ordinal == b.ordinal }

    public func hash(into hasher: inout Hasher) { hasher.combine(ordinal) }

    public var owner: FieldOwner {
        switch self {
        case .request_id, .case_ref, .assessment_requested_on, .provider_ods, .service,
             .requested_on, .advice_received_on, .returned_on, .dispute, .dispute_reason,
             .cancel_reason:
            return .side(.la)
        case .provider_ref, .received_on, .submitted_on, .exception, .exception_note:
            return .side(.provider)
        case .nhs_number, .date_of_birth, .given_name, .family_name:
            return .both
        case .due_on:
            return .derived
        case .status, .updated_at:
            return .each
        }
    }

    public var kind: FieldKind {
        switch self {
        case .request_id: return .requestID
        case .assessment_requested_on, .date_of_birth, .requested_on, .received_on, .due_on,
             .submitted_on, .advice_received_on, .returned_on:
            return .date
        case .updated_at: return .timestamp
        case .nhs_number: return .nhsNumber
        case .service: return .service
        case .status: return .status
        case .exception: return .exception
        case .dispute: return .dispute
        case .provider_ref, .case_ref, .provider_ods: return .text(maxLength: 64)
        case .given_name, .family_name: return .text(maxLength: 200)
        case .exception_note, .dispute_reason, .cancel_reason: return .text(maxLength: 2000)
        }
    }

    /// Fields that identify a child: never logged, and kept out of notices by default.
    public var isPersonal: Bool {
        switch self {
        case .nhs_number, .date_of_birth, .given_name, .family_name: return true
        default: return false
        }
    }
}
