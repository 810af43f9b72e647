import Foundation

/// Why one poll of an HTTP feed stopped: a transport failure (curl code and message),
/// an HTTP status that is not an answer (with the first line of its body), a body that
/// is not what the feed's format says, or a secret that cannot be read. The message
/// names the page and the endpoint's origin, never a path's query, a token or a
/// password; the feed's name is added by whoever logs it.
public struct HTTPFeedError: Error, Sendable, CustomStringConvertible {
    public var message: String
    /// The server's `Retry-After`, in seconds from the answer, when it sent one.
    public var retryAfterSeconds: Int?
    /// The HTTP status of the answer that failed, when there was one.
    public var status: Int?

    public init(_ message: String, retryAfterSeconds: Int? = nil, status: Int? = nil) {
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
        self.status = status
    }

    public var description: String { message }

    /// The most characters of an error body quoted in a message.
    static let quotedBodyLimit = 200

    /// The first non-empty line of an error body (an HTML page's `<title>` instead,
    /// which is where servers such as nginx say what went wrong), printable, cut to
    /// `quotedBodyLimit` characters, with every secret replaced.
    static func firstLine(of body: Data, redacting secrets: [String]) -> String {
        let text = String(decoding: body.prefix(4096), as: UTF8.self)
        var line = text.split(whereSeparator: \.isNewline).lazy
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .first { !$0.isEmpty } ?? ""
        if line.hasPrefix("<"), let open = text.range(of: "<title>", options: .caseInsensitive),
           let close = text.range(of: "</title>", options: .caseInsensitive, range: open.upperBound..<text.endIndex) {
            line = text[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
        }
        var printable = String(line.unicodeScalars.filter { $0.properties.generalCategory != .control }.map(Character.init))
        for secret in secrets where !secret.isEmpty {
            printable = printable.replacingOccurrences(of: secret, with: "[redacted]")
        }
        return printable.count > quotedBodyLimit ? String(printable.prefix(quotedBodyLimit)) + "…" : printable
    }
}
