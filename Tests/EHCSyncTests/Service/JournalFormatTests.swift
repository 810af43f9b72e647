import Foundation
import Testing
@testable import EHCSync

/// SPEC §9: logs are journald-friendly. When stderr is the very stream
/// `JOURNAL_STREAM` names (as systemd sets it), each line starts with its syslog
/// priority; when the variable names another stream (inherited, stderr redirected),
/// lines are plain with a timestamp.
@Suite struct JournalFormatTests {
    /// Runs `ehcsync sync` with stderr to a file and `JOURNAL_STREAM` naming that file
    /// (or another inode when `matching` is false), as systemd sets it; returns what it
    /// wrote to stderr and its exit status.
    static func sync(config: String, now: String, journalMatching matching: Bool = true) throws -> (stderr: String, status: Int32) {
        let errPath = FileManager.default.temporaryDirectory.path + "/ehcsync-journal-" + UUID().uuidString.prefix(12)
        defer { try? FileManager.default.removeItem(atPath: errPath) }
        guard FileManager.default.createFile(atPath: errPath, contents: nil), let err = FileHandle(forWritingAtPath: errPath) else {
            throw TestFailure("cannot make \(errPath)")
        }
        var st = stat()
        stat(errPath, &st)
        var env = EHCSyncBinary.environment
        env["JOURNAL_STREAM"] = "\(st.st_dev):\(matching ? st.st_ino : st.st_ino + 1)"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try EHCSyncBinary.path())
        process.arguments = ["sync", "--config", config, "--now", now]
        process.environment = env
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = err
        try process.run()
        process.waitUntilExit()
        try err.close()
        return (try String(contentsOfFile: errPath, encoding: .utf8), process.terminationStatus)
    }

    /// `sync` on a place with one empty LA feed.
    static func syncStderr(matching: Bool) throws -> String {
        let place = try TestPlace()
        try place.configure([FeedSpec(name: "la-cases", role: "la", format: "csv")])
        let run = try sync(config: place.configPath, now: "2026-03-10T09:00:00Z", journalMatching: matching)
        #expect(run.status == 0)
        return run.stderr
    }

    @Test func linesCarryPriorityPrefixesWhenStderrIsTheJournal() throws {
        let lines = try Self.syncStderr(matching: true).split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("<6>feed la-cases: 0 files applied") }, "\(lines)")
        #expect(lines.allSatisfy { $0.first == "<" }, "\(lines)")
    }

    @Test func linesArePlainWhenJournalStreamNamesAnotherStream() throws {
        let lines = try Self.syncStderr(matching: false).split(separator: "\n")
        #expect(lines.contains { $0.contains(" INFO feed la-cases: 0 files applied") }, "\(lines)")
        #expect(!lines.contains { $0.hasPrefix("<") }, "\(lines)")
    }
}
