import Foundation

/// A throwaway certificate authority and the certificates the TLS tests need, made
/// with the `openssl` command in a temporary folder that `deinit` removes.
///
/// - `server`: for `127.0.0.1` and `localhost` (SAN), signed by the CA.
/// - `other`: for `other.invalid` only, signed by the same CA (the wrong-name test).
/// - `client`: a client certificate for mutual TLS, signed by the CA.
/// - `expired`: for `127.0.0.1` like `server`, signed by the CA, but no longer valid.
final class TestPKI {
    let directory: String

    var caFile: String { directory + "/ca.pem" }
    var serverCert: String { directory + "/server.pem" }
    var serverKey: String { directory + "/server.key" }
    var serverPublicKey: String { directory + "/server.pub.pem" }
    var otherCert: String { directory + "/other.pem" }
    var otherKey: String { directory + "/other.key" }
    var otherPublicKey: String { directory + "/other.pub.pem" }
    var clientCert: String { directory + "/client.pem" }
    var clientKey: String { directory + "/client.key" }
    var expiredCert: String { directory + "/expired.pem" }
    var expiredKey: String { directory + "/expired.key" }

    init() throws {
        directory = FileManager.default.temporaryDirectory.path + "/ehcsync-pki-" + UUID().uuidString.prefix(12)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try openssl(["req", "-x509", "-new"] + Self.newKey + ["-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
                     "-subj", "/CN=EHC Sync Test CA",
                     "-addext", "basicConstraints=critical,CA:TRUE",
                     "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        try issue("server", commonName: "127.0.0.1", serial: "1001",
                  extensions: "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n")
        try issue("other", commonName: "other.invalid", serial: "1002",
                  extensions: "subjectAltName=DNS:other.invalid\nextendedKeyUsage=serverAuth\n")
        try issue("client", commonName: "ehcsync-test-client", serial: "1003",
                  extensions: "extendedKeyUsage=clientAuth\n")
        try issue("expired", commonName: "127.0.0.1", serial: "1004",
                  extensions: "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n", days: "-1")
        try openssl(["pkey", "-in", "server.key", "-pubout", "-out", "server.pub.pem"])
        try openssl(["pkey", "-in", "other.key", "-pubout", "-out", "other.pub.pem"])
    }

    deinit {
        try? FileManager.default.removeItem(atPath: directory)
    }

    private static let newKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]

    private func issue(_ name: String, commonName: String, serial: String, extensions: String, days: String = "2") throws {
        let extFile = directory + "/\(name).ext"
        try ("basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n" + extensions)
            .write(toFile: extFile, atomically: true, encoding: .utf8)
        try openssl(["req", "-new"] + Self.newKey + ["-keyout", "\(name).key", "-out", "\(name).csr",
                     "-subj", "/CN=\(commonName)"])
        try openssl(["x509", "-req", "-in", "\(name).csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                     "-set_serial", serial, "-days", days, "-out", "\(name).pem", "-extfile", extFile])
    }

    private func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let errors = Pipe()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestFailure("openssl \(arguments.first ?? "") failed: \(String(decoding: message, as: UTF8.self))")
        }
    }
}
