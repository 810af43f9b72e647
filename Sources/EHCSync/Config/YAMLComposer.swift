import Yams

/// Turns config text into a Yams `Node` tree whose nodes keep their line numbers.
///
/// Yams refuses a mapping with a repeated key and stops at the first one, which
/// would hide every other error in the file. So when it refuses, the first
/// occurrence of the repeated key is renamed in the text to a placeholder on the
/// same line and the text is composed again; `ConfigReader` maps placeholders back
/// and reports each repeat at its own line, alongside all the other issues.
struct YAMLComposer {
    /// A composed document.
    struct Document {
        /// `nil` when the text holds no document (empty, or only comments).
        var root: Node?
        /// Placeholder key text → the key as written.
        var renamedKeys: [String: String]
    }

    /// A syntax error: where libyaml stopped and why, in words for a person.
    struct Failure: Error {
        var line: Int
        var message: String
    }

    /// Renames are bounded so that a pathological file cannot loop for long.
    static let maximumRenames = 1000

    /// Composes `text`, working around repeated keys as described above.
    static func compose(_ text: String) -> Result<Document, Failure> {
        var current = text
        var renamed: [String: String] = [:]
        while true {
            do {
                let root = try Yams.compose(yaml: current, .default, .default, .utf8)
                return .success(Document(root: root, renamedKeys: renamed))
            } catch let YamlError.duplicatedKeysInMapping(duplicates, context) {
                let name = duplicates.first ?? ""
                let placeholder = "__ehcsync_repeated_key_\(renamed.count)__"
                guard renamed.count < maximumRenames,
                      let rewritten = renamingKey(in: current, line: context.mark.line, column: context.mark.column,
                                                  name: name, to: placeholder)
                else {
                    return .failure(Failure(line: context.mark.line,
                                            message: "key '\(name)' is written more than once in one mapping: write each key once"))
                }
                renamed[placeholder] = name
                current = rewritten
            } catch let error as YamlError {
                return .failure(failure(from: error, text: current))
            } catch {
                return .failure(Failure(line: 0, message: "cannot read as YAML: \(error)"))
            }
        }
    }

    /// Words and a line for each libyaml error.
    ///
    /// libyaml moves its mark to a new line at the end of the stream, so an error there in
    /// a file without a final line break would name the line after the last: it is put on
    /// the last line instead.
    static func failure(from error: YamlError, text: String) -> Failure {
        var failure = unclampedFailure(from: error, text: text)
        failure.line = min(failure.line, lineCount(of: text))
        return failure
    }

    /// Words and the line libyaml reports for each error.
    private static func unclampedFailure(from error: YamlError, text: String) -> Failure {
        func words(_ context: YamlError.Context?, _ problem: String) -> String {
            var message = "invalid YAML: \(problem)"
            if let context {
                message += " (\(context.text) at line \(context.mark.line))"
            }
            return message + hint(for: problem)
        }
        switch error {
        case let .scanner(context, problem, mark, _):
            return Failure(line: mark.line, message: words(context, problem))
        case let .parser(context, problem, mark, _):
            return Failure(line: mark.line, message: words(context, problem))
        case let .composer(context, problem, mark, _):
            return Failure(line: mark.line, message: words(context, problem))
        case let .reader(problem, offset, _, _):
            return Failure(line: offset.map { lineNumber(ofCharacterOffset: $0, in: text) } ?? 0,
                           message: "invalid YAML: \(problem)")
        case let .duplicatedKeysInMapping(duplicates, context):
            return Failure(line: context.mark.line,
                           message: "key '\(duplicates.first ?? "")' is written more than once in one mapping")
        default:
            return Failure(line: 0, message: "cannot read as YAML: \(error)")
        }
    }

    /// A nudge for the mistakes people make most when hand-editing YAML.
    static func hint(for problem: String) -> String {
        if problem.contains("cannot start any token") {
            return "; indent with spaces, not tabs, and quote values that begin with @ or `"
        }
        if problem.contains("found another document") {
            return "; the file must hold one YAML document: remove the extra '---' and what follows"
        }
        if problem.contains("mapping values are not allowed") {
            return "; quote values that contain ': '"
        }
        return ""
    }

    /// Whether a scalar ends a line the way libyaml counts lines.
    static func isBreak(_ s: Unicode.Scalar) -> Bool {
        s == "\n" || s == "\r" || s == "\u{85}" || s == "\u{2028}" || s == "\u{2029}"
    }

    /// The number of lines in `text` as libyaml counts them; text after the last line
    /// break, even none, is a line.
    static func lineCount(of text: String) -> Int {
        var count = 1
        var previous: Unicode.Scalar?
        for scalar in text.unicodeScalars {
            if isBreak(scalar), !(scalar == "\n" && previous == "\r") { count += 1 }
            previous = scalar
        }
        return count
    }

    /// 1-based line of a character offset (what Yams reports for reader errors:
    /// a distance in `Character`s, so `\r\n` is one).
    static func lineNumber(ofCharacterOffset offset: Int, in text: String) -> Int {
        var line = 1
        for character in text.prefix(max(offset, 0)) {
            if let scalar = character.unicodeScalars.first, isBreak(scalar) { line += 1 }
        }
        return line
    }

    /// `text` with the key written at (`line`, `column`) — both 1-based, columns in
    /// Unicode scalars as libyaml counts them — replaced by `placeholder`; `nil` when
    /// the key there is not written in a form this can rename safely (plain or quoted).
    static func renamingKey(in text: String, line: Int, column: Int, name: String, to placeholder: String) -> String? {
        let scalars = Array(text.unicodeScalars)
        var index = 0
        var currentLine = 1
        while currentLine < line, index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\r", index + 1 < scalars.count, scalars[index + 1] == "\n" { index += 1 }
            if isBreak(scalar) { currentLine += 1 }
            index += 1
        }
        let start = index + column - 1
        guard currentLine == line, column >= 1, start < scalars.count else { return nil }
        guard let end = keyEnd(in: scalars, from: start, name: name) else { return nil }
        var result = String.UnicodeScalarView()
        result.append(contentsOf: scalars[..<start])
        result.append(contentsOf: placeholder.unicodeScalars)
        result.append(contentsOf: scalars[end...])
        return String(result)
    }

    /// One past the last scalar of the key token starting at `start`.
    static func keyEnd(in scalars: [Unicode.Scalar], from start: Int, name: String) -> Int? {
        let first = scalars[start]
        if first == "\"" || first == "'" {
            var index = start + 1
            while index < scalars.count, !isBreak(scalars[index]) {
                let scalar = scalars[index]
                if first == "\"", scalar == "\\" {
                    index += 2
                    continue
                }
                if scalar == first {
                    if first == "'", index + 1 < scalars.count, scalars[index + 1] == "'" {
                        index += 2
                        continue
                    }
                    return index + 1
                }
                index += 1
            }
            return nil
        }
        let nameScalars = Array(name.unicodeScalars)
        let end = start + nameScalars.count
        guard !nameScalars.isEmpty, end <= scalars.count, Array(scalars[start..<end]) == nameScalars else { return nil }
        return end
    }
}
