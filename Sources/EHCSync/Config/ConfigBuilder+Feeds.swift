import EHCCore
import Foundation
import Yams

/// `feeds:` — each feed's identity, transport and defaults. The csv/json/xlsx mapping
/// block is in `ConfigBuilder+FieldMapping.swift`.
extension ConfigBuilder {
    static let feedKeys = ["name", "role", "every", "defaults", "folder", "http", "format", "csv", "json", "xlsx"]

    /// All feeds, or `nil` when any feed has an issue (all are still checked).
    func feeds(_ top: ConfigFields) -> [FeedConfig]? {
        guard let entry = top["feeds"] else {
            reader.missing(top, "feeds", hint: "list at least one feed (where records come from)")
            return nil
        }
        guard let items = reader.items(entry) else { return nil }
        if items.isEmpty {
            reader.report(entry.line, entry.path, "must list at least one feed")
            return nil
        }
        var feeds: [FeedConfig] = []
        var complete = true
        var seen: [String: Int] = [:]
        for item in items {
            guard let fields = reader.fields(item.node, path: item.path, line: item.line, allowed: Self.feedKeys) else {
                complete = false
                continue
            }
            if let nameEntry = fields["name"], let name = reader.text(nameEntry)?.trimmingCharacters(in: .whitespaces) {
                if let first = seen[name] {
                    reader.report(nameEntry.line, nameEntry.path,
                                  "feed name '\(ConfigReader.shown(name))' is used twice (first at line \(first)): names must be unique")
                } else {
                    seen[name] = nameEntry.line
                }
            }
            if let feed = feed(fields, line: item.line) {
                feeds.append(feed)
            } else {
                complete = false
            }
        }
        return complete ? feeds : nil
    }

    /// One feed.
    func feed(_ fields: ConfigFields, line: Int) -> FeedConfig? {
        let name = feedName(fields)
        let role = reader.requiredChoice(fields, "role", Role.self, hint: "write role: la or role: provider")
        let every = reader.duration(fields, "every", default: 300)
        let format = reader.requiredChoice(fields, "format", FeedFormat.self, hint: "write format: csv, json, ndjson or xlsx")
        let defaults = feedDefaults(fields, role: role)
        let transport = transport(fields, format: format)
        let mapping = fieldMapping(fields, format: format, role: role)
        guard let name, let role, let format, let defaults, let transport, let mapping else { return nil }
        return FeedConfig(name: name, role: role, everySeconds: every, defaults: defaults,
                          transport: transport, format: format, mapping: mapping, line: line)
    }

    /// `name`: required, `[a-z0-9-]+`, 1–64 characters.
    func feedName(_ fields: ConfigFields) -> String? {
        guard let name = reader.requiredText(fields, "name", hint: "give the feed a name such as la-cases") else { return nil }
        if !Self.isValidName(name), let entry = fields["name"] {
            reader.report(entry.line, entry.path,
                          "'\(ConfigReader.shown(name))' is not a valid name: use 1-64 lower-case letters, digits and hyphens")
            return nil
        }
        return name
    }

    /// `defaults`: canonical field → value for fields the feed does not carry.
    func feedDefaults(_ fields: ConfigFields, role: Role?) -> [CanonicalField: String]? {
        guard let entry = fields["defaults"] else { return [:] }
        guard let map = reader.fields(entry, allowed: nil) else { return nil }
        var defaults: [CanonicalField: String] = [:]
        var complete = true
        for item in map.entries {
            guard let field = canonicalField(item), let value = reader.text(item) else {
                complete = false
                continue
            }
            if field == .request_id {
                reader.report(item.keyLine, item.path, "request_id cannot have a default: it identifies each record")
                complete = false
                continue
            }
            if let problem = Self.valueProblem(field, value, role: role) {
                reader.report(item.line, item.path, problem)
                complete = false
                continue
            }
            defaults[field] = value
        }
        return complete ? defaults : nil
    }

