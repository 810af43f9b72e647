import GRDB
import GRDBSQLite

/// Memory the text and blob parameters of one statement are copied into and bound
/// from, reused statement after statement: SQLite's own copies cost a `malloc` and a
/// `free` each, about twenty a record on a first load. A value that does not fit is
/// left to SQLite to copy. One arena serves one connection's writes, one statement at
/// a time (`RawBinder.init` empties it).
final class BindArena {
    private let base: UnsafeMutableRawPointer
    private let capacity: Int
    private var used = 0

    init(capacity: Int = 64 << 10) {
        self.capacity = capacity
        base = .allocate(byteCount: capacity, alignment: 16)
    }

    deinit { base.deallocate() }

    func reset() { used = 0 }

    /// A copy of `bytes` in the arena, nil if it has no room left.
    func copy(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawPointer? {
        guard bytes.count <= capacity - used else { return nil }
        let at = base + used
        if let from = bytes.baseAddress { at.copyMemory(from: from, byteCount: bytes.count) }
        used += bytes.count
        return UnsafeRawPointer(at)
    }
}
