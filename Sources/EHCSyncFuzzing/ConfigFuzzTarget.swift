import EHCSync

/// The config fuzz target: one input is the text of a configuration file.
///
/// `ConfigLoader.parse` must return a config or a list of issues for any text, never trap,
/// and every issue must point at a line of the text (1 up to the last line; a file ending
/// in a line break has an empty last line, where "unexpected end" errors point).
public enum ConfigFuzzTarget {
    /// The properties `bytes` breaks, in words; empty when the code behaved.
    public static func check(_ input: UnsafeBufferPointer<UInt8>) -> [String] {
        // The loader reads a file as strict UTF-8; other bytes are replaced here, as the
        // loader would refuse the file before parsing.
        let text = String(decoding: input, as: UTF8.self)
        let lineCount = lines(in: text)
        var broken: [String] = []
        switch ConfigLoader.parse(yaml: text, file: "/nonexistent/ehcsync-fuzz/ehcsync.yaml", environment: [:]) {
        case .success:
            break
        case .failure(let errors):
            if errors.issues.isEmpty { broken.append("rejected with no issue") }
            for issue in errors.issues where !(1...lineCount).contains(issue.line) {
                broken.append("issue on line \(issue.line) of \(lineCount): \(issue.message)")
            }
        }
        return broken
    }

    /// Lines as libyaml counts them: breaks are CRLF, LF, CR, NEL, LS and PS.
    static func lines(in text: String) -> Int {
        var count = 1
        var previous: Unicode.Scalar?
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": if previous != "\r" { count += 1 }
            case "\r", "\u{85}", "\u{2028}", "\u{2029}": count += 1
            default: break
            }
            previous = scalar
        }
        return count
    }
}
