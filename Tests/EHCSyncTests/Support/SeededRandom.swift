/// SplitMix64: a small seeded generator, so a run can be replayed from its printed seed.
/// Shared by the tests that kill, fault or soak the service.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func double() -> Double { Double(next() >> 11) / Double(1 << 53) }

    mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.upperBound - range.lowerBound + 1))
    }

    mutating func pick<T>(_ items: [T]) -> T { items[int(in: 0...(items.count - 1))] }

    /// `count` distinct items, in random order.
    mutating func sample<T>(_ items: [T], count: Int) -> [T] {
        var items = items
        for i in 0..<min(count, items.count) {
            items.swapAt(i, int(in: i...(items.count - 1)))
        }
        return Array(items.prefix(count))
    }
}
