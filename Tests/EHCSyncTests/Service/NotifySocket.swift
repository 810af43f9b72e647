import Foundation
import Synchronization

/// A `NOTIFY_SOCKET` the test owns: a Unix datagram socket bound to a path (or an
/// abstract `@name`), read by a thread of its own, every datagram kept with the time
/// it arrived. What systemd would see of a `Type=notify` service.
final class NotifySocket: Sendable {
    struct Message: Sendable {
        var at: ContinuousClock.Instant
        var text: String
        /// The `KEY=VALUE` lines of the datagram.
        var fields: [String: String] {
            Dictionary(text.split(separator: "\n").compactMap { line -> (String, String)? in
                guard let eq = line.firstIndex(of: "=") else { return nil }
                return (String(line[..<eq]), String(line[line.index(after: eq)...]))
            }, uniquingKeysWith: { _, b in b })
        }
    }

    /// The value for `NOTIFY_SOCKET`.
    let address: String
    private let fd: Int32
    private let path: String?
    /// Held by the reading thread too: it must not hold the socket itself, or the
    /// socket would never be released and its file never unlinked.
    private final class Inbox: Sendable {
        let received = Mutex<[Message]>([])
    }
    private let inbox = Inbox()

    /// Binds a fresh socket: a file path under the temporary folder, or an abstract name.
    init(abstract: Bool = false) throws {
        let name = "ehcsync-notify-" + UUID().uuidString.prefix(12)
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket: \(String(cString: strerror(errno)))") }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        var bytes: [UInt8]
        if abstract {
            bytes = [0] + Array(name.utf8)
            address = "@" + name
            path = nil
        } else {
            let p = FileManager.default.temporaryDirectory.path + "/" + name + ".sock"
            bytes = Array(p.utf8) + [0]
            address = p
            path = p
        }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            for (i, b) in bytes.enumerated() where i < raw.count { raw[i] = b }
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + (abstract ? bytes.count : bytes.count))
        let bound = withUnsafePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else { throw TestFailure("bind \(address): \(String(cString: strerror(errno)))") }
        let thread = Thread { [fd, inbox] in Self.readLoop(fd: fd, into: inbox) }
        thread.name = "notify-socket"
        thread.start()
    }

    deinit {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
        if let path { unlink(path) }
    }

    private static func readLoop(fd: Int32, into inbox: Inbox) {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            let text = String(decoding: buffer[0..<n], as: UTF8.self)
            inbox.received.withLock { $0.append(Message(at: .now, text: text)) }
        }
    }

    var messages: [Message] { inbox.received.withLock { $0 } }

    /// Messages carrying `KEY=VALUE` exactly.
    func messages(with key: String, _ value: String) -> [Message] {
        messages.filter { $0.fields[key] == value }
    }

    /// Every `STATUS=` value so far, in order.
    var statuses: [String] { messages.compactMap { $0.fields["STATUS"] } }

    /// Waits (without blocking a thread) until `condition` holds for the messages, or
    /// fails after `seconds` (measured loosely: the test pool may be busy with others).
    @discardableResult
    func wait(_ what: String, seconds: Double = 60, until condition: ([Message]) -> Bool) async throws -> [Message] {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let now = messages
            if condition(now) { return now }
            try await Task.sleep(for: .milliseconds(50))
        }
        // Once more after the deadline: a test starved of its thread may wake only now.
        let last = messages
        if condition(last) { return last }
        throw TestFailure("timed out after \(seconds) s waiting for \(what); got: \(messages.map(\.text))")
    }
}
