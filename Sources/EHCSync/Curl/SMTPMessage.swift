import Foundation

/// One mail for `CurlClient.send`: the server, the envelope and the finished RFC 5322
/// text.
///
/// `smtp://host:port` must upgrade with STARTTLS (a server that does not offer it is
/// an error, never a plain-text fallback); `smtps://host:port` is TLS from the first
/// byte. Either way the certificate is verified, against `caFile` when given.
public struct SMTPMessage: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public var url: String
    /// Both or neither: a relay inside the network may need no login.
    public var username: String?
    public var password: String?
    public var caFile: String?
    /// The envelope sender (`MAIL FROM`), a bare address.
    public var from: String
    /// The envelope recipients (`RCPT TO`), bare addresses; all must be accepted.
    public var recipients: [String]
    /// The whole message, headers and body, with CRLF line ends. libcurl does the
    /// dot-stuffing; a message that ends in CRLF arrives byte for byte.
    public var message: Data
    public var timeoutSeconds: Double

    public init(url: String, username: String? = nil, password: String? = nil, caFile: String? = nil,
                from: String, recipients: [String], message: Data, timeoutSeconds: Double = 30) {
        self.url = url
        self.username = username
        self.password = password
        self.caFile = caFile
        self.from = from
        self.recipients = recipients
        self.message = message
        self.timeoutSeconds = timeoutSeconds
    }

    /// Server and envelope only: printing a mail must never show the password.
    public var description: String {
        "mail via \(CurlURL.redacted(url)) from \(from) to \(recipients.joined(separator: ", "))"
            + (username == nil ? "" : " (login)")
    }

    public var debugDescription: String { "SMTPMessage(\(description))" }

    var secrets: [String] { [password].compactMap { $0 } }
}
