import EHCCore

/// One side's values of a record, packed into one `BLOB` column: a format byte, then
/// for each stated field its ordinal, its length (LEB128) and its UTF-8 bytes.
///
/// One column a side instead of 21 mostly empty ones: SQLite builds, writes and reads
/// a record of 21 columns rather than 55, which halves the cost of storing a record.
/// The audit trail keeps each observation's values the same way (`observation.observed`,
/// its `updated_at` in a column of its own). People read both through `ehcsync advice`,
/// which gives an observation's values as JSON.
enum PackedValues {
    static let format: UInt8 = 1

    static func pack(_ values: FieldValues) -> [UInt8] {
        var out: [UInt8] = []
        for (field, value) in values {
            if out.isEmpty {
                out.reserveCapacity(256)
                out.append(format)
            }
            out.append(UInt8(field.ordinal))
            var value = value
            value.withUTF8 { bytes in
                var n = bytes.count
                while n >= 0x80 {
                    out.append(UInt8(truncatingIfNeeded: n) | 0x80)
                    n >>= 7
                }
                out.append(UInt8(n))
                out.append(contentsOf: bytes)
            }
        }
        return out
    }

    /// The values in `bytes`; an empty or unreadable blob reads as no values (the
    /// store's constraints keep that from happening; a reader must never crash on it).
    static func unpack(_ bytes: UnsafeRawBufferPointer) -> FieldValues {
        var values = FieldValues()
        guard bytes.count > 1, bytes[0] == format else { return values }
        var i = 1
        while i < bytes.count {
            let ordinal = Int(bytes[i])
            i += 1
            var length = 0, shift = 0
            while i < bytes.count, shift < 63 {
                let b = bytes[i]
                i += 1
                length |= Int(b & 0x7F) << shift
                if b & 0x80 == 0 { break }
                shift += 7
            }
            guard ordinal < CanonicalField.byOrdinal.count, length >= 0, length <= bytes.count - i else { break }
            values[CanonicalField.byOrdinal[ordinal]] = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[i..<(i + length)]),
                                                               as: UTF8.self)
            i += length
        }
        return values
    }

    /// An observation's stated values, as `observation.observed` keeps them.
    static func pack(_ obs: Observation) -> [UInt8] { pack(obs.values) }

    /// The observation `observed` and `updatedAt` describe, for `role`.
    static func observation(_ observed: [UInt8], updatedAt: Timestamp?, role: Role) -> Observation {
        Observation(role: role, values: observed.withUnsafeBytes(unpack), updatedAt: updatedAt)
    }

    /// The values as the JSON object `advice show` gives (`Observation.valuesJSON`).
    static func json(_ observed: [UInt8], updatedAt: Timestamp?) -> String {
        observation(observed, updatedAt: updatedAt, role: .la).valuesJSON
    }
}
