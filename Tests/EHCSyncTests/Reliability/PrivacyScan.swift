import Foundation

/// Looks for personal data and secrets in what an operator or a recipient can see:
/// logs, `status`, metrics, notices, error lists, reports. A harness knows every NHS
/// number, name and secret it put into its inputs and config; it builds a scan from
/// them and applies it to its outputs. Zero findings is the pass.
///
/// ```swift
/// let scan = PrivacyScan(nhsNumbers: numbers, names: given + family, secrets: [token, password])
/// let findings = scan.findings(in: log, source: "stderr") + scan.findings(inTree: outbox)
/// #expect(findings.isEmpty, "\(PrivacyScan.report(findings))")
/// ```
///
/// What counts as a hit:
/// - an NHS number as 10 digits, or as 3-3-4 digits with a space or a dash between the
///   groups (`943 476 5919`, `943-476-5919`), not inside a longer run of digits (a
///   13-digit millisecond timestamp is not a leak of the 10 digits inside it);
/// - a name as a whole word, ignoring case (`Okonkwo`, `OKONKWO`); a name of several
///   words is looked for word by word. Choose names that are not English words or the
///   product's own words: `Grace` would be found in `delivery grace`;
/// - a secret as an exact substring, anywhere. Secrets of fewer than 8 characters are
///   refused, since they would be found by chance. `secretForms` adds the forms a
///   secret travels in (an HTTP basic credential, a `whsec_` key's base64).
///
/// Text is searched as written and also as a reader would see it decoded: JSON string
/// escapes (`\u00eb`, `\/`), quoted-printable (soft line breaks and `=XX`, as `.eml`
/// bodies are written) and RFC 2047 encoded words in mail headers. So a name split by a
/// soft line break, or escaped in a webhook body, is still found.
struct PrivacyScan: Sendable {
    enum Kind: String, Sendable {
        case nhsNumber = "NHS number"
        case name = "name"
        case secret = "secret"
    }

    /// One hit: what was found (printed masked, so a report does not spread it), where,
    /// and in which view of the text (`raw`, `json-unescaped`, `quoted-printable`, `rfc2047`).
    struct Finding: Sendable, Hashable, CustomStringConvertible {
        var kind: Kind
        /// What was found, in full: for the harness's own bookkeeping, never printed.
        var value: String
        var source: String
        var line: Int
        var view: String

        /// The first three and the last two characters, and the length: enough to tell
        /// hits apart in a report without spreading the value further.
        var masked: String { "\(value.prefix(3))…\(value.suffix(2)) (\(value.count) chars)" }

        var description: String { "\(source):\(line): \(kind.rawValue) \(masked)\(view == "raw" ? "" : " (\(view))")" }
    }

    private let nhsNumbers: Set<String>
    private let names: Set<String>
    private let secrets: [String]
    /// The shortest and longest name, in bytes (lowercasing may change a byte count, so with a margin).
    private let nameLengths: ClosedRange<Int>

    /// `nhsNumbers` in any spacing (only their digits are kept; each must have 10);
    /// `names` as given (compared ignoring case); `secrets` exactly (8 characters or more).
    init(nhsNumbers: some Sequence<String>, names: some Sequence<String>, secrets: some Sequence<String>) {
        var numbers = Set<String>()
        for n in nhsNumbers {
            let digits = n.filter(\.isASCII).filter(\.isNumber)
            precondition(digits.count == 10, "PrivacyScan: '\(n)' is not an NHS number of 10 digits")
            numbers.insert(digits)
        }
        self.nhsNumbers = numbers
        var words = Set<String>()
        for name in names {
            for word in Self.words(in: name) where word.count >= 2 { words.insert(word.lowercased()) }
        }
        self.names = words
        let sizes = words.map(\.utf8.count)
        nameLengths = max(1, (sizes.min() ?? 1) - 2)...((sizes.max() ?? 0) + 2)
        var kept: [String] = []
        for secret in secrets {
            precondition(secret.count >= 8, "PrivacyScan: a secret of \(secret.count) characters would be found by chance")
            if !kept.contains(secret) { kept.append(secret) }
        }
        self.secrets = kept
    }

    /// How many distinct things are looked for, for a harness to print (and to check it
    /// is not looking for nothing).
    var counts: (nhsNumbers: Int, names: Int, secrets: Int) { (nhsNumbers.count, names.count, secrets.count) }

    /// The forms a secret is seen in besides itself: without one trailing newline (as
    /// secret files are read); for a `whsec_` webhook secret, the base64 after the prefix.
    static func secretForms(of secret: String) -> [String] {
        var forms = [secret]
        if secret.hasSuffix("\n") { forms.append(String(secret.dropLast())) }
        if secret.hasPrefix("whsec_") { forms.append(String(secret.dropFirst(6).filter { $0 != "\n" })) }
        return forms.filter { $0.count >= 8 }
    }

    /// An HTTP basic credential as it travels in `Authorization: Basic …`.
    static func basicCredential(user: String, password: String) -> String {
        Data("\(user):\(password)".utf8).base64EncodedString()
    }

    // MARK: - Scanning

    /// Every hit in `text`, in each of its views. `source` names it in the findings.
    func findings(in text: String, source: String) -> [Finding] {
        let views = Self.views(of: text)
        var found = rawFindings(in: text, source: source, view: "raw")
        // A decoded view adds only what the raw text did not show, once per value.
        var seen = Set(found.map { "\($0.kind.rawValue)\u{0}\($0.value)" })
        for (view, body) in views.dropFirst() {
            for finding in rawFindings(in: body, source: source, view: view)
            where seen.insert("\(finding.kind.rawValue)\u{0}\(finding.value)").inserted {
                found.append(finding)
            }
        }
        return found
    }

