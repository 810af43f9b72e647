import Foundation
import Testing

/// The real `ehcsync` executable, run as a child process: for the command-line
/// contract, the one-process-per-store lock and the crash test.
///
/// It is found at `.build/debug/ehcsync` under the package root (from this file's
/// path). `swift build --build-tests` and `swift test` build it with the tests; if it
/// is missing, it is built once with `swift build --product ehcsync`.
enum EHCSyncBinary {
    /// The package root: `Tests/EHCSyncTests/Support/` is three levels below it.
    static let packageRoot: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Support
        .deletingLastPathComponent()  // EHCSyncTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // package root
        .path

    /// Where `swift build` puts the debug executable.
    static var expectedPath: String { packageRoot + "/.build/debug/ehcsync" }

    /// Built once per test run, whichever test asks first.
    private static let located: Result<String, TestFailure> = {
        let path = expectedPath
        if FileManager.default.isExecutableFile(atPath: path) { return .success(path) }
        let build = Process()
        build.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        build.arguments = ["swift", "build", "--product", "ehcsync"]
        build.currentDirectoryURL = URL(fileURLWithPath: packageRoot)
        build.standardInput = FileHandle.nullDevice
        build.standardOutput = FileHandle.nullDevice
        build.standardError = FileHandle.nullDevice
        do {
            try build.run()
            build.waitUntilExit()
        } catch {
            return .failure(TestFailure("cannot start `swift build --product ehcsync`: \(error)"))
        }
        guard build.terminationStatus == 0, FileManager.default.isExecutableFile(atPath: path) else {
            return .failure(TestFailure("\(path) is missing and `swift build --product ehcsync` failed (\(build.terminationStatus))"))
        }
        return .success(path)
    }()

    /// The executable's path, or why there is none.
    static func path() throws -> String { try located.get() }

    /// The release executable (`swift build -c release --product ehcsync`), for runs that
    /// measure the service as it ships (the full soak); never built from here.
    static func releasePath() throws -> String {
        let path = packageRoot + "/.build/release/ehcsync"
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw TestFailure("\(path) is missing: build it first with `swift build -c release --product ehcsync`")
        }
        return path
    }

    /// The environment for a child: this one, less what would point `ehcsync` at
    /// another config, store or the journal.
    static var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        for key in ["EHCSYNC_CONFIG", "STATE_DIRECTORY", "CREDENTIALS_DIRECTORY", "JOURNAL_STREAM", "NOTIFY_SOCKET"] {
            env.removeValue(forKey: key)
        }
        return env
    }

    /// Runs `ehcsync ARGUMENTS` to the end and returns its exit status and output.
    /// Output goes through files, so a chatty child never blocks on a full pipe.
    static func run(_ arguments: [String], in directory: String? = nil) throws -> CommandResult {
        let child = try start(arguments, in: directory)
        child.process.waitUntilExit()
        return try child.finish()
    }

    /// Starts `ehcsync ARGUMENTS` (the debug build unless `executable` names another)
    /// and returns at once (the crash test kills it).
    static func start(_ arguments: [String], in directory: String? = nil,
                      environment: [String: String] = EHCSyncBinary.environment, executable: String? = nil) throws -> RunningCommand {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try executable ?? path())
        process.arguments = arguments
        process.environment = environment
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let base = FileManager.default.temporaryDirectory.path + "/ehcsync-cli-" + UUID().uuidString.prefix(12)
        let out = base + ".out", err = base + ".err"
        guard FileManager.default.createFile(atPath: out, contents: nil),
              FileManager.default.createFile(atPath: err, contents: nil),
              let outHandle = FileHandle(forWritingAtPath: out), let errHandle = FileHandle(forWritingAtPath: err) else {
            throw TestFailure("cannot open \(base).out/.err for the child's output")
        }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = outHandle
        process.standardError = errHandle
        try process.run()
        return RunningCommand(process: process, outPath: out, errPath: err, handles: [outHandle, errHandle])
    }
}

/// A started child process and where its output goes.
struct RunningCommand {
    let process: Process
    let outPath: String
    let errPath: String
    let handles: [FileHandle]

    /// After the child has exited: its status and output; the output files are removed.
    func finish() throws -> CommandResult {
        for handle in handles { try? handle.close() }
        defer {
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
        }
        let out = try Data(contentsOf: URL(fileURLWithPath: outPath))
        let err = try Data(contentsOf: URL(fileURLWithPath: errPath))
        return CommandResult(status: process.terminationStatus,
                             killedBySignal: process.terminationReason == .uncaughtSignal,
                             stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
    }
}

/// What a finished `ehcsync` run left behind.
struct CommandResult: CustomStringConvertible {
    var status: Int32
    var killedBySignal: Bool
    var stdout: String
    var stderr: String

    var description: String { "exit \(status)\(killedBySignal ? " (signal)" : "")\n--- stdout\n\(stdout)\n--- stderr\n\(stderr)" }

    /// stdout parsed as JSON.
    func json() throws -> Any {
        try JSONSerialization.jsonObject(with: Data(stdout.utf8), options: [.fragmentsAllowed])
    }
}
