import EHCCore
import Foundation

/// `recipients:` — named audiences, each with a `for:` match and channels.
extension ConfigBuilder {
    /// Every recipient name written (valid or not, so that references to a
    /// recipient with its own issue are not reported twice) and, when all are
    /// valid, the recipients in file order.
    func recipients(_ top: ConfigFields, channelNames: [String]) -> (configs: [RecipientConfig]?, names: [String]) {
        guard let entry = top["recipients"] else { return ([], []) }
        guard let map = reader.fields(entry, allowed: nil, repeatWord: "recipient") else { return (nil, []) }
        var recipients: [RecipientConfig] = []
        var complete = true
        for item in map.entries {
            if let recipient = recipient(item, channelNames: channelNames) {
                recipients.append(recipient)
            } else {
                complete = false
            }
        }
        return (complete ? recipients : nil, map.entries.map(\.name))
    }

    /// One recipient: `name: { for: {...}, channels: [...] }`.
    func recipient(_ entry: ConfigEntry, channelNames: [String]) -> RecipientConfig? {
        var complete = true
        if !Self.isValidName(entry.name) {
            reader.report(entry.keyLine, entry.path,
                          "'\(ConfigReader.shown(entry.name))' is not a valid recipient name: use 1-64 lower-case letters, digits and hyphens")
            complete = false
        }
        guard let fields = reader.fields(entry, allowed: ["name", "for", "channels"]) else { return nil }
        var displayName: String?
        if let nameEntry = fields["name"] {
            if let text = reader.text(nameEntry), let problem = Self.displayNameProblem(text) {
                reader.report(nameEntry.line, nameEntry.path, problem)
                complete = false
            } else if let text = reader.text(nameEntry) {
                displayName = text.trimmingCharacters(in: .whitespaces)
            } else {
                complete = false
            }
        }
        var match: [CanonicalField: String] = [:]
        if let forEntry = fields["for"] {
            if let written = recipientMatch(forEntry) { match = written } else { complete = false }
        }
        var channels: [String] = []
        if let channelsEntry = fields["channels"] {
            if let items = reader.textList(channelsEntry) {
                if items.isEmpty {
                    reader.report(channelsEntry.line, channelsEntry.path, "must list at least one channel")
                    complete = false
                }
                for item in items {
                    if !channelNames.contains(item.text) {
                        reader.report(item.line, item.path,
                                      Self.unknownReference("channel", item.text, defined: channelNames, section: "channels"))
                        complete = false
                    } else if !channels.contains(item.text) {
                        channels.append(item.text)
                    }
                }
            } else {
                complete = false
            }
        } else {
            reader.missing(fields, "channels", hint: "list the channels that reach this recipient, e.g. [dco-mail]")
            complete = false
        }
        return complete ? RecipientConfig(name: entry.name, match: match, channels: channels, displayName: displayName,
                                              line: entry.keyLine) : nil
    }

    /// Why a recipient's `name:` or a service's name cannot be shown, or `nil`: it must
    /// be one line of 1-100 characters, since it heads a message.
    static func displayNameProblem(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return "must not be empty: write the name people read, e.g. \"Dr A Patel, DCO\"" }
        if trimmed.contains(where: { $0.isNewline || ($0.unicodeScalars.first.map { $0.value < 0x20 } ?? false) }) {
            return "must be one line without control characters"
        }
        if trimmed.count > 100 { return "is \(trimmed.count) characters long: at most 100" }
        return nil
    }

    /// `for:` — canonical field → value. Personal fields are refused: a config file
    /// is no place for a child's identifiers.
    func recipientMatch(_ entry: ConfigEntry) -> [CanonicalField: String]? {
        guard let map = reader.fields(entry, allowed: nil) else { return nil }
        var match: [CanonicalField: String] = [:]
        var complete = true
        for item in map.entries {
            guard let field = canonicalField(item), let value = reader.text(item) else {
                complete = false
                continue
            }
            if field.isPersonal {
                reader.report(item.keyLine, item.path, "recipients cannot be chosen by \(field.rawValue): it identifies a child")
                complete = false
                continue
            }
            if let problem = Self.valueProblem(field, value, role: nil) {
                reader.report(item.line, item.path, problem)
                complete = false
                continue
            }
            match[field] = value
        }
        return complete ? match : nil
    }
}
