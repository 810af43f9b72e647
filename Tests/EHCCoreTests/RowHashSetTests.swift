import Testing
@testable import EHCCore

@Suite struct RowHashSetTests {
    @Test func holdsExactlyWhatWasInserted() {
        var set = RowHashSet(capacity: 10)   // grows past its first size
        var x: UInt64 = 0x9E37_79B9_7F4A_7C15
        var inserted: [Int64] = [0, -1, Int64.min, Int64.max]
        for _ in 0..<5000 {
            x = x &* 6364136223846793005 &+ 1442695040888963407
            inserted.append(Int64(bitPattern: x))
        }
        var firstTimes = 0
        for v in inserted where set.insert(v) { firstTimes += 1 }
        #expect(inserted.allSatisfy { !set.insert($0) })   // duplicates do not count twice, and say so
        #expect(firstTimes == Set(inserted).count)
        #expect(set.count == Set(inserted).count)
        #expect(inserted.allSatisfy { set.contains($0) })
        var misses = 0
        for k in 1...5000 where set.contains(Int64(k) &* 7919 &+ 3) && !inserted.contains(Int64(k) &* 7919 &+ 3) { misses += 1 }
        #expect(misses == 0)
    }
}
