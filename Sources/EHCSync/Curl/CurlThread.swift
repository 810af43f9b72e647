import Foundation

/// Runs one blocking libcurl transfer on a thread of its own, away from the Swift
/// cooperative pool, and hands the result back to the awaiting task.
///
/// A thread per transfer is deliberate: EHC Sync makes a handful of transfers a minute,
/// each mostly waiting on the network, and a fresh thread can never be starved by a
/// stuck neighbour the way a small shared pool can. Cancelling the awaiting task sets a
/// flag that libcurl's progress callback reads, so the transfer ends within about a
/// second and the task gets the "cancelled" error.
enum CurlThread {
    /// Runs `work` on a new thread; `work` gets the flag to poll for cancellation.
    static func run<Success: Sendable>(
        _ work: @escaping @Sendable (CurlCancellation) -> Result<Success, CurlError>
    ) async -> Result<Success, CurlError> {
        let cancellation = CurlCancellation()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let thread = Thread {
                    continuation.resume(returning: work(cancellation))
                }
                thread.name = "ehcsync-curl"
                thread.start()
            }
        } onCancel: {
            cancellation.cancel()
        }
    }
}
