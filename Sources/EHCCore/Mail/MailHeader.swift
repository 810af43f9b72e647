import Foundation

/// Header lines for RFC 5322 messages: inputs cleaned of line breaks (so no value can
/// start a header of its own), non-ASCII text as RFC 2047 encoded-words, and folding
/// so lines stay within 78 characters where the words allow and never reach 998.
public enum MailHeader {
    /// The folding target of RFC 5322 §2.1.1.
    public static let softLimit = 78

    /// `value` with CR, LF and every other control character removed (a tab becomes a
    /// space): the guard against header injection.
    public static func clean(_ value: String) -> String {
        guard value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return value }
        var out = String.UnicodeScalarView()
        for s in value.unicodeScalars {
            if s == "\t" { out.append(" ") } else if s.value >= 0x20, s.value != 0x7F { out.append(s) }
        }
        return String(out)
    }

    /// An unstructured header (`Subject`). Printable ASCII that folds at spaces stays
    /// readable; anything else (non-ASCII, a word too long to fold, text that looks
    /// like an encoded-word) is written as `=?UTF-8?B?…?=` words, one a line.
    public static func unstructured(_ name: String, _ value: String) -> String {
        let value = clean(value)
        let words = value.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        let plain = value.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F } && !value.contains("=?")
            && words.allSatisfy { $0.utf8.count <= softLimit - name.utf8.count - 2 }
        return fold(name, plain ? words : encodedWords(value))
    }

    /// `name: token token …`, a token per space, starting a new line (CRLF and a
    /// space) before a token that would take the line past 78 characters. A line is
    /// never only whitespace: empty tokens (runs of spaces) stay where they are.
    public static func fold(_ name: String, _ tokens: [String]) -> String {
        var out = name + ":"
        var column = out.utf8.count
        for token in tokens {
            let width = token.utf8.count + 1
            if column + width > softLimit, !token.isEmpty, column > name.utf8.count + 1 {
                out += "\r\n"
                column = 0
            }
            out += " " + token
            column += width
        }
        return out
    }

    /// `text` as RFC 2047 B encoded-words of at most 68 characters, split between
    /// Unicode scalars (each word decodes to whole characters on its own). Decoders
    /// drop the white space between adjacent encoded-words, so folding between them
    /// loses nothing.
    public static func encodedWords(_ text: String, maxBytes: Int = 42) -> [String] {
        var words: [String] = []
        var chunk: [UInt8] = []
        func flush() {
            guard !chunk.isEmpty else { return }
            words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=")
            chunk.removeAll(keepingCapacity: true)
        }
        for scalar in text.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if chunk.count + bytes.count > maxBytes { flush() }
            chunk += bytes
        }
        flush()
        return words.isEmpty ? ["=?UTF-8?B??="] : words
    }

    /// One mailbox (`Name <addr@example>` or `addr@example`) as header tokens: a plain
    /// display name as it is (quoted when it holds specials such as a comma), a
    /// non-ASCII one as encoded-words.
    public static func mailboxTokens(_ mailbox: String) -> [String] {
        let text = clean(mailbox).trimmingCharacters(in: .whitespaces)
        guard text.hasSuffix(">"), let open = text.lastIndex(of: "<") else { return [text] }
        let address = "<" + text[text.index(after: open)..<text.index(before: text.endIndex)]
            .trimmingCharacters(in: .whitespaces) + ">"
        var name = text[..<open].trimmingCharacters(in: .whitespaces)
        if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") {
            name = String(name.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"")
                .replacingOccurrences(of: "\\\\", with: "\\")
        }
        if name.isEmpty { return [address] }
        if !name.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) || name.contains("=?") {
            return encodedWords(name) + [address]
        }
        let specials = Set("()<>[]:;@\\,.\"".utf8)
        if name.utf8.contains(where: specials.contains) {
            return ["\"" + name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"",
                    address]
        }
        return name.split(separator: " ").map(String.init) + [address]
    }

    /// An address list header (`From`, `To`): mailboxes separated by commas, folded
    /// between words.
    public static func addressList(_ name: String, _ mailboxes: [String]) -> String {
        var tokens: [String] = []
        for (i, mailbox) in mailboxes.enumerated() {
            var mine = mailboxTokens(mailbox)
            if i < mailboxes.count - 1, !mine.isEmpty { mine[mine.count - 1] += "," }
            tokens += mine
        }
        return fold(name, tokens)
    }
}
