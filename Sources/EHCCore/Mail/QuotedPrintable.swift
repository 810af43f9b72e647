/// Quoted-printable (RFC 2045 §6.7) for mail bodies, so any UTF-8 text travels as
/// short ASCII lines: `=` and bytes outside printable ASCII become `=XX`, whitespace
/// before a line break is encoded so no relay strips it, lines are soft-broken at 76
/// characters, and line breaks are CRLF.
///
/// A `.` that would start a line is encoded too: SMTP gives a line of a lone dot a
/// meaning, and a relay that fails to dot-stuff would cut the message there.
public enum QuotedPrintable {
    /// The longest encoded line, the soft break's `=` included (RFC 2045).
    public static let lineLimit = 76

    /// `text` encoded, its line breaks (`\r\n`, `\n` or `\r`) written as CRLF.
    public static func encode(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        var text = text
        text.withUTF8 { src in
            out.reserveCapacity(src.count + src.count / 8 + 16)
            var i = 0
            var lineStart = 0
            while i <= src.count {
                let atEnd = i == src.count
                if atEnd || src[i] == 0x0A || src[i] == 0x0D {
                    encodeLine(src[lineStart..<i], into: &out)
                    if atEnd { break }
                    out.append(0x0D)
                    out.append(0x0A)
                    if src[i] == 0x0D, i + 1 < src.count, src[i + 1] == 0x0A { i += 1 }
                    i += 1
                    lineStart = i
                } else {
                    i += 1
                }
            }
        }
        return out
    }

    private static let hex: [UInt8] = Array("0123456789ABCDEF".utf8)

    private static func encodeLine(_ line: Slice<UnsafeBufferPointer<UInt8>>, into out: inout [UInt8]) {
        var column = 0
        var index = line.startIndex
        while index < line.endIndex {
            let b = line[index]
            let isLast = index == line.endIndex - 1
            var width = tokenWidth(b, isLast: isLast, atLineStart: column == 0)
            // Leave room for the soft break's "=" unless this is the line's last token.
            if column + width > lineLimit - 1, !(isLast && column + width <= lineLimit) {
                out.append(0x3D)
                out.append(0x0D)
                out.append(0x0A)
                column = 0
                width = tokenWidth(b, isLast: isLast, atLineStart: true)
            }
            if width == 1 {
                out.append(b)
            } else {
                out.append(0x3D)
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 0x0F)])
            }
            column += width
            index += 1
        }
    }

    /// 1 when the byte is written as itself, 3 when as `=XX`.
    private static func tokenWidth(_ b: UInt8, isLast: Bool, atLineStart: Bool) -> Int {
        switch b {
        case 0x20, 0x09: return isLast ? 3 : 1
        case 0x3D: return 3
        case 0x2E: return atLineStart ? 3 : 1
        case 0x21...0x7E: return 1
        default: return 3
        }
    }
}
