/// A stable 64-bit FNV-1a hash: the same bytes give the same value in every process
/// (Swift's `Hasher` is seeded per run), so it can be stored to spot repeated rows.
public struct RowHash: Sendable {
    public private(set) var value: UInt64

    public init(seed: UInt64 = 0xcbf2_9ce4_8422_2325) { value = seed }

    public mutating func combine(_ text: String) {
        var t = text
        t.withUTF8 { combine(bytes: $0) }
    }

    /// Hashes `bytes`, then a separator so that ("ab","c") and ("a","bc") differ: the
    /// same as `combine(_:)` given the string whose UTF-8 these bytes are.
    public mutating func combine(bytes: UnsafeBufferPointer<UInt8>) {
        var h = value
        for b in bytes {
            h ^= UInt64(b)
            h = h &* 0x100_0000_01b3
        }
        h ^= 0x1F
        h = h &* 0x100_0000_01b3
        value = h
    }

    /// As a signed integer, the form SQLite stores.
    public var signed: Int64 { Int64(bitPattern: value) }
}
