/// Canonical field → text, held in one slot per field (by `CanonicalField.ordinal`)
/// rather than a hash table: every record on the bulk paths carries two or three of
/// these, and a dictionary cost a hash and an allocation per lookup and insert.
///
/// Reads like a dictionary (subscript, `keys`, iteration as `(key, value)`), always in
/// SPEC §3 order, so the audit text of one input is the same in every process.
public struct FieldValues: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    /// Empty until the first value is set, so an empty side allocates nothing.
    private var slots: [String?] = []

    public init() {}

    public init(dictionaryLiteral elements: (CanonicalField, String)...) {
        for (field, value) in elements { self[field] = value }
    }

    public init(_ dictionary: [CanonicalField: String]) {
        for (field, value) in dictionary { self[field] = value }
    }

    public subscript(field: CanonicalField) -> String? {
        get { slots.isEmpty ? nil : slots[field.ordinal] }
        set {
            if slots.isEmpty {
                guard newValue != nil else { return }
                slots = Array(repeating: nil, count: CanonicalField.byOrdinal.count)
            }
            slots[field.ordinal] = newValue
        }
    }

    public var isEmpty: Bool { !slots.contains { $0 != nil } }

    /// True when both hold the same values, `field`'s aside. Compared in place: reading
    /// each value out through the subscript cost a retain and a release.
    public func isSame(as other: FieldValues, except field: CanonicalField) -> Bool {
        let skip = field.ordinal
        switch (slots.isEmpty, other.slots.isEmpty) {
        case (true, true): return true
        case (false, true): return slots.indices.allSatisfy { $0 == skip || slots[$0] == nil }
        case (true, false): return other.slots.indices.allSatisfy { $0 == skip || other.slots[$0] == nil }
        case (false, false): return slots.indices.allSatisfy { $0 == skip || slots[$0] == other.slots[$0] }
        }
    }

    public var count: Int { slots.reduce(0) { $0 + ($1 == nil ? 0 : 1) } }

    /// The fields that have a value, in SPEC order.
    public var keys: [CanonicalField] { map(\.key) }

    public var dictionary: [CanonicalField: String] {
        var out: [CanonicalField: String] = [:]
        for (k, v) in self { out[k] = v }
        return out
    }

    /// Adds `other`'s values; where both have one, `combine(mine, theirs)` decides.
    public mutating func merge(_ other: FieldValues, uniquingKeysWith combine: (String, String) -> String) {
        for (field, value) in other { self[field] = self[field].map { combine($0, value) } ?? value }
    }

    public func merging(_ other: FieldValues, uniquingKeysWith combine: (String, String) -> String) -> FieldValues {
        var out = self
        out.merge(other, uniquingKeysWith: combine)
        return out
    }

    public static func == (a: FieldValues, b: FieldValues) -> Bool {
        for field in CanonicalField.byOrdinal where a[field] != b[field] { return false }
        return true
    }

    public struct Iterator: IteratorProtocol {
        let slots: [String?]
        var position = 0

        public mutating func next() -> (key: CanonicalField, value: String)? {
            while position < slots.count {
                defer { position += 1 }
                if let v = slots[position] { return (CanonicalField.byOrdinal[position], v) }
            }
            return nil
        }
    }

    public func makeIterator() -> Iterator { Iterator(slots: slots) }

    /// Names the fields only: values may identify a child and must never reach a log.
    public var description: String { "FieldValues(" + keys.map(\.rawValue).joined(separator: ", ") + ")" }
}

extension CanonicalField {
    /// Every field indexed by its `ordinal`.
    public static let byOrdinal: [CanonicalField] = allCases.sorted { $0.ordinal < $1.ordinal }
}
