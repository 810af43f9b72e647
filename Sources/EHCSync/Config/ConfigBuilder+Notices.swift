import EHCCore
import Foundation

/// `notices:` (SPEC §5). Recipient names written here must be defined under
/// `recipients:`; names that come only from the defaults are dropped when not
/// defined, so a config with no recipients at all is valid and simply sends nothing.
extension ConfigBuilder {
    static let noticeKeys = ["due_soon_days", "reminders_before_due_days", "escalations", "conflicts_to",
                             "disputes_to", "digest", "include_identifiers", "service_names"]

    /// The notices section, with defaults for everything not written.
    func notices(_ top: ConfigFields, recipientNames: [String]) -> NoticesConfig? {
        let defaults = NoticesConfig()
        let defined = Set(recipientNames)
        func keepDefined(_ names: [String]) -> [String] { names.filter(defined.contains) }
        let fallback = NoticesConfig(
            dueSoonDays: defaults.dueSoonDays, remindersBeforeDueDays: defaults.remindersBeforeDueDays,
            escalations: defaults.escalations.map { EscalationStep(afterDueDays: $0.afterDueDays, level: $0.level, to: keepDefined($0.to)) },
            conflictsTo: keepDefined(defaults.conflictsTo), disputesTo: keepDefined(defaults.disputesTo),
            digest: DigestConfig(hour: defaults.digest.hour, minute: defaults.digest.minute,
                                 weekdaysOnly: defaults.digest.weekdaysOnly, to: keepDefined(defaults.digest.to)),
            includeIdentifiers: defaults.includeIdentifiers
        )
        guard let entry = top["notices"] else { return fallback }
        guard let fields = reader.fields(entry, allowed: Self.noticeKeys) else { return nil }
        var notices = fallback
        var complete = true
        notices.dueSoonDays = reader.int(fields, "due_soon_days", default: defaults.dueSoonDays, minimum: 0, maximum: 366)
        if let remindersEntry = fields["reminders_before_due_days"] {
            if let days = reminders(remindersEntry) { notices.remindersBeforeDueDays = days } else { complete = false }
        }
        if let escalationsEntry = fields["escalations"] {
            if let steps = escalations(escalationsEntry, defined: recipientNames) { notices.escalations = steps } else { complete = false }
        }
        for (key, keyPath) in [("conflicts_to", \NoticesConfig.conflictsTo), ("disputes_to", \NoticesConfig.disputesTo)] {
            guard let listEntry = fields[key] else { continue }
            if let names = recipientReferences(listEntry, defined: recipientNames) { notices[keyPath: keyPath] = names } else { complete = false }
        }
        if let digestEntry = fields["digest"] {
            if let digest = digest(digestEntry, fallback: fallback.digest, defined: recipientNames) { notices.digest = digest } else { complete = false }
        }
        notices.includeIdentifiers = reader.bool(fields, "include_identifiers", default: defaults.includeIdentifiers)
        if let namesEntry = fields["service_names"] {
            if let names = serviceNames(namesEntry) { notices.serviceNames = names } else { complete = false }
        }
        return complete ? notices : nil
    }

    /// `service_names: { salt: "Speech and language therapy (0-19)" }`: a canonical
    /// service code (SPEC §3) to the name people read.
    func serviceNames(_ entry: ConfigEntry) -> [String: String]? {
        guard let map = reader.fields(entry, allowed: Service.allCases.map(\.rawValue), repeatWord: "service") else { return nil }
        var names: [String: String] = [:]
        var complete = true
        for item in map.entries {
            guard let text = reader.text(item) else {
                complete = false
                continue
            }
            if let problem = Self.displayNameProblem(text) {
                reader.report(item.line, item.path, problem)
                complete = false
                continue
            }
            names[item.name] = text.trimmingCharacters(in: .whitespaces)
        }
        return complete ? names : nil
    }

    /// `reminders_before_due_days`: whole days, each once.
    func reminders(_ entry: ConfigEntry) -> [Int]? {
        guard let items = reader.items(entry) else { return nil }
        var days: [Int] = []
        var complete = true
        for item in items {
            guard let day = reader.int(item.node, path: item.path, line: item.line, minimum: 0, maximum: 366) else {
                complete = false
                continue
            }
            if days.contains(day) {
                reader.report(item.line, item.path, "\(day) is listed twice")
                complete = false
                continue
            }
            days.append(day)
        }
        return complete ? days : nil
    }

