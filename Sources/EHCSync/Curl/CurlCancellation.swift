import Foundation

/// The one piece of state shared between a Swift task and the thread running its
/// transfer: set by the task's cancellation handler, read by libcurl's progress
/// callback (at least once a second), which then aborts the transfer.
final class CurlCancellation: @unchecked Sendable {
    // @unchecked: the flag is only touched under `lock`.
    private let lock = NSLock()
    private var cancelled = false

    /// Asks the transfer to stop; it does at libcurl's next callback.
    func cancel() {
        lock.lock()
        cancelled = true
        lock.unlock()
    }

    /// Whether `cancel()` has been called.
    var isCancelled: Bool {
        lock.lock()
        defer { lock.unlock() }
        return cancelled
    }
}
