import Foundation

/// Talks to systemd the way `sd_notify(3)` does, without libsystemd: one datagram of
/// `KEY=VALUE` lines to the AF_UNIX socket named by `$NOTIFY_SOCKET` (a path, or an
/// abstract address written with a leading `@`). Without `$NOTIFY_SOCKET` (not under
/// systemd, or `Type=simple`) every call does nothing, so the service runs the same
/// by hand. Sending never blocks the caller for long and never fails the service: a
/// lost notification is logged by systemd, not fatal here.
public final class SystemdNotifier: Sendable {
    /// The socket address as given, for messages; nil when not under systemd.
    public let address: String?
    private let fd: Int32
    private let addressBytes: [UInt8]
    /// Half of `$WATCHDOG_USEC` when the watchdog is on for this process.
    public let watchdogInterval: Duration?

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        watchdogInterval = Self.watchdogInterval(environment)
        guard let path = environment["NOTIFY_SOCKET"], path.count > 1,
              path.hasPrefix("/") || path.hasPrefix("@"),
              let address = Self.socketAddress(path) else {
            address = nil
            fd = -1
            addressBytes = []
            return
        }
        self.address = path
        addressBytes = address
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    }

    deinit {
        if fd >= 0 { close(fd) }
    }

    /// True when notifications go somewhere.
    public var isActive: Bool { fd >= 0 }

    /// Sends `state` (lines of `KEY=VALUE`). Returns false when not under systemd or
    /// the datagram could not be sent.
    @discardableResult
    public func send(_ state: String) -> Bool {
        guard fd >= 0 else { return false }
        let bytes = Array(state.utf8)
        let sent = addressBytes.withUnsafeBytes { addr in
            bytes.withUnsafeBytes { body in
                sendto(fd, body.baseAddress, body.count, Int32(MSG_NOSIGNAL),
                       addr.baseAddress?.assumingMemoryBound(to: sockaddr.self), socklen_t(addr.count))
            }
        }
        return sent == bytes.count
    }

    /// `READY=1` with a status line: the config is valid and the store is open.
    public func ready(status: String) { send("READY=1\nSTATUS=\(Self.oneLine(status))") }
    /// `STATUS=`: one line for `systemctl status`.
    public func status(_ text: String) { send("STATUS=\(Self.oneLine(text))") }
    /// `WATCHDOG=1`: the scheduler is alive.
    public func watchdog() { send("WATCHDOG=1") }
    /// `STOPPING=1`: shutdown has begun.
    public func stopping(status: String) { send("STOPPING=1\nSTATUS=\(Self.oneLine(status))") }

    /// `RELOADING=1` with `MONOTONIC_USEC=` (CLOCK_MONOTONIC, as systemd 253 and later
    /// want it for `Type=notify-reload`; systemd 252, Debian 12's, ignores the field).
    public func reloading() {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let usec = UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
        send("RELOADING=1\nMONOTONIC_USEC=\(usec)\nSTATUS=reloading the configuration")
    }

    /// A status value on one line: systemd reads one `KEY=VALUE` per line.
    static func oneLine(_ text: String) -> String {
        String(text.map { $0 == "\n" || $0 == "\r" ? " " : $0 })
    }

    /// `sockaddr_un` bytes for a path or an `@abstract` name, or nil when too long.
    static func socketAddress(_ path: String) -> [UInt8]? {
        var name = Array(path.utf8)
        if name.first == UInt8(ascii: "@") { name[0] = 0 }
        let pathCapacity = MemoryLayout.size(ofValue: sockaddr_un().sun_path)
        guard name.count < pathCapacity || (name.first == 0 && name.count <= pathCapacity) else { return nil }
        var family = sa_family_t(AF_UNIX)
        var bytes = withUnsafeBytes(of: &family) { Array($0) }
        bytes += name
        // A path is NUL-terminated; an abstract name is exactly its length.
        if name.first != 0 { bytes.append(0) }
        return bytes
    }

    /// Half of `$WATCHDOG_USEC`, when it is set and `$WATCHDOG_PID` (if set) is this process.
    static func watchdogInterval(_ environment: [String: String]) -> Duration? {
        guard let text = environment["WATCHDOG_USEC"], let usec = UInt64(text), usec > 0 else { return nil }
        if let pid = environment["WATCHDOG_PID"], !pid.isEmpty, pid != String(getpid()) { return nil }
        return .microseconds(Int64(usec / 2))
    }
}
