import CCurl
import Foundation

/// Why a libcurl transfer did not produce an answer: the `CURLcode` and a sentence a
/// person can act on (libcurl's own wording plus the detail from its error buffer).
///
/// An HTTP status, even 500, is not a `CurlError`: the caller gets an `HTTPResponse`
/// and decides. The message never carries a token, a password or an `Authorization`
/// header, and names a URL only as `scheme://host:port` (the path of a webhook URL
/// can itself be the secret).
public struct CurlError: Error, Sendable, CustomStringConvertible {
    /// The `CURLcode` (for example 28 for a timeout, 60 for a certificate that did not
    /// verify). Refusals made before any network I/O use the code libcurl itself would
    /// give: 1 for a refused scheme, 3 for a malformed URL, 43 for a bad argument.
    public let code: Int
    /// What went wrong, for logs and `status`.
    public let message: String
    /// For mail: the last reply code the SMTP server gave (`451`, `550`…), when it gave
    /// one. A 4xx is a temporary refusal worth retrying; a 5xx is for good.
    public internal(set) var smtpReply: Int?

    /// A timeout: the total, the connect or the low-speed limit.
    public var isTimeout: Bool { code == Int(CURLE_OPERATION_TIMEDOUT.rawValue) }

    public var description: String { "\(message) [curl \(code)]" }

    /// An error for `code`, with a message already free of secrets.
    init(code: CURLcode, message: String) {
        self.code = Int(code.rawValue)
        self.message = message
    }

    /// libcurl's one-line meaning of a code.
    static func meaning(of code: CURLcode) -> String {
        guard let text = curl_easy_strerror(code) else { return "curl error \(code.rawValue)" }
        return String(cString: text)
    }

    /// The same error with every non-empty secret replaced, a last guard in case a
    /// server echoes a credential into a message that libcurl passes on.
    func redacting(_ secrets: [String]) -> CurlError {
        var text = message
        for secret in secrets where !secret.isEmpty {
            text = text.replacingOccurrences(of: secret, with: "[redacted]")
        }
        var redacted = CurlError(code: code, text: text)
        redacted.smtpReply = smtpReply
        return redacted
    }

    private init(code: Int, text: String) {
        self.code = code
        self.message = text
    }
}
