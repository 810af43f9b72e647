/// A small, fast, seedable generator (Steele, Lea and Flood's SplitMix64), so the
/// benchmark writes the same exports on every run and machine: figures from two runs
/// are figures about the same data.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in `0..<bound` (bound > 0); the slight modulo bias does not matter here.
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

    /// The generator for one item of a sequence: item `i` always gets the same values,
    /// whatever else was drawn before it.
    static func forItem(_ i: Int, seed: UInt64) -> SplitMix64 {
        var g = SplitMix64(seed: seed ^ (UInt64(i) &* 0xD1B5_4A32_D192_ED03))
        _ = g.next()
        return g
    }
}
