/// One side's values of a record, packed into one `BLOB` column: a format byte, then
/// for each stated field its ordinal, its length (LEB128) and its UTF-8 bytes.
///
/// One column a side instead of 21 mostly empty ones: SQLite builds, writes and reads
/// a record of 21 columns rather than 55, which halves the cost of storing a record.
/// The audit trail keeps each observation's values the same way (`observation.observed`,
/// its `updated_at` in a column of its own). People read both through `ehcsync advice`,
/// which gives an observation's values as JSON.
///
/// Pure bytes, so the core packs a first load's values on the reading thread and the
/// store only binds them.
public enum PackedValues {
    /// The first byte of every non-empty blob: the format's version.
    public static let format: UInt8 = 1

    /// The values' bytes: nothing stated is no bytes at all.
    public static func pack(_ values: FieldValues) -> [UInt8] {
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

    /// `packed` without `field`'s value: the bytes `pack` makes of the same values
    /// without that field, by copying around one entry rather than packing again.
    public static func removing(_ field: CanonicalField, from packed: [UInt8]) -> [UInt8] {
        guard packed.count > 1, packed[0] == format else { return packed }
        let target = UInt8(field.ordinal)
        var i = 1
        while i < packed.count {
            let start = i
            guard let (ordinal, text) = entry(packed, at: &i), ordinal <= target else { return packed }
            guard ordinal == target else { continue }
            // The only entry: nothing stated is no bytes at all, as `pack` writes it.
            if start == 1, text.upperBound == packed.count { return [] }
            var out = [UInt8]()
            out.reserveCapacity(packed.count - (text.upperBound - start))
            out.append(contentsOf: packed[..<start])
            out.append(contentsOf: packed[text.upperBound...])
            return out
        }
        return packed
    }

    /// The values in `bytes`; an empty or unreadable blob reads as no values (the
    /// store's constraints keep that from happening; a reader must never crash on it).
    public static func unpack(_ bytes: UnsafeRawBufferPointer) -> FieldValues {
        var values = FieldValues()
        guard bytes.count > 1, bytes[0] == format else { return values }
        var i = 1
        while i < bytes.count {
            guard let (ordinal, text) = entry(bytes, at: &i), Int(ordinal) < CanonicalField.byOrdinal.count else { break }
            values[CanonicalField.byOrdinal[Int(ordinal)]] = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[text]),
                                                                    as: UTF8.self)
        }
        return values
    }

    /// The entry at `i`: its field's ordinal and where its text lies; `i` moves past it.
    /// `nil` when its length runs past the end.
    private static func entry<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, at i: inout Int)
        -> (ordinal: UInt8, text: Range<Int>)? where Bytes.Index == Int {
        let ordinal = bytes[i]
        i += 1
        var length = 0, shift = 0
        while i < bytes.endIndex, shift < 63 {
            let b = bytes[i]
            i += 1
            length |= Int(b & 0x7F) << shift
            if b & 0x80 == 0 { break }
            shift += 7
        }
        guard length >= 0, length <= bytes.endIndex - i else { return nil }
        defer { i += length }
        return (ordinal, i..<(i + length))
    }

    /// An observation's stated values, as `observation.observed` keeps them.
    public static func pack(_ obs: Observation) -> [UInt8] { pack(obs.values) }

    /// The observation `observed` and `updatedAt` describe, for `role`.
    public static func observation(_ observed: [UInt8], updatedAt: Timestamp?, role: Role) -> Observation {
        Observation(role: role, values: observed.withUnsafeBytes(unpack), updatedAt: updatedAt)
    }

    /// The values as the JSON object `advice show` gives (`Observation.valuesJSON`).
    public static func json(_ observed: [UInt8], updatedAt: Timestamp?) -> String {
        observation(observed, updatedAt: updatedAt, role: .la).valuesJSON
    }
}