    /// `escalations`: a list of `{after_due_days, level, to}`.
    func escalations(_ entry: ConfigEntry, defined: [String]) -> [EscalationStep]? {
        guard let items = reader.items(entry) else { return nil }
        var steps: [EscalationStep] = []
        var complete = true
        for item in items {
            guard let fields = reader.fields(item.node, path: item.path, line: item.line, allowed: ["after_due_days", "level", "to"]) else {
                complete = false
                continue
            }
            let after = fields["after_due_days"].flatMap { reader.int($0, minimum: 0, maximum: 3660) }
            let level = fields["level"].flatMap { reader.int($0, minimum: 1, maximum: 99) }
            let to = fields["to"].flatMap { recipientReferences($0, defined: defined) }
            if fields["after_due_days"] == nil { reader.missing(fields, "after_due_days", hint: "write how many days overdue, e.g. 1") }
            if fields["level"] == nil { reader.missing(fields, "level", hint: "write the escalation level, e.g. 1") }
            if fields["to"] == nil { reader.missing(fields, "to", hint: "write the recipients, e.g. [dco]") }
            guard let after, let level, let to else {
                complete = false
                continue
            }
            steps.append(EscalationStep(afterDueDays: after, level: level, to: to))
        }
        return complete ? steps : nil
    }

    /// `digest: {at, weekdays_only, to}`.
    func digest(_ entry: ConfigEntry, fallback: DigestConfig, defined: [String]) -> DigestConfig? {
        guard let fields = reader.fields(entry, allowed: ["at", "weekdays_only", "to"]) else { return nil }
        var digest = fallback
        var complete = true
        if let atEntry = fields["at"] {
            if let written = reader.text(atEntry), let time = Self.clockTime(written) {
                (digest.hour, digest.minute) = time
            } else {
                if let written = reader.text(atEntry) {
                    reader.report(atEntry.line, atEntry.path,
                                  "must be a 24-hour time written \"HH:MM\" (quoted), e.g. \"07:30\", not '\(ConfigReader.shown(written))'")
                }
                complete = false
            }
        }
        digest.weekdaysOnly = reader.bool(fields, "weekdays_only", default: fallback.weekdaysOnly)
        if let toEntry = fields["to"] {
            if let names = recipientReferences(toEntry, defined: defined) { digest.to = names } else { complete = false }
        }
        return complete ? digest : nil
    }

    /// `HH:MM` (or `H:MM`), 24-hour.
    static func clockTime(_ text: String) -> (hour: Int, minute: Int)? {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let hour = Int(parts[0]), let minute = Int(parts[1]), (0...23).contains(hour), (0...59).contains(minute)
        else { return nil }
        return (hour, minute)
    }

    /// A list of recipient names, each defined under `recipients:` (repeats are
    /// dropped: sending one person the same notice twice helps nobody).
    func recipientReferences(_ entry: ConfigEntry, defined: [String]) -> [String]? {
        guard let items = reader.textList(entry) else { return nil }
        var names: [String] = []
        var complete = true
        for item in items {
            guard defined.contains(item.text) else {
                reader.report(item.line, item.path, Self.unknownReference("recipient", item.text, defined: defined, section: "recipients"))
                complete = false
                continue
            }
            if !names.contains(item.text) { names.append(item.text) }
        }
        return complete ? names : nil
    }

    /// "unknown recipient 'x'", with a suggestion or the names that exist.
    static func unknownReference(_ what: String, _ name: String, defined: [String], section: String) -> String {
        var message = "unknown \(what) '\(ConfigReader.shown(name))'"
        if let suggestion = KeySuggestion.nearest(to: name, among: defined) {
            message += ": did you mean '\(suggestion)'?"
        } else if defined.isEmpty {
            message += ": no \(what)s are defined; add it under \(section):"
        } else {
            message += ": define it under \(section): (defined: \(defined.joined(separator: ", ")))"
        }
        return message
    }
}