    /// Every hit in a file's bytes (decoded as UTF-8, invalid bytes replaced).
    func findings(inFile path: String) -> [Finding] {
        guard let data = FileManager.default.contents(atPath: path) else {
            return [Finding(kind: .secret, value: "(unreadable file)", source: path, line: 0, view: "raw")]
        }
        return findings(in: String(decoding: data, as: UTF8.self), source: path)
    }

    /// Every hit in every regular file under `root` (recursively) that `include` accepts,
    /// with the files scanned. Symlinks are not followed.
    func findings(inTree root: String, include: (String) -> Bool = { _ in true }) -> (findings: [Finding], files: [String]) {
        var files: [String] = []
        var found: [Finding] = []
        guard let walker = FileManager.default.enumerator(atPath: root) else { return ([], []) }
        while let relative = walker.nextObject() as? String {
            let path = root + "/" + relative
            guard (walker.fileAttributes?[.type] as? FileAttributeType) == .typeRegular, include(path) else { continue }
            files.append(path)
            found += findings(inFile: path)
        }
        return (found, files.sorted())
    }

    /// The findings as lines for a test's failure message.
    static func report(_ findings: [Finding], limit: Int = 40) -> String {
        guard !findings.isEmpty else { return "no findings" }
        let lines = findings.prefix(limit).map(\.description)
        return "\(findings.count) findings:\n" + lines.joined(separator: "\n") + (findings.count > limit ? "\n…" : "")
    }

    private func rawFindings(in text: String, source: String, view: String) -> [Finding] {
        var found: [Finding] = []
        let bytes = Array(text.utf8)
        let lines = LineIndex(bytes)
        for (offset, digits) in Self.nhsCandidates(bytes) where nhsNumbers.contains(digits) {
            found.append(Finding(kind: .nhsNumber, value: digits, source: source, line: lines.line(at: offset), view: view))
        }
        for token in Self.wordTokens(bytes, lengths: nameLengths) where names.contains(token.word) {
            found.append(Finding(kind: .name, value: token.word, source: source, line: lines.line(at: token.offset), view: view))
        }
        for secret in secrets {
            for at in Self.occurrences(of: Array(secret.utf8), in: bytes) {
                found.append(Finding(kind: .secret, value: secret, source: source, line: lines.line(at: at), view: view))
            }
        }
        return found
    }

    /// Byte offsets where `needle` starts in `haystack`.
    static func occurrences(of needle: [UInt8], in haystack: [UInt8]) -> [Int] {
        guard let first = needle.first, needle.count <= haystack.count else { return [] }
        var out: [Int] = []
        var i = 0
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first, haystack[i..<i + needle.count].elementsEqual(needle) { out.append(i) }
            i += 1
        }
        return out
    }

    // MARK: - Matching

    /// Each 10-digit number not inside a longer run of digits, and each 3-3-4 group
    /// joined by a space or a dash, with the byte offset where it starts.
    static func nhsCandidates(_ b: [UInt8]) -> [(Int, String)] {
        func isDigit(_ i: Int) -> Bool { i >= 0 && i < b.count && b[i] >= 48 && b[i] <= 57 }
        func isSeparator(_ i: Int) -> Bool { i < b.count && (b[i] == 32 || b[i] == 45) }
        func run(at i: Int) -> Int {
            var j = i
            while isDigit(j) { j += 1 }
            return j - i
        }
        var out: [(Int, String)] = []
        var i = 0
        while i < b.count {
            guard isDigit(i) else { i += 1; continue }
            let n = run(at: i)
            if n == 10 { out.append((i, String(decoding: b[i..<i + 10], as: UTF8.self))) }
            if n == 3, isSeparator(i + 3), run(at: i + 4) == 3, isSeparator(i + 7), run(at: i + 8) == 4 {
                let digits = b[i..<i + 3] + b[i + 4..<i + 7] + b[i + 8..<i + 12]
                out.append((i, String(decoding: digits, as: UTF8.self)))
            }
            i += n
        }
        return out
    }

    /// Words: maximal runs of letters (ASCII or not), lowercased, with their byte offsets.
    /// Works on bytes: a non-ASCII character is decoded only to ask whether it is a letter.
    /// `lengths` (in bytes) skips making strings of words that cannot be a name.
    static func wordTokens(_ b: [UInt8], lengths: ClosedRange<Int> = 1...Int.max) -> [(offset: Int, word: String)] {
        var out: [(offset: Int, word: String)] = []
        var i = 0, start = -1
        func flush(_ end: Int) {
            if start >= 0, lengths.contains(end - start) {
                out.append((start, String(decoding: b[start..<end], as: UTF8.self).lowercased()))
            }
            start = -1
        }
        while i < b.count {
            let c = b[i]
            var width = 1
            let isLetter: Bool
            if c < 0x80 {
                isLetter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
            } else {
                width = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1
                let end = min(b.count, i + width)
                let scalar = String(decoding: b[i..<end], as: UTF8.self).unicodeScalars.first
                isLetter = scalar.map { $0.properties.isAlphabetic && $0 != "\u{FFFD}" } ?? false
                width = max(1, end - i)
            }
            if isLetter {
                if start < 0 { start = i }
            } else {
                flush(i)
            }
            i += width
        }
        flush(b.count)
        return out
    }

    static func words(in text: String) -> [String] {
        wordTokens(Array(text.utf8)).map(\.word)
    }
}

/// Byte offsets to 1-based line numbers.
private struct LineIndex {
    private var starts: [Int] = [0]

    init(_ bytes: [UInt8]) {
        for (i, b) in bytes.enumerated() where b == 10 { starts.append(i + 1) }
    }

    func line(at offset: Int) -> Int {
        var lo = 0, hi = starts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if starts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        return lo + 1
    }
}
