/// Which CSV column feeds which canonical field, worked out once from the header row.
public struct CSVLayout: Sendable {
    public struct Slot: Sendable {
        public let index: Int
        public let field: CanonicalField
        public let column: String
    }

    public let slots: [Slot]
    let requestIDIndex: Int?

    /// Matches the header against the mapping: a `columns` entry names its header
    /// (exactly, else ignoring case and spaces); otherwise a header that is the
    /// canonical field's name needs no entry. A mapped column missing from the header,
    /// or a required field with neither a column nor a default, makes the file unreadable.
    public init(header: [String], mapping: RecordMapping) throws(LayoutError) {
        func fold(_ s: String) -> String { s.lowercased().filter { !$0.isWhitespace } }
        var exact: [String: Int] = [:]
        var folded: [String: Int] = [:]
        for (i, name) in header.enumerated() {
            if exact[name] == nil { exact[name] = i }
            if folded[fold(name)] == nil { folded[fold(name)] = i }
        }
        var slots: [Slot] = []
        var missing: [String] = []
        for field in CanonicalField.allCases {
            if let local = mapping.columns[field] {
                if let i = exact[local] ?? folded[fold(local)] {
                    slots.append(Slot(index: i, field: field, column: header[i]))
                } else {
                    missing.append("'\(local)' (for \(field.rawValue))")
                }
            } else if let i = exact[field.rawValue] ?? folded[fold(field.rawValue)] {
                slots.append(Slot(index: i, field: field, column: header[i]))
            }
        }
        if !missing.isEmpty {
            throw LayoutError(message: "missing required columns: \(missing.joined(separator: ", ")) not in the header")
        }
        for field in mapping.requiredFields where !slots.contains(where: { $0.field == field }) && mapping.defaults[field] == nil {
            throw LayoutError(message: "missing required columns: no column for \(field.rawValue) (name one under csv.columns)")
        }
        self.slots = slots
        requestIDIndex = slots.first(where: { $0.field == .request_id })?.index
    }

    /// The row as an observation, or the first field that fails validation.
    public func observation(_ row: [String], line: Int, mapping: RecordMapping) -> Result<Observation, RowError> {
        mapping.observation(line: line, values: RowValues(slots: slots, row: row), column: { slots[$0].column })
    }

    /// A row's mapped values in slot order, each with its slot, which names its column
    /// only if the value is wrong. Handed over one by one: an array of them, or a lazy
    /// sequence's closures, cost allocations a row.
    struct RowValues: Sequence, IteratorProtocol {
        let slots: [Slot]
        let row: [String]
        var position = 0

        mutating func next() -> (CanonicalField, String, Int)? {
            while position < slots.count {
                defer { position += 1 }
                let slot = slots[position]
                if slot.index < row.count { return (slot.field, row[slot.index], position) }
            }
            return nil
        }
    }

    /// The request id as written (trimmed), for the fast unchanged-row check.
    public func rawRequestID(_ row: [String]) -> String? {
        guard let i = requestIDIndex, i < row.count else { return nil }
        let t = row[i].trimmedASCIIWhitespace
        return t.isEmpty ? nil : t
    }

    /// A stable hash of the mapped cells of a row. Equal hashes from one feed with an
    /// unchanged mapping mean the row says nothing new.
    public func rawHash(_ row: [String], seed: UInt64) -> Int64 {
        var h = RowHash(seed: seed)
        for slot in slots { h.combine(slot.index < row.count ? row[slot.index] : "") }
        return h.signed
    }
}

/// A header that cannot be mapped: the whole file is unreadable.
public struct LayoutError: Error, Sendable, Equatable {
    public var message: String
    public init(message: String) { self.message = message }
}
