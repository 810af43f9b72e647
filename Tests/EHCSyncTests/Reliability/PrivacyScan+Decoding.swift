import Foundation

/// The decoded views `PrivacyScan` searches besides the text as written: what a reader
/// of a mail or a webhook body sees once its transfer encoding is undone.
extension PrivacyScan {
    /// The text as written, then each decoded form that differs from it.
    static func views(of text: String) -> [(String, String)] {
        var out = [("raw", text)]
        if text.contains("\\u") || text.contains("\\/") || text.contains("\\n") {
            let unescaped = jsonUnescaped(text)
            if unescaped != text { out.append(("json-unescaped", unescaped)) }
        }
        if text.contains("=") {
            let qp = quotedPrintableDecoded(text)
            if qp != text { out.append(("quoted-printable", qp)) }
        }
        if text.contains("=?") {
            let words = rfc2047Decoded(text)
            if words != text { out.append(("rfc2047", words)) }
        }
        return out
    }

    /// JSON string escapes undone: `\uXXXX` (with surrogate pairs), `\n`, `\"`, `\\`, `\/`.
    static func jsonUnescaped(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        let s = Array(text.unicodeScalars)
        var i = 0
        while i < s.count {
            guard s[i] == "\\", i + 1 < s.count else { out.append(s[i]); i += 1; continue }
            let c = s[i + 1]
            switch c {
            case "n": out.append("\n"); i += 2
            case "r": out.append("\r"); i += 2
            case "t": out.append("\t"); i += 2
            case "\"", "\\", "/": out.append(c); i += 2
            case "u" where i + 6 <= s.count:
                guard let high = UInt32(String(String.UnicodeScalarView(s[i + 2..<i + 6])), radix: 16) else { out.append(s[i]); i += 1; continue }
                if (0xD800..<0xDC00).contains(high), i + 12 <= s.count, s[i + 6] == "\\", s[i + 7] == "u",
                   let low = UInt32(String(String.UnicodeScalarView(s[i + 8..<i + 12])), radix: 16), (0xDC00..<0xE000).contains(low),
                   let scalar = Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)) {
                    out.append(scalar); i += 12
                } else if let scalar = Unicode.Scalar(high) {
                    out.append(scalar); i += 6
                } else {
                    out.append(s[i]); i += 1
                }
            default: out.append(s[i]); i += 1
            }
        }
        return String(out)
    }

    /// Quoted-printable undone: `=` at a line's end joins it to the next; `=XX` is a byte.
    static func quotedPrintableDecoded(_ text: String) -> String {
        let b = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        func hex(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: c - 48
            case 65...70: c - 55
            case 97...102: c - 87
            default: nil
            }
        }
        var i = 0
        while i < b.count {
            if b[i] == 61 {
                if i + 1 < b.count, b[i + 1] == 10 { i += 2; continue }
                if i + 2 < b.count, b[i + 1] == 13, b[i + 2] == 10 { i += 3; continue }
                if i + 2 < b.count, let h = hex(b[i + 1]), let l = hex(b[i + 2]) { out.append(h << 4 | l); i += 3; continue }
            }
            out.append(b[i])
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// RFC 2047 encoded words (`=?UTF-8?Q?…?=`, `=?UTF-8?B?…?=`) replaced by their text.
    static func rfc2047Decoded(_ text: String) -> String {
        text.replacing(/=\?([^?\s]+)\?([QqBb])\?([^?\s]*)\?=/) { match -> String in
            let payload = String(match.output.3)
            if match.output.2 == "B" || match.output.2 == "b" {
                return Data(base64Encoded: payload).map { String(decoding: $0, as: UTF8.self) } ?? payload
            }
            return quotedPrintableDecoded(payload.replacingOccurrences(of: "_", with: " "))
        }
    }
}
