import Foundation
import Yams

/// One key of a mapping as written: its name (with any duplicate placeholder mapped
/// back), the value node, the key path and the lines to report at.
struct ConfigEntry {
    var name: String
    var value: Node
    var path: String
    /// Line of the key itself.
    var keyLine: Int

    /// Line of the value when it is a written scalar (usually the key's line),
    /// else the key's line: the most useful place to point at.
    var line: Int {
        if case .scalar(let scalar) = value, !ConfigReader.isNull(value), let mark = scalar.mark {
            return mark.line
        }
        return keyLine
    }
}

/// The keys of one mapping, already checked for unknown and repeated keys.
struct ConfigFields {
    /// Key path of the mapping itself.
    var path: String
    /// Where to report a missing key: the line of the key holding this mapping, or
    /// of the list item.
    var line: Int
    /// First occurrence of each key, in file order.
    var entries: [ConfigEntry]

    subscript(name: String) -> ConfigEntry? { entries.first { $0.name == name } }

    /// Key path of a child key.
    func path(_ key: String) -> String { ConfigReader.join(path, key) }
}

/// Walks the YAML tree collecting every issue instead of stopping at the first. All
/// typed reads go through here so that wording, lines and key paths are uniform.
final class ConfigReader {
    let file: String
    /// Placeholder key → key as written (see `YAMLComposer`).
    let renamedKeys: [String: String]
    private(set) var issues: [ConfigIssue] = []

    init(file: String, renamedKeys: [String: String]) {
        self.file = file
        self.renamedKeys = renamedKeys
    }

    /// Records one issue.
    func report(_ line: Int, _ path: String, _ message: String) {
        issues.append(ConfigIssue(file: file, line: line, keyPath: path, message: message))
    }

    // MARK: Structure

    /// Keys that would hold a secret's value; each names the `_file` key to use.
    static let inlineSecretKeys: [String: String] = [
        "password": "password_file", "token": "bearer_token_file",
        "bearer_token": "bearer_token_file", "secret": "secret_file",
    ]

    /// The keys of `node` at `path`. Reports a non-mapping and returns `nil`; a
    /// null (`key:` with nothing after it) reads as an empty mapping. With `allowed`,
    /// any other key is reported (with a near-miss suggestion); `nil` allows any key
    /// and leaves checking names to the caller. Repeated keys are always reported,
    /// with `repeatWord` naming what is repeated ("key", "recipient", …).
    func fields(_ node: Node, path: String, line: Int, allowed: [String]?, repeatWord: String = "key") -> ConfigFields? {
        if Self.isNull(node) { return ConfigFields(path: path, line: line, entries: []) }
        guard case .mapping(let mapping) = node else {
            report(Self.line(of: node) ?? line, path, "must be a mapping of keys to values, not \(Self.kindWord(node))")
            return nil
        }
        var entries: [ConfigEntry] = []
        for (keyNode, value) in mapping {
            let keyLine = Self.line(of: keyNode) ?? line
            guard case .scalar(let keyScalar) = keyNode else {
                report(keyLine, path, "keys must be plain words, not \(Self.kindWord(keyNode))")
                continue
            }
            let name = renamedKeys[keyScalar.string] ?? keyScalar.string
            let entryPath = Self.join(path, name)
            if let first = entries.first(where: { $0.name == name }) {
                let message = repeatWord == "key"
                    ? "key '\(name)' is written twice in one mapping (first at line \(first.keyLine)): write each key once"
                    : "\(repeatWord) '\(name)' is defined twice (first at line \(first.keyLine)): names must be unique"
                report(keyLine, entryPath, message)
                continue
            }
            entries.append(ConfigEntry(name: name, value: value, path: entryPath, keyLine: keyLine))
            if let allowed, !allowed.contains(name) {
                report(keyLine, entryPath, unknownKeyMessage(name, allowed: allowed))
            }
        }
        if let allowed {
            entries.removeAll { !allowed.contains($0.name) }
        }
        return ConfigFields(path: path, line: line, entries: entries)
    }

    /// "unknown key …", or the secret rule, or a near-miss suggestion.
    func unknownKeyMessage(_ name: String, allowed: [String]) -> String {
        if let fileKey = Self.inlineSecretKeys[name.lowercased()] {
            return "secrets are never inline: use \(fileKey) with the path of a file holding it "
                + "(a relative path is read from $CREDENTIALS_DIRECTORY, systemd LoadCredential=)"
        }
        if name == "<<" {
            return "YAML merge keys (<<) are not supported: write the keys out"
        }
        var message = "unknown key '\(Self.shown(name))'"
        if let suggestion = KeySuggestion.nearest(to: name, among: allowed) {
            message += ": did you mean '\(suggestion)'?"
        } else {
            message += "; allowed here: \(allowed.joined(separator: ", "))"
        }
        return message
    }

    /// The items of a list value, with their paths and lines. A null reads as an
    /// empty list; anything else that is not a list is reported.
    func items(_ entry: ConfigEntry) -> [(node: Node, path: String, line: Int)]? {
        if Self.isNull(entry.value) { return [] }
        guard case .sequence(let sequence) = entry.value else {
            report(entry.line, entry.path, "must be a list (write [a, b] or one '- item' per line), not \(Self.kindWord(entry.value))")
            return nil
        }
        return sequence.enumerated().map { index, node in
            (node, "\(entry.path)[\(index)]", Self.line(of: node) ?? entry.keyLine)
        }
    }

    /// The child mapping of an entry.
    func fields(_ entry: ConfigEntry, allowed: [String]?, repeatWord: String = "key") -> ConfigFields? {
        fields(entry.value, path: entry.path, line: entry.keyLine, allowed: allowed, repeatWord: repeatWord)
    }

    // MARK: Helpers

    /// Plain null (`~`, `null`, or nothing at all), as YAML means "no value".
    static func isNull(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    static func line(of node: Node) -> Int? { node.mark?.line }

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : path + "." + key }

    /// What a node is, in words, for "must be X, not Y".
    static func kindWord(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar: return isNull(node) ? "nothing" : "a single value"
        }
    }

    /// A decimal whole number (optionally signed), without YAML's octal/hex forms,
    /// which no one means in this file.
    static func wholeNumber(_ text: String) -> Int? {
        var digits = Substring(text)
        var negative = false
        if let first = digits.first, first == "+" || first == "-" {
            negative = first == "-"
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(digits) else { return nil }
        return negative ? -value : value
    }

    /// "a, b or c".
    static func alternatives(_ values: [String]) -> String {
        guard values.count > 1, let last = values.last else { return values.first ?? "" }
        return values.dropLast().joined(separator: ", ") + " or " + last
    }

    /// A written value made safe to quote back: control characters replaced and
    /// long values shortened, so a message stays one readable line.
    static func shown(_ text: String) -> String {
        let cleaned = String(String.UnicodeScalarView(text.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : $0 }))
        return cleaned.count > 60 ? String(cleaned.prefix(57)) + "..." : cleaned
    }
}
