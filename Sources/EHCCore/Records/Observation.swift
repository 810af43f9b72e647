/// One record as read from one feed at one time, validated and in canonical form.
///
/// Values are canonical text: dates `YYYY-MM-DD`, NHS numbers as ten digits, enums as
/// their SPEC names. `status` is kept under `.status` and belongs to `role`'s side.
public struct Observation: Sendable, Equatable {
    public var role: Role
    public var values: FieldValues
    public var updatedAt: Timestamp?
    /// 1-based line in the source file (or position in a page) where the record starts.
    public var line: Int

    public init(role: Role, values: FieldValues, updatedAt: Timestamp? = nil, line: Int = 0) {
        self.role = role
        self.values = values
        self.updatedAt = updatedAt
        self.line = line
    }

    public var requestID: String? { values[.request_id] }
    public var laStatus: LAStatus? { role == .la ? values[.status].flatMap(LAStatus.init(rawValue:)) : nil }
    public var providerStatus: ProviderStatus? {
        role == .provider ? values[.status].flatMap(ProviderStatus.init(rawValue:)) : nil
    }

    /// The values as a compact JSON object (canonical keys in SPEC order), for the store.
    public var valuesJSON: String {
        var out: [UInt8] = []
        out.reserveCapacity(384)
        out.append(0x7B)
        for (field, value) in values {
            if out.count > 1 { out.append(0x2C) }
            JSONText.appendQuoted(field.rawValue, to: &out)
            out.append(0x3A)
            JSONText.appendQuoted(value, to: &out)
        }
        if let updatedAt {
            if out.count > 1 { out.append(0x2C) }
            JSONText.appendRaw("\"updated_at\":", to: &out)
            JSONText.appendQuoted(updatedAt.description, to: &out)
        }
        out.append(0x7D)
        return String(decoding: out, as: UTF8.self)
    }
}

/// A row that failed validation: skipped, and listed with its line and field.
public struct RowError: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    /// The canonical field, when one field is at fault.
    public var field: String?
    /// The column or key as named in the source, when it differs from the field.
    public var column: String?
    public var message: String

    public init(line: Int, field: String? = nil, column: String? = nil, message: String) {
        self.line = line
        self.field = field
        self.column = column
        self.message = message
    }

    public var description: String {
        var s = "line \(line): "
        if let field {
            s += field
            if let column, column != field { s += " (column '\(column)')" }
            s += ": "
        }
        return s + message
    }
}
