import Foundation

/// `channels:` — how notices leave (SPEC §6). Exactly one kind key per channel.
extension ConfigBuilder {
    static let channelKinds = ["email_file", "smtp", "webhook"]

    /// Every channel name written (valid or not) and, when all are valid, the
    /// channels in file order.
    func channels(_ top: ConfigFields) -> (configs: [ChannelConfig]?, names: [String]) {
        guard let entry = top["channels"] else { return ([], []) }
        guard let map = reader.fields(entry, allowed: nil, repeatWord: "channel") else { return (nil, []) }
        var channels: [ChannelConfig] = []
        var complete = true
        for item in map.entries {
            if let channel = channel(item) {
                channels.append(channel)
            } else {
                complete = false
            }
        }
        return (complete ? channels : nil, map.entries.map(\.name))
    }

    /// One channel: `name: { email_file | smtp | webhook: {...} }`.
    func channel(_ entry: ConfigEntry) -> ChannelConfig? {
        var validName = true
        if !Self.isValidName(entry.name) {
            reader.report(entry.keyLine, entry.path,
                          "'\(ConfigReader.shown(entry.name))' is not a valid channel name: use 1-64 lower-case letters, digits and hyphens")
            validName = false
        }
        guard let fields = reader.fields(entry, allowed: Self.channelKinds) else { return nil }
        guard let kindEntry = fields.entries.first else {
            reader.report(entry.keyLine, entry.path, "required key is missing: write one of email_file:, smtp: or webhook:")
            return nil
        }
        if fields.entries.count > 1 {
            for extra in fields.entries.dropFirst() {
                reader.report(extra.keyLine, extra.path, "a channel has one kind: write a separate channel for \(extra.name)")
            }
            return nil
        }
        let kind: ChannelKind?
        switch kindEntry.name {
        case "email_file": kind = emailFile(kindEntry)
        case "smtp": kind = smtp(kindEntry)
        default: kind = webhook(kindEntry)
        }
        guard let kind, validName else { return nil }
        return ChannelConfig(name: entry.name, kind: kind, line: entry.keyLine)
    }

    /// `email_file: {dir, from, to}`.
    func emailFile(_ entry: ConfigEntry) -> ChannelKind? {
        guard let fields = reader.fields(entry, allowed: ["dir", "from", "to"]) else { return nil }
        var dir: String?
        if let dirEntry = fields["dir"] {
            dir = plainPath(dirEntry)
        } else {
            reader.missing(fields, "dir", hint: "write the directory the .eml files are written to")
        }
        let from = fromAddress(fields)
        let to = toAddresses(fields)
        guard let dir, let from, let to else { return nil }
        return .emailFile(dir: dir, from: from, to: to)
    }

    /// `smtp: {url, username, password_file, ca_file, from, to, timeout_seconds}`.
    func smtp(_ entry: ConfigEntry) -> ChannelKind? {
        let allowed = ["url", "username", "password_file", "ca_file", "from", "to", "timeout_seconds"]
        guard let fields = reader.fields(entry, allowed: allowed) else { return nil }
        var url = reader.requiredText(fields, "url", hint: "write the relay's address, e.g. smtp://mail.example.nhs.uk:587")
        if let written = url, let urlEntry = fields["url"], let problem = EndpointRule.smtpProblem(written) {
            reader.report(urlEntry.line, urlEntry.path, problem)
            url = nil
        }
        let username = fields["username"] == nil ? nil : reader.nonEmptyText(fields, "username")
        let passwordFile = fields["password_file"].flatMap(secretPath)
        if let passwordEntry = fields["password_file"], fields["username"] == nil {
            reader.report(passwordEntry.keyLine, passwordEntry.path, "a password needs a username: add username:")
        }
        let caFile = fields["ca_file"].flatMap(secretPath)
        let from = fromAddress(fields)
        let to = toAddresses(fields)
        let timeout = reader.int(fields, "timeout_seconds", default: 30, minimum: 1, maximum: 3600)
        guard let url, let from, let to else { return nil }
        return .smtp(url: url, username: username, passwordFile: passwordFile, caFile: caFile,
                     from: from, to: to, timeoutSeconds: timeout)
    }

    /// `webhook: {url, secret_file, max_retry_hours, allow_insecure_http, ca_file, timeout_seconds}`.
    func webhook(_ entry: ConfigEntry) -> ChannelKind? {
        let allowed = ["url", "secret_file", "max_retry_hours", "allow_insecure_http", "ca_file", "timeout_seconds"]
        guard let fields = reader.fields(entry, allowed: allowed) else { return nil }
        let insecure = reader.bool(fields, "allow_insecure_http", default: false)
        let url = checkedURL(fields, insecure: insecure)
        var secretFile: String?
        if let secretEntry = fields["secret_file"] {
            secretFile = secretPath(secretEntry)
        } else {
            reader.missing(fields, "secret_file", hint: "write the path of the file holding the signing secret")
        }
        let retry = reader.int(fields, "max_retry_hours", default: 24, minimum: 0, maximum: 24 * 31)
        let caFile = fields["ca_file"].flatMap(secretPath)
        let timeout = reader.int(fields, "timeout_seconds", default: 30, minimum: 1, maximum: 3600)
        guard let url, let secretFile else { return nil }
        return .webhook(url: url, secretFile: secretFile, maxRetryHours: retry, allowInsecureHTTP: insecure,
                        caFile: caFile, timeoutSeconds: timeout)
    }

    /// A required `from` address.
    func fromAddress(_ fields: ConfigFields) -> String? {
        guard let from = reader.requiredText(fields, "from", hint: "write the sender, e.g. \"EHC Sync <ehcsync@example.nhs.uk>\""),
              let entry = fields["from"] else { return nil }
        guard MailAddressRule.isValid(from) else {
            reader.report(entry.line, entry.path, "'\(ConfigReader.shown(from))' is not an email address: " + MailAddressRule.forms)
            return nil
        }
        return from
    }

    /// A required, non-empty `to` list of addresses.
    func toAddresses(_ fields: ConfigFields) -> [String]? {
        guard let entry = fields["to"] else {
            reader.missing(fields, "to", hint: "list at least one address, e.g. [dco@example.nhs.uk]")
            return nil
        }
        guard let items = reader.textList(entry) else { return nil }
        if items.isEmpty {
            reader.report(entry.line, entry.path, "must list at least one address")
            return nil
        }
        var complete = true
        for item in items where !MailAddressRule.isValid(item.text) {
            reader.report(item.line, item.path, "'\(ConfigReader.shown(item.text))' is not an email address: " + MailAddressRule.forms)
            complete = false
        }
        return complete ? items.map(\.text) : nil
    }
}