    /// Exactly one of `folder:` and `http:`.
    func transport(_ fields: ConfigFields, format: FeedFormat?) -> FeedTransport? {
        switch (fields["folder"], fields["http"]) {
        case (nil, nil):
            reader.report(fields.line, fields.path,
                          "required key is missing: write folder: (a drop folder) or http: (an endpoint), where the records come from")
            return nil
        case let (folder?, http?):
            let later = folder.keyLine > http.keyLine ? folder : http
            reader.report(later.keyLine, later.path, "a feed has one transport: write folder: or http:, not both")
            return nil
        case let (folder?, nil):
            return folderFeed(folder, format: format).map(FeedTransport.folder)
        case let (nil, http?):
            if format == .xlsx {
                reader.report(http.keyLine, http.path,
                              "format: xlsx is read from drop folders only: write folder: (an endpoint serves json, ndjson or csv)")
                return nil
            }
            return httpFeed(http).map(FeedTransport.http)
        }
    }

    /// `folder:` (SPEC §7).
    func folderFeed(_ entry: ConfigEntry, format: FeedFormat?) -> FolderFeedConfig? {
        guard let fields = reader.fields(entry, allowed: ["path", "pattern", "ready", "settle_seconds"]) else { return nil }
        var path: String?
        if let pathEntry = fields["path"] {
            path = plainPath(pathEntry)
        } else {
            reader.missing(fields, "path", hint: "write the directory the files are dropped into")
        }
        var pattern = format.map { "*." + $0.fileExtension } ?? "*"
        var patternOK = true
        if let patternEntry = fields["pattern"] {
            if let written = reader.nonEmptyText(fields, "pattern") {
                if written.contains("/") {
                    reader.report(patternEntry.line, patternEntry.path, "is a file name pattern such as *.csv; put the directory in path:")
                    patternOK = false
                } else {
                    pattern = written
                }
            } else {
                patternOK = false
            }
        }
        let ready = fields["ready"] == nil ? .stable : reader.requiredChoice(fields, "ready", ReadyRule.self, hint: "")
        let settle = reader.int(fields, "settle_seconds", default: 10, minimum: 0, maximum: 86_400)
        guard let path, let ready, patternOK else { return nil }
        return FolderFeedConfig(path: path, pattern: pattern, ready: ready, settleSeconds: settle)
    }

