import Logging
import Synchronization

/// Keeps every line logged through its `logger`, with its level, so a test can check
/// what an operator would see in the journal (and at which priority).
final class LogCapture: Sendable {
    private let lines = Mutex<[(level: Logger.Level, message: String)]>([])

    /// A logger at `.trace` whose lines land here.
    var logger: Logger {
        var logger = Logger(label: "ehcsync-tests") { _ in Handler(capture: self) }
        logger.logLevel = .trace
        return logger
    }

    /// The lines logged so far.
    var all: [(level: Logger.Level, message: String)] { lines.withLock { $0 } }

    /// The messages logged at `level` so far.
    func messages(at level: Logger.Level) -> [String] { all.filter { $0.level == level }.map(\.message) }

    fileprivate func append(_ level: Logger.Level, _ message: String) { lines.withLock { $0.append((level, message)) } }

    private struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            capture.append(event.level, "\(event.message)")
        }
    }
}
