import EHCCore
import Foundation
import Testing
@testable import EHCSync

/// The SMTP channel against aiosmtpd on 127.0.0.1 with STARTTLS and a test CA.
@Suite struct SMTPChannelTests {
    func message(_ id: String) -> OutboxMessage {
        OutboxMessage(id: 1, noticeID: id, kind: .digest, recipient: "dco", channel: "icb-smtp",
                      subject: "EHC Sync: 3 overdue, 2 due this week", text: "Résumé\n3 overdue", html: "<p>3 overdue</p>",
                      json: "{}", createdAt: Timestamp(millis: 1_773_043_200_000), attempts: 0, giveUpAt: Timestamp(millis: 0))
    }

    func channel(_ peer: CurlSMTPTests.MailPeer, scheme: String, user: String? = nil, password: String? = nil) -> SMTPChannel {
        SMTPChannel(name: "icb-smtp", url: peer.url(scheme), username: user, password: password, caFile: peer.pki.caFile,
                    from: "EHC Sync <ehcsync@council.example>", to: ["Commissioner <icb@nhs.example>", "dco@nhs.example"],
                    timeoutSeconds: 20, zone: TimeZone(identifier: "Europe/London")!)
    }

    @Test func aNoticeArrivesOnceOverSTARTTLSWithTheRightEnvelope() async throws {
        let peer = try CurlSMTPTests.MailPeer(mode: "starttls")
        defer { peer.stop() }
        let outcome = await channel(peer, scheme: "smtp").deliver(message("ehcsync-abc"), now: Timestamp(Date()))
        #expect(outcome == .delivered)
        let got = try peer.received()
        #expect(got.count == 1)
        #expect(got.first?.tls == true)
        #expect(got.first?.mailFrom == "ehcsync@council.example")
        #expect(got.first?.recipients == ["icb@nhs.example", "dco@nhs.example"])
        let text = String(decoding: got.first?.data ?? Data(), as: UTF8.self)
        #expect(text.contains("Message-ID: <ehcsync-abc@council.example>"))
        #expect(text.contains("multipart/alternative"))
    }

    @Test func plainSMTPWithoutSTARTTLSIsRefused() async throws {
        let peer = try CurlSMTPTests.MailPeer(mode: "plain")
        defer { peer.stop() }
        let outcome = await channel(peer, scheme: "smtp").deliver(message("ehcsync-def"), now: Timestamp(Date()))
        guard case .failed = outcome else { Issue.record("a server without STARTTLS must fail the notice, got \(outcome)"); return }
        #expect(try peer.received().isEmpty)
    }

    @Test func smtpsWithALoginWorks() async throws {
        let peer = try CurlSMTPTests.MailPeer(mode: "implicit", auth: "ehcsync:s3cret")
        defer { peer.stop() }
        let outcome = await channel(peer, scheme: "smtps", user: "ehcsync", password: "s3cret").deliver(message("ehcsync-ghi"), now: Timestamp(Date()))
        #expect(outcome == .delivered)
        #expect(try peer.received().first?.authenticated == true)
    }

    @Test func aWrongPasswordFailsWithoutEchoingIt() async throws {
        let peer = try CurlSMTPTests.MailPeer(mode: "starttls", auth: "ehcsync:s3cret")
        defer { peer.stop() }
        let outcome = await channel(peer, scheme: "smtp", user: "ehcsync", password: "wrong-pass").deliver(message("ehcsync-jkl"), now: Timestamp(Date()))
        guard case .failed(let error) = outcome else { Issue.record("a refused login must fail, got \(outcome)"); return }
        #expect(!error.contains("wrong-pass"))
    }

    /// A temporary refusal (4xx) is retried at whichever step it comes, as RFC 5321 and
    /// the README ("anything else is retried") say; a refusal for good (5xx) of the
    /// sender or a recipient fails at once. libcurl reports both refusals of MAIL FROM
    /// as code 55, which the channel used to fail at once: a relay's `451 try later`
    /// lost the notice. Found by the channel outage harness (`ChannelOutageTests`).
    @Test(arguments: [
        ("mail 451 4.3.2 try again later", true), ("mail 421 4.7.0 too busy", true), ("data 451 4.3.0 later", true),
        ("data 554 5.3.0 transaction failed", true), ("mail 550 5.7.1 sender refused", false),
    ])
    func aTemporaryRefusalIsRetriedAndARefusalForGoodFails(reply: String, retried: Bool) async throws {
        let peer = try CurlSMTPTests.MailPeer(mode: "starttls")
        defer { peer.stop() }
        try peer.fault(reply)
        let outcome = await channel(peer, scheme: "smtp").deliver(message("ehcsync-mno"), now: Timestamp(Date()))
        switch outcome {
        case .retry(let error, _): #expect(retried, "\(reply): retried: \(error)")
        case .failed(let error): #expect(!retried, "\(reply): failed at once: \(error)")
        case .delivered: Issue.record("\(reply): delivered, though the server refused it")
        }
        #expect(try peer.received().isEmpty)
        try peer.fault("")
        #expect(await channel(peer, scheme: "smtp").deliver(message("ehcsync-mno"), now: Timestamp(Date())) == .delivered)
    }
}
