/// Breaks plain text into lines a phone or an 80-column mail reader shows without
/// sideways scrolling: at spaces, within `width` characters where the words allow (a
/// single longer word, such as a file name, keeps its own line whole).
enum TextWrap {
    /// The width the digest's text part keeps to: under RFC 5322's advised 78.
    static let width = 76

    /// `text` as lines of at most `width` characters, the first starting with `first`,
    /// the rest with `rest` (a hanging indent). Line breaks in `text` become spaces.
    static func lines(_ text: String, first: String = "", rest: String = "", width: Int = TextWrap.width) -> [String] {
        var out: [String] = []
        var line = first
        var lineHasWord = false
        for word in text.split(whereSeparator: { $0 == " " || $0.isNewline }) {
            let room = width - line.count - (lineHasWord ? 1 : 0)
            if lineHasWord, word.count > room {
                out.append(line)
                line = rest
                lineHasWord = false
            }
            line += (lineHasWord ? " " : "") + word
            lineHasWord = true
        }
        if lineHasWord || out.isEmpty { out.append(line) }
        return out
    }

    /// `lines(...)` joined, each ending in "\n".
    static func block(_ text: String, first: String = "", rest: String = "") -> String {
        lines(text, first: first, rest: rest).map { $0 + "\n" }.joined()
    }
}
