import Foundation

/// Has the kernel write a first load's pages to disk while the load is still going, so
/// that the commit's sync finds little left to write.
///
/// A first load writes about 500 MB per million records into the page cache, and with
/// memory to spare Linux leaves it there until the commit's `fsync`, which then writes
/// all of it while the load waits (1.3 s of a 1M-row load here, with one core idle). A
/// thread of its own calls `fdatasync` on the store every `interval` for as long as
/// `body` runs, so the pages already written go to disk as the load goes on. It changes
/// nothing SQLite relies on: the kernel may write any dirty page at any time, and the
/// commit's own sync is still what makes the load durable.
enum EarlyWriteback {
    /// Runs `body` with the store at `path` synced every `interval` seconds until it
    /// returns or throws; `synced` is told of each sync (for tests).
    static func during<T>(_ path: String, interval: Double = 0.25, synced: (@Sendable () -> Void)? = nil,
                          _ body: () throws -> T) rethrows -> T {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return try body() }
        let stop = DispatchSemaphore(value: 0)
        let stopped = DispatchSemaphore(value: 0)
        let thread = Thread {
            while stop.wait(timeout: .now() + interval) == .timedOut {
                _ = fdatasync(fd)
                synced?()
            }
            stopped.signal()
        }
        thread.name = "ehcsync-writeback"
        thread.start()
        defer {
            stop.signal()
            stopped.wait()
            close(fd)
        }
        return try body()
    }
}
