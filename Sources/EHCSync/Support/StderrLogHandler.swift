import EHCCore
import Foundation
import Logging
import Synchronization

/// Logs one line per event to stderr, in the form journald reads best: with a
/// `<N>` syslog priority prefix when stderr is the journal (the stream `JOURNAL_STREAM`
/// names), plain with a timestamp otherwise. Messages never carry names, NHS numbers or secrets:
/// callers log ids, counts and file names only.
///
/// The level is the process's (`setLevel`, from the config's `log_level:`), so a reload
/// changes it for every logger at once; a handler whose level was set keeps its own.
public struct StderrLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    private var ownLevel: Logger.Level?
    public var logLevel: Logger.Level {
        get { ownLevel ?? Self.processLevel.withLock { $0 } }
        set { ownLevel = newValue }
    }
    let label: String
    let journal: Bool

    private static let processLevel = Mutex(Logger.Level.info)

    /// Sets the level of every handler that has none of its own.
    public static func setLevel(_ level: Logger.Level) {
        processLevel.withLock { $0 = level }
    }

    public init(label: String, journal: Bool = StderrLogHandler.stderrIsJournal()) {
        self.label = label
        self.journal = journal
    }

    /// True when stderr is the journal stream systemd opened: `$JOURNAL_STREAM` is
    /// `DEVICE:INODE` of that stream, and a child whose stderr was redirected elsewhere
    /// inherits the variable but not the stream, so both numbers must match (as
    /// systemd.exec(5) says to check).
    public static func stderrIsJournal(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        guard let value = environment["JOURNAL_STREAM"] else { return false }
        let parts = value.split(separator: ":")
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        var st = stat()
        guard fstat(STDERR_FILENO, &st) == 0 else { return false }
        return UInt64(st.st_dev) == device && UInt64(st.st_ino) == inode
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let meta = merged.isEmpty ? "" : " " + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        // One event, one line: a file name with a line break must not start a forged entry.
        let text = ("\(event.message)" + meta).escapingControlCharacters
        let line: String
        if journal {
            line = "<\(Self.priority(event.level))>\(text)\n"
        } else {
            line = "\(Timestamp(Date()).description) \(event.level.rawValue.uppercased()) \(text)\n"
        }
        FileHandle.standardError.write(Data(line.utf8))
    }

    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: return 7
        case .info: return 6
        case .notice: return 5
        case .warning: return 4
        case .error: return 3
        case .critical: return 2
        }
    }

    /// Sets swift-log up once per process.
    public static func bootstrap(level: Logger.Level = .info) {
        setLevel(level)
        LoggingSystem.bootstrap { label in StderrLogHandler(label: label) }
    }
}
