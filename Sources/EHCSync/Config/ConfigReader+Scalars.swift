import Foundation
import Yams

/// Typed reads of single values and lists: each reports its own problem (wrong
/// type, out of range, not one of the allowed values) and returns `nil`, or the
/// default when the key is simply absent.
extension ConfigReader {
    /// The text of a single value, whatever YAML type it resolved to (`5`, `true`,
    /// `"x"` are all text here). Reports a null, a list or a mapping.
    func text(_ node: Node, path: String, line: Int) -> String? {
        if Self.isNull(node) {
            report(line, path, "has no value: write one after the colon")
            return nil
        }
        guard case .scalar(let scalar) = node else {
            report(line, path, "must be a single value, not \(Self.kindWord(node))")
            return nil
        }
        return scalar.string
    }

    /// `text` of an entry.
    func text(_ entry: ConfigEntry) -> String? { text(entry.value, path: entry.path, line: entry.line) }

    /// Non-empty text of an optional key (leading and trailing spaces removed).
    func nonEmptyText(_ fields: ConfigFields, _ key: String) -> String? {
        guard let entry = fields[key], let raw = text(entry) else { return nil }
        let value = raw.trimmingCharacters(in: .whitespaces)
        if value.isEmpty {
            report(entry.line, entry.path, "must not be empty")
            return nil
        }
        return value
    }

    /// Non-empty text of a required key; reports it missing at the mapping's line.
    func requiredText(_ fields: ConfigFields, _ key: String, hint: String) -> String? {
        guard fields[key] != nil else {
            missing(fields, key, hint: hint)
            return nil
        }
        return nonEmptyText(fields, key)
    }

    /// Reports a required key as missing, at the line of the mapping that lacks it.
    func missing(_ fields: ConfigFields, _ key: String, hint: String) {
        report(fields.line, fields.path(key), "required key is missing: \(hint)")
    }

    /// A whole number in `minimum...maximum`; the default when the key is absent.
    func int(_ fields: ConfigFields, _ key: String, default value: Int, minimum: Int, maximum: Int = Int.max) -> Int {
        guard let entry = fields[key] else { return value }
        return int(entry, minimum: minimum, maximum: maximum) ?? value
    }

    /// A whole number in `minimum...maximum`, or `nil` (reported).
    func int(_ entry: ConfigEntry, minimum: Int, maximum: Int = Int.max) -> Int? {
        int(entry.value, path: entry.path, line: entry.line, minimum: minimum, maximum: maximum)
    }

    /// A whole number in `minimum...maximum`, or `nil` (reported).
    func int(_ node: Node, path: String, line: Int, minimum: Int, maximum: Int = Int.max) -> Int? {
        guard let raw = text(node, path: path, line: line) else { return nil }
        let written = raw.trimmingCharacters(in: .whitespaces)
        guard let number = Self.wholeNumber(written) else {
            report(line, path, "must be a whole number, not '\(Self.shown(written))'")
            return nil
        }
        guard number >= minimum else {
            report(line, path, "must be at least \(minimum), not \(number)")
            return nil
        }
        guard number <= maximum else {
            report(line, path, "must be at most \(maximum), not \(number)")
            return nil
        }
        return number
    }

    /// `true` or `false`; the default when the key is absent.
    func bool(_ fields: ConfigFields, _ key: String, default value: Bool) -> Bool {
        guard let entry = fields[key], let raw = text(entry) else { return value }
        switch raw.trimmingCharacters(in: .whitespaces).lowercased() {
        case "true": return true
        case "false": return false
        default:
            report(entry.line, entry.path, "must be true or false, not '\(Self.shown(raw))'")
            return value
        }
    }

    /// A duration (`30s`, `5m`, `2h`, `2d`, or bare seconds); the default when absent.
    func duration(_ fields: ConfigFields, _ key: String, default value: Int) -> Int {
        guard let entry = fields[key], let raw = text(entry) else { return value }
        switch DurationText.seconds(raw) {
        case .success(let seconds): return seconds
        case .failure(let problem):
            report(entry.line, entry.path, problem.message)
            return value
        }
    }

    /// One of an enum's raw values, case-sensitive as documented; reports the
    /// allowed values otherwise.
    func choice<E: RawRepresentable & CaseIterable>(_ entry: ConfigEntry, _ type: E.Type) -> E? where E.RawValue == String {
        guard let raw = text(entry) else { return nil }
        let written = raw.trimmingCharacters(in: .whitespaces)
        if let value = E(rawValue: written) { return value }
        let allowed = E.allCases.map(\.rawValue)
        report(entry.line, entry.path, "must be \(Self.alternatives(allowed)), not '\(Self.shown(written))'")
        return nil
    }

    /// `choice` of a required key; reports it missing at the mapping's line.
    func requiredChoice<E: RawRepresentable & CaseIterable>(_ fields: ConfigFields, _ key: String, _ type: E.Type, hint: String) -> E?
    where E.RawValue == String {
        guard let entry = fields[key] else {
            missing(fields, key, hint: hint)
            return nil
        }
        return choice(entry, type)
    }

    /// A list of non-empty texts with the line and path of each item.
    func textList(_ entry: ConfigEntry) -> [(text: String, path: String, line: Int)]? {
        guard let items = items(entry) else { return nil }
        var result: [(text: String, path: String, line: Int)] = []
        var ok = true
        for item in items {
            guard let raw = text(item.node, path: item.path, line: item.line) else {
                ok = false
                continue
            }
            let value = raw.trimmingCharacters(in: .whitespaces)
            if value.isEmpty {
                report(item.line, item.path, "must not be empty")
                ok = false
                continue
            }
            result.append((value, item.path, item.line))
        }
        return ok ? result : nil
    }
}
