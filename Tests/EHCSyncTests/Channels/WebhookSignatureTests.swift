import Foundation
import Testing
@testable import EHCSync

/// Checks our Standard Webhooks signatures with an independent implementation:
/// Python's `hmac` and `base64`.
@Suite struct WebhookSignatureTests {
    func pythonSignature(secret: String, id: String, timestamp: Int64, body: String) throws -> String {
        let script = """
        import base64, hashlib, hmac, sys
        secret, msg_id, ts, body = sys.argv[1], sys.argv[2], sys.argv[3], sys.stdin.read()
        secret = secret[:-1] if secret.endswith("\\n") else secret
        key = base64.b64decode(secret[6:]) if secret.startswith("whsec_") else secret.encode()
        mac = hmac.new(key, f"{msg_id}.{ts}.{body}".encode(), hashlib.sha256).digest()
        print("v1," + base64.b64encode(mac).decode())
        """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script, secret, id, String(timestamp)]
        let input = Pipe(), output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        try p.run()
        input.fileHandleForWriting.write(Data(body.utf8))
        try input.fileHandleForWriting.close()
        p.waitUntilExit()
        return String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test(arguments: ["plain-secret\n", "plain-secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n", "ünïcode secret\n"])
    func signatureMatchesAnIndependentImplementation(secret: String) throws {
        let body = #"{"type":"reminder","id":"n-1","items":[{"request_id":"LA-1","note":"café"}]}"#
        let signer = try WebhookSignature(secretText: secret)
        let ours = signer.sign(id: "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", timestamp: 1_674_087_231, body: Data(body.utf8))
        #expect(ours == (try pythonSignature(secret: secret, id: "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", timestamp: 1_674_087_231, body: body)))
    }

    @Test func onlyOneTrailingNewlineIsTrimmed() throws {
        let a = try WebhookSignature(secretText: "s\n\n").sign(id: "i", timestamp: 1, body: Data())
        let b = try WebhookSignature(secretText: "s").sign(id: "i", timestamp: 1, body: Data())
        #expect(a != b)
    }

    @Test func aBrokenWhsecSecretIsRefusedWithoutEchoingIt() {
        #expect(throws: ChannelError.self) { try WebhookSignature(secretText: "whsec_!!!notbase64!!!") }
        do { _ = try WebhookSignature(secretText: "whsec_!!!notbase64!!!") } catch {
            #expect(!"\(error)".contains("notbase64"))
        }
    }
}
