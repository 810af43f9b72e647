import Foundation
import Testing
@testable import EHCSync

/// SPEC §9: logs are journald-friendly. When stderr is the very stream
/// `JOURNAL_STREAM` names (as systemd sets it), each line starts with its syslog
/// priority; when the variable names another stream (inherited, stderr redirected),
/// lines are plain with a timestamp.
@Suite struct JournalFormatTests {
    /// Runs `ehcsync sync` with stderr to a file, `JOURNAL_STREAM` naming that file
    /// (or another inode when `matching` is false); returns what it wrote.
    static func syncStderr(matching: Bool) throws -> String {
        let place = try TestPlace()
        try place.configure([FeedSpec(name: "la-cases", role: "la", format: "csv")])
        let errPath = place.root + "/stderr.txt"
        guard FileManager.default.createFile(atPath: errPath, contents: nil), let err = FileHandle(forWritingAtPath: errPath) else {
            throw TestFailure("cannot make \(errPath)")
        }
        var st = stat()
        stat(errPath, &st)
        var env = EHCSyncBinary.environment
        env["JOURNAL_STREAM"] = "\(st.st_dev):\(matching ? st.st_ino : st.st_ino + 1)"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try EHCSyncBinary.path())
        process.arguments = ["sync", "--config", place.configPath, "--now", "2026-03-10T09:00:00Z"]
        process.environment = env
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = err
        try process.run()
        process.waitUntilExit()
        try err.close()
        #expect(process.terminationStatus == 0)
        return try String(contentsOfFile: errPath, encoding: .utf8)
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
