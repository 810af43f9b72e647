import Foundation
import Testing

/// A test peer from `Tests/Peers/` (a Python server on 127.0.0.1), run for one test.
///
/// The peer is started with `--port 0` and prints the port it got on its first stdout
/// line. It is stopped by `stop()` (call it in a `defer`) or at the latest in `deinit`;
/// it also exits by itself when its stdin closes, so a crashed test run leaves no peer
/// behind.
final class PeerProcess {
    let port: Int
    /// `http` or `https`, for `url(_:)`; SMTP peers ignore it.
    let scheme: String
    private let process: Process
    private let input: Pipe
    private let logPath: String
    private var stopped = false

    /// `Tests/Peers`, found from this file's path (`Tests/EHCSyncTests/Curl/`).
    static let peersDirectory: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Curl
        .deletingLastPathComponent()  // EHCSyncTests
        .deletingLastPathComponent()  // Tests
        .appendingPathComponent("Peers").path

    init(_ script: String, _ arguments: [String], scheme: String = "http") throws {
        self.scheme = scheme
        logPath = FileManager.default.temporaryDirectory.path + "/ehcsync-peer-" + UUID().uuidString.prefix(12) + ".log"
        guard FileManager.default.createFile(atPath: logPath, contents: nil),
              let log = FileHandle(forWritingAtPath: logPath) else {
            throw TestFailure("cannot create \(logPath) for the peer's stderr")
        }
        defer { try? log.close() }
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-u", Self.peersDirectory + "/" + script, "--port", "0"] + arguments
        input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = log
        try process.run()
        try? output.fileHandleForWriting.close()
        guard let line = Self.firstLine(of: output.fileHandleForReading.fileDescriptor, within: 20),
              let port = Int(line), port > 0 else {
            port = 0
            stop()
            let errors = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            throw TestFailure("\(script) did not print its port; stderr:\n\(errors)")
        }
        self.port = port
    }

    deinit { stop() }

    /// `scheme://127.0.0.1:port` + `path`.
    func url(_ path: String, host: String = "127.0.0.1") -> String { "\(scheme)://\(host):\(port)\(path)" }

    /// Stops the peer and waits for it; safe to call more than once.
    func stop() {
        guard !stopped else { return }
        stopped = true
        try? input.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: logPath)
    }

    /// Reads up to the first newline, giving up after `seconds`.
    private static func firstLine(of fd: Int32, within seconds: Int) -> String? {
        let deadline = Date().addingTimeInterval(Double(seconds))
        var bytes: [UInt8] = []
        while Date() < deadline {
            var request = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&request, 1, 200)
            if ready < 0, errno != EINTR { return nil }
            guard ready > 0 else { continue }
            var byte: UInt8 = 0
            let count = read(fd, &byte, 1)
            if count < 0, errno == EINTR { continue }
            guard count == 1 else { return nil }
            if byte == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
        }
        return nil
    }
}
