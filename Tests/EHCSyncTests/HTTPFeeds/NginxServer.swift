import Foundation
import Testing

/// Debian's `nginx`, run by the test as the test's own user: its own prefix, config,
/// pid and temp folders in a temporary directory, one process (`master_process off`)
/// in the foreground, listening on a free port of 127.0.0.1 with TLS, and requiring a
/// client certificate signed by `clientCA`. It serves the files written into `root`.
final class NginxServer {
    let directory: String
    let port: Int
    private let process: Process
    private let errorLog: String
    private var stopped = false

    var root: String { directory + "/html" }

    /// `https://127.0.0.1:port` + `path`.
    func url(_ path: String) -> String { "https://127.0.0.1:\(port)\(path)" }

    /// Starts nginx with this server certificate and key; returns once it accepts
    /// connections. On `port` when given (a server restarted with other certificates,
    /// where the feed's URL stays the same), else on a free one.
    init(certificate: String, key: String, clientCA: String, port: Int? = nil) throws {
        directory = FileManager.default.temporaryDirectory.path + "/ehcsync-nginx-" + UUID().uuidString.prefix(12)
        try FileManager.default.createDirectory(atPath: directory + "/html", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: directory + "/tmp", withIntermediateDirectories: true)
        errorLog = directory + "/error.log"
        guard let binary = ["/usr/sbin/nginx", "/usr/bin/nginx"].first(where: FileManager.default.isExecutableFile) else {
            throw TestFailure("nginx is not installed: run .ci/setup (it installs Debian's nginx)")
        }
        self.port = try port ?? Self.freePort()
        let temp = directory + "/tmp"
        let conf = """
            daemon off;
            master_process off;
            worker_processes 1;
            pid \(directory)/nginx.pid;
            error_log \(errorLog) warn;
            events { worker_connections 64; }
            http {
              access_log off;
              client_body_temp_path \(temp); proxy_temp_path \(temp); fastcgi_temp_path \(temp);
              uwsgi_temp_path \(temp); scgi_temp_path \(temp);
              default_type application/json;
              server {
                listen 127.0.0.1:\(self.port) ssl;
                ssl_certificate \(certificate);
                ssl_certificate_key \(key);
                ssl_client_certificate \(clientCA);
                ssl_verify_client on;
                root \(directory)/html;
              }
            }
            """
        try conf.write(toFile: directory + "/nginx.conf", atomically: true, encoding: .utf8)
        process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["-p", directory, "-c", directory + "/nginx.conf", "-e", errorLog]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(15)
        while !Self.accepts(self.port) {
            guard process.isRunning, Date() < deadline else {
                let log = (try? String(contentsOfFile: errorLog, encoding: .utf8)) ?? ""
                stop()
                throw TestFailure("nginx did not start on port \(self.port):\n\(log)")
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    deinit { stop() }

    /// Stops nginx, waits for it and removes its folder. SIGKILL, because a child of
    /// the test process inherits its blocked signals, and nginx in single-process mode
    /// never unblocks SIGTERM; it holds nothing that needs a clean shutdown.
    func stop() {
        guard !stopped else { return }
        stopped = true
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// A port of 127.0.0.1 that was free a moment ago (the kernel's choice for port 0).
    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket() failed") }
        defer { close(fd) }
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw TestFailure("cannot find a free port on 127.0.0.1") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Whether something accepts TCP connections on 127.0.0.1:`port`.
    private static func accepts(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = loopback(port: port)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }
}
