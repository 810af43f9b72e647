import Foundation

/// One notice or digest as an RFC 5322 message (SPEC §6 `email_file`, and the body
/// `smtp` sends): `multipart/alternative` with a text and an HTML part, both UTF-8
/// quoted-printable, CRLF throughout, no line over 998 octets. Pure: the date and the
/// Message-ID are given, so the same notice always gives the same bytes.
public struct MailMessage: Sendable, Equatable {
    /// `Name <address>` or `address`.
    public var from: String
    public var to: [String]
    public var subject: String
    public var date: Timestamp
    /// Stable per notice, from the caller: `<notice-42@ehcsync.local>`.
    public var messageID: String
    public var text: String
    public var html: String

    public init(from: String, to: [String], subject: String, date: Timestamp, messageID: String, text: String, html: String) {
        self.from = from
        self.to = to
        self.subject = subject
        self.date = date
        self.messageID = messageID
        self.text = text
        self.html = html
    }

    /// The message with its `Date:` in `zone` (the offset in force at `date`).
    public func rfc5322(in zone: TimeZone) -> Data {
        rfc5322(offsetSeconds: zone.secondsFromGMT(for: date.date))
    }

    /// The message with its `Date:` shown at `offsetSeconds` east of UTC.
    public func rfc5322(offsetSeconds: Int = 0) -> Data {
        let textPart = QuotedPrintable.encode(text)
        let htmlPart = QuotedPrintable.encode(html)
        let boundary = MailMessage.boundary(for: messageID, avoiding: [textPart, htmlPart])
        var head = [
            MailHeader.addressList("From", [from]),
            MailHeader.addressList("To", to),
            MailHeader.unstructured("Subject", subject),
            "Date: " + MailDate.format(date, offsetSeconds: offsetSeconds),
            "Message-ID: " + normalizedMessageID,
            "MIME-Version: 1.0",
            // RFC 3834: no auto-replies to this; Outlook/Exchange read the second.
            "Auto-Submitted: auto-generated",
            "X-Auto-Response-Suppress: All",
            "Content-Type: multipart/alternative;\r\n boundary=\"\(boundary)\"",
        ].joined(separator: "\r\n")
        head += "\r\n\r\nThis is a multi-part message in MIME format.\r\n"
        var out = Array(head.utf8)
        for (type, part) in [("text/plain", textPart), ("text/html", htmlPart)] {
            out += Array(("\r\n--" + boundary + "\r\nContent-Type: " + type + "; charset=UTF-8\r\n"
                          + "Content-Transfer-Encoding: quoted-printable\r\n\r\n").utf8)
            out += part
        }
        out += Array(("\r\n--" + boundary + "--\r\n").utf8)
        return Data(out)
    }

    /// The Message-ID cleaned of line breaks and spaces and put in angle brackets.
    var normalizedMessageID: String {
        var id = MailHeader.clean(messageID).filter { $0 != " " }
        if !id.hasPrefix("<") { id = "<" + id }
        if !id.hasSuffix(">") { id += ">" }
        return id
    }

    /// A boundary derived from the Message-ID (so the bytes are stable) that occurs in
    /// no part. It starts `=_`, which quoted-printable can never produce (it writes `=`
    /// as `=3D`), and is checked anyway, with a counter added until it is absent.
    static func boundary(for messageID: String, avoiding parts: [[UInt8]]) -> String {
        var hash = RowHash()
        hash.combine(messageID)
        let base = "=_ehcsync_" + String(hash.value, radix: 16)
        var candidate = base
        var n = 0
        while parts.contains(where: { contains($0, Array(("--" + candidate).utf8)) }) {
            n += 1
            candidate = base + "_" + String(n)
        }
        return candidate
    }

    /// Whether `needle` occurs in `haystack`: a plain scan, linear in practice since a
    /// candidate fails within a few bytes.
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        let first = needle[0]
        var i = 0
        while i <= haystack.count - needle.count {
            if haystack[i] == first, haystack[i..<(i + needle.count)].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }
}
