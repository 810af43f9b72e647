/// A compact set of 64-bit row hashes (open addressing, 8 bytes a slot), for the
/// daily full re-export: a row whose hash a feed already stored says nothing new, and
/// the row hash covers the request id, so no lookup by id is needed. A million rows
/// take about 10 MB, where a `Set<Int64>` takes several times that.
public struct RowHashSet: Sendable {
    private var slots: [UInt64]
    private var hasZero = false
    public private(set) var count = 0

    public init(capacity: Int) {
        let size = max(16, Int((Double(max(capacity, 1)) * 1.3).rounded(.up)))
        slots = [UInt64](repeating: 0, count: size)
    }

    /// Slot for a hash: Lemire's multiply-shift reduction of a mixed hash.
    private func start(_ h: UInt64) -> Int {
        var x = h ^ (h >> 33)
        x = x &* 0xff51_afd7_ed55_8ccd
        x ^= x >> 33
        return Int(x.multipliedFullWidth(by: UInt64(slots.count)).high)
    }

    /// Adds `value`; true if it was not there before (one probe, where `contains`
    /// then `insert` would make two).
    @discardableResult
    public mutating func insert(_ value: Int64) -> Bool {
        let h = UInt64(bitPattern: value)
        if h == 0 {
            if hasZero { return false }
            hasZero = true
            count += 1
            return true
        }
        if count + 1 > slots.count * 9 / 10 { grow() }
        var i = start(h)
        while slots[i] != 0 {
            if slots[i] == h { return false }
            i += 1
            if i == slots.count { i = 0 }
        }
        slots[i] = h
        count += 1
        return true
    }

    public func contains(_ value: Int64) -> Bool {
        let h = UInt64(bitPattern: value)
        if h == 0 { return hasZero }
        var i = start(h)
        while slots[i] != 0 {
            if slots[i] == h { return true }
            i += 1
            if i == slots.count { i = 0 }
        }
        return false
    }

    private mutating func grow() {
        let old = slots
        slots = [UInt64](repeating: 0, count: old.count * 2)
        count = hasZero ? 1 : 0
        for h in old where h != 0 { insert(Int64(bitPattern: h)) }
    }
}
