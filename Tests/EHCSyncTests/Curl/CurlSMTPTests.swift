import Foundation
import Testing
@testable import EHCSync

/// `CurlClient.send` against a real SMTP server on 127.0.0.1 (`Tests/Peers/smtp_peer.py`,
/// aiosmtpd) that writes each accepted message to a spool folder.
@Suite struct CurlSMTPTests {
    /// An SMTP peer with its own spool folder and test CA; `stop()` removes both.
    /// `fault(_:)` makes it refuse mail (see `smtp_peer.py --control`); `down()` and
    /// `up()` stop it and start it again on the same port and spool.
    final class MailPeer {
        let pki: TestPKI
        let spool: String
        private(set) var process: PeerProcess
        let port: Int
        private let arguments: [String]
        var controlPath: String { pki.directory + "/control" }

        init(mode: String, auth: String? = nil) throws {
            pki = try TestPKI()
            spool = pki.directory + "/spool"
            try FileManager.default.createDirectory(atPath: spool, withIntermediateDirectories: true)
            var arguments = ["--spool", spool, "--mode", mode, "--cert", pki.serverCert, "--key", pki.serverKey,
                             "--control", pki.directory + "/control"]
            if let auth { arguments += ["--auth", auth] }
            self.arguments = arguments
            process = try PeerProcess("smtp_peer.py", arguments)
            port = process.port
        }

        func url(_ scheme: String) -> String { "\(scheme)://127.0.0.1:\(port)" }

        func stop() { process.stop() }

        /// From the next command on: `"mail 451 4.3.2 try later"`, `"data 554 5.3.0 no"`,
        /// or `""` for normal service.
        func fault(_ reply: String) throws {
            try reply.write(toFile: controlPath, atomically: true, encoding: .utf8)
        }

        /// Stops the server: connections are refused until `up()`.
        func down() { process.stop() }

        /// Starts the server again on the same port, spool and control file.
        func up() throws {
            process = try PeerProcess("smtp_peer.py", arguments + ["--port", String(port)])
        }

        /// Every DATA the server reached, accepted or refused: (Message-ID, reply).
        func attempts() throws -> [(messageID: String, reply: String)] {
            let text = (try? String(contentsOfFile: spool + "/attempts.ndjson", encoding: .utf8)) ?? ""
            return text.split(separator: "\n").compactMap {
                guard let o = try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String] else { return nil }
                return (o["message_id"] ?? "", o["reply"] ?? "")
            }
        }

