import Foundation
import Synchronization

/// A long `sync`'s progress for the person at the terminal (a large first load, a long
/// walk of pages): the feed, the file or page, rows so far, the rate and, for a file,
/// the share read. One line redrawn in place on stderr, at most four times a second,
/// and only once a file has taken a second, so short syncs print nothing extra.
///
/// Never under systemd or when stderr is not a terminal (a pipe, a file, the
/// journal): there a progress line would be noise in a log. `forTerminal` decides.
public final class FeedProgress: Sendable {
    private struct State {
        var key = ""
        var startedAt = 0.0
        var drawnAt = -1.0
        var drawn = false
    }

    private let state = Mutex(State())
    private let write: @Sendable (String) -> Void
    private let clock: @Sendable () -> Double
    /// Seconds a file or walk runs before its first line, and between two lines.
    static let firstAfter = 1.0, every = 0.25

    /// `write` gets each redraw (with its `\r` and erase-line); `clock` is monotonic seconds.
    public init(write: @escaping @Sendable (String) -> Void,
                clock: @escaping @Sendable () -> Double = { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }) {
        self.write = write
        self.clock = clock
    }

    /// Progress on stderr when it is a terminal and the process is not a systemd unit
    /// (`INVOCATION_ID` or `JOURNAL_STREAM` set); nil otherwise.
    public static func forTerminal(environment: [String: String] = ProcessInfo.processInfo.environment,
                                   stderrIsTerminal: Bool = isatty(STDERR_FILENO) == 1) -> FeedProgress? {
        guard stderrIsTerminal, environment["INVOCATION_ID"] == nil, environment["JOURNAL_STREAM"] == nil else { return nil }
        return FeedProgress { FileHandle.standardError.write(Data($0.utf8)) }
    }

    /// A file being read: bytes read of its size, and rows so far.
    public func file(feed: String, name: String, bytesRead: Int64, size: Int64, rows: Int) {
        let share = size > 0 ? Int(min(100, bytesRead * 100 / size)) : 100
        report(key: feed + "/" + name, rows: rows) { rate in
            "\(feed): \(name.escapingControlCharacters): \(Self.grouped(rows)) rows, \(Self.grouped(rate)) rows/s, \(share)%"
        }
    }

    /// A walk of pages: the page applied last, and records so far in this poll.
    public func page(feed: String, page: Int, rows: Int) {
        report(key: feed + "/pages", rows: rows) { rate in
            "\(feed): page \(page): \(Self.grouped(rows)) records, \(Self.grouped(rate)) records/s"
        }
    }

    /// Ends the line in place, if one was drawn, so later output starts on its own line.
    public func finish() {
        let drawn = state.withLock { s in
            defer { s = State() }
            return s.drawn
        }
        if drawn { write("\n") }
    }

    private func report(key: String, rows: Int, line: (Int) -> String) {
        let now = clock()
        let due: Double? = state.withLock { s in
            if s.key != key {
                let wasDrawn = s.drawn
                s = State(key: key, startedAt: now)
                s.drawn = wasDrawn
            }
            guard now - s.startedAt >= Self.firstAfter, now - s.drawnAt >= Self.every else { return nil }
            s.drawnAt = now
            s.drawn = true
            return now - s.startedAt
        }
        guard let elapsed = due else { return }
        write("\r\u{1B}[K" + line(Int(Double(rows) / max(elapsed, 0.001))))
    }

    /// `1234567` as `1,234,567`.
    static func grouped(_ n: Int) -> String {
        let digits = String(n)
        var out = ""
        for (i, c) in digits.reversed().enumerated() {
            if i > 0, i % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return String(out.reversed())
    }
}
