import EHCCore
import Foundation
import Testing
@testable import EHCSync

/// The webhook channel against a real receiver on 127.0.0.1 that checks signatures
/// with Python's `hmac`.
@Suite struct WebhookChannelTests {
    /// `webhook_peer.py` with its own folder (secret, spool, control file). `fault(_:)`
    /// makes it answer every request with a status; `down()` and `up()` stop it and
    /// start it again on the same port and spool.
    final class Receiver {
        private(set) var peer: PeerProcess
        let spool: String
        let dir: String
        let port: Int
        var secretFile: String { dir + "/secret" }
        private var arguments: [String] { ["--secret-file", dir + "/secret", "--spool", spool, "--control", dir + "/control"] }

        init(secret: String) throws {
            dir = FileManager.default.temporaryDirectory.path + "/ehcsync-hook-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try secret.write(toFile: dir + "/secret", atomically: true, encoding: .utf8)
            spool = dir + "/spool.ndjson"
            peer = try PeerProcess("webhook_peer.py", ["--secret-file", dir + "/secret", "--spool", spool, "--control", dir + "/control"])
            port = peer.port
        }

        /// From the next request on: `"503 600"` (status, Retry-After), `"500"`, or `""`
        /// for normal service.
        func fault(_ answer: String) throws {
            try answer.write(toFile: dir + "/control", atomically: true, encoding: .utf8)
        }

        /// Stops the receiver: connections are refused until `up()`.
        func down() { peer.stop() }

        /// Starts it again on the same port, spool and control file.
        func up() throws { peer = try PeerProcess("webhook_peer.py", arguments + ["--port", String(port)]) }

        var received: [[String: Any]] {
            let text = (try? String(contentsOfFile: spool, encoding: .utf8)) ?? ""
            return text.split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
        }

        func stop() {
            peer.stop()
            try? FileManager.default.removeItem(atPath: dir)
        }
    }

    func message(_ id: String) -> OutboxMessage {
        OutboxMessage(id: 1, noticeID: id, kind: .escalation, recipient: "dco", channel: "dco-hook", subject: "s",
                      text: "t", html: "h", json: #"{"type":"escalation","id":"\#(id)","items":[{"request_id":"LA-1","note":"café"}]}"#,
                      createdAt: Timestamp(millis: 0), attempts: 0, giveUpAt: Timestamp(millis: 0))
    }

    func channel(_ receiver: Receiver, path: String, secret: String) throws -> WebhookChannel {
        WebhookChannel(name: "dco-hook", url: receiver.peer.url(path), signature: try WebhookSignature(secretText: secret),
                       caFile: nil, timeoutSeconds: 10, allowInsecureHTTP: false)
    }

    @Test(arguments: ["a-plain-secret\n", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"])
    func aSignedNoticeIsDeliveredOnceWithAValidSignature(secret: String) async throws {
        let receiver = try Receiver(secret: secret)
        defer { receiver.stop() }
        let outcome = try await channel(receiver, path: "/ok", secret: secret).deliver(message("n-1"), now: Timestamp(Date()))
        #expect(outcome == .delivered)
        let got = receiver.received
        #expect(got.count == 1)
        #expect(got.first?["signature_ok"] as? Bool == true)
        #expect(got.first?["id"] as? String == "n-1")
        #expect(got.first?["content_type"] as? String == "application/json")
        #expect((got.first?["body"] as? String)?.contains("café") == true)
    }

    @Test func a500IsRetriedAndTheRetryCarriesTheSameID() async throws {
        let receiver = try Receiver(secret: "s\n")
        defer { receiver.stop() }
        let ch = try channel(receiver, path: "/flaky", secret: "s\n")
        let first = await ch.deliver(message("n-2"), now: Timestamp(Date()))
        guard case .retry(let error, let after) = first else { Issue.record("expected a retry, got \(first)"); return }
        #expect(error.hasPrefix("HTTP 500"))
        #expect(after == 1)
        #expect(await ch.deliver(message("n-2"), now: Timestamp(Date())) == .delivered)
        let ids = receiver.received.map { $0["id"] as? String }
        #expect(ids == ["n-2", "n-2"])
        #expect(receiver.received.allSatisfy { $0["signature_ok"] as? Bool == true })
    }

    @Test func a400FailsAtOnce() async throws {
        let receiver = try Receiver(secret: "s")
        defer { receiver.stop() }
        let outcome = try await channel(receiver, path: "/bad", secret: "s").deliver(message("n-3"), now: Timestamp(Date()))
        guard case .failed(let error) = outcome else { Issue.record("expected failed, got \(outcome)"); return }
        #expect(error.hasPrefix("HTTP 400"))
    }

    @Test func a429HonoursRetryAfter() async throws {
        let receiver = try Receiver(secret: "s")
        defer { receiver.stop() }
        let outcome = try await channel(receiver, path: "/slow", secret: "s").deliver(message("n-4"), now: Timestamp(Date()))
        #expect(outcome == .retry("HTTP 429: error: try later", retryAfterSeconds: 120))
    }

    @Test func aTransportErrorIsRetried() async throws {
        // A port nothing listens on: connection refused.
        let ch = WebhookChannel(name: "x", url: "http://127.0.0.1:9/hook", signature: try WebhookSignature(secretText: "s"),
                                caFile: nil, timeoutSeconds: 5, allowInsecureHTTP: false)
        guard case .retry = await ch.deliver(message("n-5"), now: Timestamp(Date())) else {
            Issue.record("a refused connection must be retried"); return
        }
    }

    @Test(arguments: [("120", 120), ("0", 0), ("soon", nil as Int?), ("Wed, 21 Oct 2099 07:28:00 GMT", 1)])
    func retryAfterIsReadAsSecondsOrADate(value: String, atLeast: Int?) {
        let s = RetryAfter.seconds(value, now: Date())
        if let atLeast { #expect((s ?? -1) >= atLeast) } else { #expect(s == nil) }
    }
}
