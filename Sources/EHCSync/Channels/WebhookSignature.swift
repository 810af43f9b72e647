import Crypto
import Foundation

/// Standard Webhooks signing (SPEC §6): `v1,` + base64 HMAC-SHA256 of
/// `"<id>.<timestamp>.<body>"`, keyed by the secret file's content less one trailing
/// newline; a secret beginning `whsec_` is base64 after the prefix.
public struct WebhookSignature: Sendable {
    let key: SymmetricKey

    /// The key from the secret file's text. Fails only for a `whsec_` secret whose
    /// remainder is not base64 (the message never repeats the secret).
    public init(secretText: String) throws(ChannelError) {
        var secret = secretText
        if secret.hasSuffix("\r\n") { secret.removeLast(2) } else if secret.hasSuffix("\n") { secret.removeLast() }
        if secret.hasPrefix("whsec_") {
            guard let data = Data(base64Encoded: String(secret.dropFirst(6))) else {
                throw ChannelError("the webhook secret starts with whsec_ but the rest is not base64")
            }
            key = SymmetricKey(data: data)
        } else {
            key = SymmetricKey(data: Data(secret.utf8))
        }
    }

    /// The `webhook-signature` header value.
    public func sign(id: String, timestamp: Int64, body: Data) -> String {
        var signed = Data("\(id).\(timestamp).".utf8)
        signed.append(body)
        let mac = HMAC<SHA256>.authenticationCode(for: signed, using: key)
        return "v1," + Data(mac).base64EncodedString()
    }
}

/// A channel fault in one line, safe to log and to show in `status` (never a secret).
public struct ChannelError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
