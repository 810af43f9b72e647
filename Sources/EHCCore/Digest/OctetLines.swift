/// Keeps every line of a rendering within RFC 5322's hard limit of 998 octets, so a
/// digest or notice can be written to a mail file or a pickup folder as it is.
///
/// Long lines are broken at the last space before the limit (a space and a line break
/// read the same in HTML, and in a text cell only free text is ever that long); a run
/// with no space at all is broken between characters, never inside a UTF-8 sequence
/// or an HTML entity.
enum OctetLines {
    static let limit = 998

    /// `text` with no line longer than `limit` octets; unchanged when none is.
    static func fold(_ text: String, limit: Int = OctetLines.limit) -> String {
        var text = text
        let fits = text.withUTF8 { buf -> Bool in
            var run = 0
            for b in buf {
                if b == 0x0A { run = 0 } else { run += 1; if run > limit { return false } }
            }
            return true
        }
        if fits { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + text.utf8.count / limit + 8)
        for line in text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false) {
            append(Array(line), limit: limit, to: &out)
            out.append(0x0A)
        }
        out.removeLast()
        return String(decoding: out, as: UTF8.self)
    }

    private static func append(_ bytes: [UInt8], limit: Int, to out: inout [UInt8]) {
        var start = 0
        while bytes.count - start > limit {
            let end = start + limit
            if let space = bytes[(start + 1)...end].lastIndex(of: 0x20) {
                out.append(contentsOf: bytes[start..<space])
                out.append(0x0A)
                start = space + 1
                continue
            }
            var cut = end
            while cut > start + 1, bytes[cut] & 0xC0 == 0x80 { cut -= 1 }
            if let amp = bytes[start..<cut].lastIndex(of: 0x26), !bytes[amp..<cut].contains(0x3B), cut - amp <= 10,
               amp > start {
                cut = amp
            }
            out.append(contentsOf: bytes[start..<cut])
            out.append(0x0A)
            start = cut
        }
        out.append(contentsOf: bytes[start...])
    }
}