    /// `http:` (SPEC §7).
    func httpFeed(_ entry: ConfigEntry) -> HTTPFeedConfig? {
        let allowed = ["url", "since_param", "auth", "ca_file", "timeout_seconds", "max_bytes",
                       "allow_insecure_http", "pinned_public_key"]
        guard let fields = reader.fields(entry, allowed: allowed) else { return nil }
        let insecure = reader.bool(fields, "allow_insecure_http", default: false)
        let url = checkedURL(fields, insecure: insecure)
        var sinceParam: String?
        if let sinceEntry = fields["since_param"], let written = reader.nonEmptyText(fields, "since_param") {
            if written.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.~".contains($0)) }) {
                sinceParam = written
            } else {
                reader.report(sinceEntry.line, sinceEntry.path, "must be a query parameter name: letters, digits, - _ . ~")
            }
        }
        let auth = httpAuth(fields)
        let caFile = fields["ca_file"].flatMap(secretPath)
        let timeout = reader.int(fields, "timeout_seconds", default: 30, minimum: 1, maximum: 3600)
        let maxBytes = byteSize(fields, "max_bytes", default: 50_000_000)
        let pin = pinnedPublicKey(fields)
        guard let url, let auth else { return nil }
        return HTTPFeedConfig(url: url, sinceParam: sinceParam, auth: auth, caFile: caFile, timeoutSeconds: timeout,
                              maxBytes: maxBytes, allowInsecureHTTP: insecure, pinnedPublicKey: pin)
    }

    /// A size such as `50MB` (`ByteSizeText`), or `defaultBytes` when not written or
    /// wrong (a wrong one is reported).
    func byteSize(_ fields: ConfigFields, _ key: String, default defaultBytes: Int) -> Int {
        guard let sizeEntry = fields[key], let written = reader.text(sizeEntry) else { return defaultBytes }
        switch ByteSizeText.bytes(written) {
        case .success(let bytes): return bytes
        case .failure(let problem):
            reader.report(sizeEntry.line, sizeEntry.path, problem.message)
            return defaultBytes
        }
    }

    /// A required `url` for HTTP(S), checked by `EndpointRule`.
    func checkedURL(_ fields: ConfigFields, insecure: Bool) -> String? {
        guard let url = reader.requiredText(fields, "url", hint: "write the endpoint's https:// address") else { return nil }
        if let problem = EndpointRule.httpProblem(url, allowInsecureHTTP: insecure), let entry = fields["url"] {
            reader.report(entry.line, entry.path, problem)
            return nil
        }
        return url
    }

    /// `auth:` — at most one method; every secret is a `*_file` path.
    func httpAuth(_ fields: ConfigFields) -> HTTPAuth? {
        guard let entry = fields["auth"] else { return HTTPAuth.none }
        guard let auth = reader.fields(entry, allowed: ["bearer_token_file", "basic", "client_cert", "client_key"]) else { return nil }
        let methods = [auth["bearer_token_file"], auth["basic"], auth["client_cert"] ?? auth["client_key"]].compactMap { $0 }
        if methods.count > 1, let later = methods.max(by: { $0.keyLine < $1.keyLine }) {
            reader.report(later.keyLine, later.path, "use one auth method: bearer_token_file, basic, or client_cert with client_key")
            return nil
        }
        if let bearer = auth["bearer_token_file"] {
            return secretPath(bearer).map { HTTPAuth.bearer(tokenFile: $0) }
        }
        if let basicEntry = auth["basic"] {
            guard let basic = reader.fields(basicEntry, allowed: ["user", "password_file"]) else { return nil }
            let user = reader.requiredText(basic, "user", hint: "write the user name")
            var password: String?
            if let passwordEntry = basic["password_file"] {
                password = secretPath(passwordEntry)
            } else {
                reader.missing(basic, "password_file", hint: "write the path of the file holding the password")
            }
            guard let user, let password else { return nil }
            return .basic(user: user, passwordFile: password)
        }
        if auth["client_cert"] != nil || auth["client_key"] != nil {
            // The key is a secret, so both follow the *_file rule: relative means $CREDENTIALS_DIRECTORY.
            let cert = auth["client_cert"].flatMap(secretPath)
            let key = auth["client_key"].flatMap(secretPath)
            if auth["client_cert"] == nil { reader.missing(auth, "client_cert", hint: "client_key needs client_cert (the PEM certificate)") }
            if auth["client_key"] == nil { reader.missing(auth, "client_key", hint: "client_cert needs client_key (the PEM private key)") }
            guard let cert, let key else { return nil }
            return .clientCertificate(certFile: cert, keyFile: key)
        }
        return HTTPAuth.none
    }

    /// `pinned_public_key`: libcurl's `sha256//BASE64[;sha256//BASE64…]`.
    func pinnedPublicKey(_ fields: ConfigFields) -> String? {
        guard let entry = fields["pinned_public_key"], let written = reader.nonEmptyText(fields, "pinned_public_key") else { return nil }
        let pins = written.split(separator: ";", omittingEmptySubsequences: false)
        let valid = pins.allSatisfy { pin in
            guard pin.hasPrefix("sha256//"), let digest = Data(base64Encoded: String(pin.dropFirst(8))) else { return false }
            return digest.count == 32
        }
        guard valid else {
            reader.report(entry.line, entry.path,
                          "must be sha256// followed by the base64 SHA-256 of the server's public key (as curl --pinnedpubkey takes it); separate several with ;")
            return nil
        }
        return written
    }
}