        /// What the server accepted, oldest first.
        func received() throws -> [Received] {
            let names = try FileManager.default.contentsOfDirectory(atPath: spool).filter { $0.hasSuffix(".json") }.sorted()
            return try names.map { try Received(Data(contentsOf: URL(fileURLWithPath: spool + "/" + $0))) }
        }
    }

    struct Received {
        var mailFrom: String
        var recipients: [String]
        var data: Data
        var tls: Bool
        var authenticated: Bool

        init(_ json: Data) throws {
            guard let object = try JSONSerialization.jsonObject(with: json) as? [String: Any],
                  let from = object["mail_from"] as? String, let to = object["rcpt_tos"] as? [String],
                  let encoded = object["data"] as? String, let data = Data(base64Encoded: encoded),
                  let tls = object["tls"] as? Bool, let authenticated = object["authenticated"] as? Bool else {
                throw TestFailure("bad spool record: \(String(decoding: json, as: UTF8.self))")
            }
            (mailFrom, recipients, self.data, self.tls, self.authenticated) = (from, to, data, tls, authenticated)
        }
    }

    /// A message with a line that starts with a dot, which SMTP must stuff and unstuff.
    static let message = Data("""
        From: EHC Sync <ehcsync@council.example>\r
        To: Team <team@council.example>\r
        Subject: Digest 2025-03-04\r
        Message-ID: <digest-2025-03-04@ehcsync>\r
        MIME-Version: 1.0\r
        Content-Type: text/plain; charset=utf-8\r
        \r
        Three advice requests are due this week.\r
        .a line that starts with a dot\r
        .\r
        Last line.\r

        """.utf8)

    static func mail(_ url: String, pki: TestPKI, username: String? = nil, password: String? = nil,
                     caFile: String?? = .none) -> SMTPMessage {
        SMTPMessage(url: url, username: username, password: password, caFile: caFile ?? pki.caFile,
                    from: "ehcsync@council.example", recipients: ["team@council.example", "lead@council.example"],
                    message: message, timeoutSeconds: 15)
    }

    @Test func starttlsDeliversOnceWithTheEnvelopeAndExactData() async throws {
        let peer = try MailPeer(mode: "starttls")
        defer { peer.stop() }
        try await CurlClient.send(Self.mail(peer.url("smtp"), pki: peer.pki))
        let received = try peer.received()
        try #require(received.count == 1)
        #expect(received[0].mailFrom == "ehcsync@council.example")
        #expect(received[0].recipients == ["team@council.example", "lead@council.example"])
        #expect(received[0].data == Self.message)
        #expect(received[0].tls)
    }

    @Test func smtpWithoutSTARTTLSIsRefused() async throws {
        let peer = try MailPeer(mode: "plain")
        defer { peer.stop() }
        let error = await CurlTest.failure(of: Self.mail(peer.url("smtp"), pki: peer.pki))
        #expect(error?.code == 64)
        #expect(error?.message.contains("STARTTLS is required") == true)
        #expect(try peer.received().isEmpty)
    }

    @Test func smtpsUsesImplicitTLS() async throws {
        let peer = try MailPeer(mode: "implicit")
        defer { peer.stop() }
        try await CurlClient.send(Self.mail(peer.url("smtps"), pki: peer.pki))
        let received = try peer.received()
        try #require(received.count == 1)
        #expect(received[0].data == Self.message)
        #expect(received[0].tls)
    }

    @Test func aLoginOverSTARTTLSIsAccepted() async throws {
        let peer = try MailPeer(mode: "starttls", auth: "relay:mail-pass-1")
        defer { peer.stop() }
        try await CurlClient.send(Self.mail(peer.url("smtp"), pki: peer.pki, username: "relay", password: "mail-pass-1"))
        let received = try peer.received()
        try #require(received.count == 1)
        #expect(received[0].authenticated)
    }

    @Test func aLoginOverImplicitTLSIsAccepted() async throws {
        let peer = try MailPeer(mode: "implicit", auth: "relay:mail-pass-2")
        defer { peer.stop() }
        try await CurlClient.send(Self.mail(peer.url("smtps"), pki: peer.pki, username: "relay", password: "mail-pass-2"))
        #expect(try peer.received().map(\.authenticated) == [true])
    }

    @Test func aWrongPasswordFailsWithoutShowingIt() async throws {
        let peer = try MailPeer(mode: "starttls", auth: "relay:right-pass")
        defer { peer.stop() }
        let error = await CurlTest.failure(of: Self.mail(peer.url("smtp"), pki: peer.pki, username: "relay", password: "wrong-pass-77"))
        #expect(error?.code == 67)
        #expect(!"\(String(describing: error))".contains("wrong-pass-77"))
        #expect(try peer.received().isEmpty)
    }

    @Test func aServerThatRequiresLoginRefusesAnonymousMail() async throws {
        let peer = try MailPeer(mode: "starttls", auth: "relay:right-pass")
        defer { peer.stop() }
        #expect(await CurlTest.failure(of: Self.mail(peer.url("smtp"), pki: peer.pki)) != nil)
        #expect(try peer.received().isEmpty)
    }

    @Test func withoutTheCATheServerIsNotTrusted() async throws {
        let peer = try MailPeer(mode: "starttls")
        defer { peer.stop() }
        let error = await CurlTest.failure(of: Self.mail(peer.url("smtp"), pki: peer.pki, caFile: .some(nil)))
        #expect(error?.code == 60)
        #expect(try peer.received().isEmpty)
    }
}
