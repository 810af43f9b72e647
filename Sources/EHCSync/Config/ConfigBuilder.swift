import EHCCore
import Foundation
import Yams

/// Builds an `AppConfig` from a composed YAML tree, section by section, reporting
/// every issue through its `ConfigReader` instead of stopping at the first. It
/// returns a config only when every part could be built; the loader still treats
/// any reported issue as failure.
struct ConfigBuilder {
    let reader: ConfigReader
    /// Directory of the config file: where relative paths other than secrets start.
    let baseDirectory: String
    /// The process's working directory, for the `./ehcsync.sqlite` fallback.
    let currentDirectory: String
    let environment: [String: String]

    /// The top-level sections of SPEC §8 and the service's two keys (`log_level`,
    /// `metrics_file`, which §8 leaves open), in the order the example file writes them.
    static let sections = ["store", "timezone", "stale_after", "log_level", "metrics_file", "rules", "feeds", "notices", "recipients", "channels"]

    /// Names of feeds, recipients and channels: lower-case letters, digits, hyphens.
    static func isValidName(_ name: String) -> Bool {
        (1...64).contains(name.count) && name.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" }
    }

    /// The whole config, or `nil` when some part could not be built.
    func build(_ root: Node) -> AppConfig? {
        guard case .mapping = root else {
            reader.report(ConfigReader.line(of: root) ?? 1, "",
                          "the file must be a mapping of sections (feeds:, notices:, recipients:, channels:, …), not \(ConfigReader.kindWord(root))")
            return nil
        }
        guard let top = reader.fields(root, path: "", line: 1, allowed: Self.sections) else { return nil }
        let storePath = storePath(top)
        let timeZone = timeZone(top)
        let staleAfter = reader.duration(top, "stale_after", default: 2 * 86_400)
        let rules = rules(top)
        let feeds = feeds(top)
        let channels = channels(top)
        let recipients = recipients(top, channelNames: channels.names)
        let notices = notices(top, recipientNames: recipients.names)
        let service = serviceKeys(top)
        guard let storePath, let timeZone, let rules, let feeds, let notices,
              let recipientConfigs = recipients.configs, let channelConfigs = channels.configs, let service
        else { return nil }
        return AppConfig(
            file: reader.file, storePath: storePath, timeZoneIdentifier: timeZone,
            staleAfterSeconds: staleAfter, rules: rules, feeds: feeds, notices: notices,
            recipients: recipientConfigs, channels: channelConfigs,
            presentSections: Dictionary(top.entries.map { ($0.name, $0.keyLine) }, uniquingKeysWith: { a, _ in a }),
            logLevel: service.logLevel, metricsFile: service.metricsFile
        )
    }

    // MARK: Scalars of the top level

    /// `store`, else `$STATE_DIRECTORY/ehcsync.sqlite` (first of a `:` list, as
    /// systemd sets it for several `StateDirectory=`), else `./ehcsync.sqlite`.
    func storePath(_ top: ConfigFields) -> String? {
        if let entry = top["store"] {
            return plainPath(entry)
        }
        let stateDirectory = environment["STATE_DIRECTORY"]?
            .split(separator: ":", omittingEmptySubsequences: true).first.map(String.init)
        let directory = stateDirectory.map { PathResolver.resolve($0, against: currentDirectory) } ?? currentDirectory
        return PathResolver.resolve("ehcsync.sqlite", against: directory)
    }

    /// An IANA zone Foundation knows; default `Europe/London`.
    func timeZone(_ top: ConfigFields) -> String? {
        guard let entry = top["timezone"] else { return "Europe/London" }
        guard let name = reader.nonEmptyText(top, "timezone") else { return nil }
        guard TimeZone(identifier: name) != nil else {
            reader.report(entry.line, entry.path,
                          "'\(ConfigReader.shown(name))' is not a known time zone: write an IANA name such as Europe/London")
            return nil
        }
        return name
    }

    /// `rules:`; every key optional.
    func rules(_ top: ConfigFields) -> Rules? {
        let defaults = Rules()
        guard let entry = top["rules"] else { return defaults }
        let allowed = ["advice_weeks", "delivery_grace_days", "amendment_days", "due_date_tolerance_days"]
        guard let fields = reader.fields(entry, allowed: allowed) else { return nil }
        return Rules(
            adviceWeeks: reader.int(fields, "advice_weeks", default: defaults.adviceWeeks, minimum: 1, maximum: 52),
            deliveryGraceDays: reader.int(fields, "delivery_grace_days", default: defaults.deliveryGraceDays, minimum: 0, maximum: 366),
            amendmentDays: reader.int(fields, "amendment_days", default: defaults.amendmentDays, minimum: 0, maximum: 366),
            dueDateToleranceDays: reader.int(fields, "due_date_tolerance_days", default: defaults.dueDateToleranceDays, minimum: 0, maximum: 366)
        )
    }

    // MARK: Paths

    /// A non-secret path (store, folder, outbox): relative ones start at the config
    /// file's directory, so a config and its data can move together.
    func plainPath(_ entry: ConfigEntry) -> String? {
        guard let raw = reader.text(entry) else { return nil }
        let path = raw.trimmingCharacters(in: .whitespaces)
        if path.isEmpty {
            reader.report(entry.line, entry.path, "must not be empty")
            return nil
        }
        if path.hasPrefix("~") {
            reader.report(entry.line, entry.path, "'~' is not expanded: write an absolute path")
            return nil
        }
        return PathResolver.resolve(path, against: baseDirectory)
    }

    /// A `*_file` secret path: absolute as written, or a name under
    /// `$CREDENTIALS_DIRECTORY` (systemd `LoadCredential=`). Never read here.
    func secretPath(_ entry: ConfigEntry) -> String? {
        guard let raw = reader.text(entry) else { return nil }
        let path = raw.trimmingCharacters(in: .whitespaces)
        if path.isEmpty {
            reader.report(entry.line, entry.path, "must not be empty: write the path of the file holding the secret")
            return nil
        }
        if path.hasPrefix("/") { return PathResolver.resolve(path, against: "/") }
        if path.hasPrefix("~") {
            reader.report(entry.line, entry.path, "'~' is not expanded: write an absolute path")
            return nil
        }
        guard let directory = environment["CREDENTIALS_DIRECTORY"], !directory.isEmpty else {
            reader.report(entry.line, entry.path,
                          "relative secret path needs $CREDENTIALS_DIRECTORY (systemd LoadCredential=), or write an absolute path")
            return nil
        }
        if path.split(separator: "/").contains("..") {
            reader.report(entry.line, entry.path, "must stay inside $CREDENTIALS_DIRECTORY (no '..'), or write an absolute path")
            return nil
        }
        return PathResolver.resolve(path, against: PathResolver.resolve(directory, against: currentDirectory))
    }

    // MARK: Canonical values

    /// What is wrong with `value` for `field`, or `nil`. Closed-set fields are
    /// checked against EHCCore's enums (and a status against the feed's side when
    /// `role` is known); dates must be ISO.
    static func valueProblem(_ field: CanonicalField, _ value: String, role: Role?) -> String? {
        func oneOf(_ allowed: [String]) -> String? {
            allowed.contains(value) ? nil
                : "'\(ConfigReader.shown(value))' is not a \(field.rawValue): write \(ConfigReader.alternatives(allowed))"
        }
        switch field.kind {
        case .service: return oneOf(Service.allCases.map(\.rawValue))
        case .exception: return oneOf(AdviceException.allCases.map(\.rawValue))
        case .dispute: return oneOf(DisputeState.allCases.map(\.rawValue))
        case .status:
            let la = LAStatus.allCases.map(\.rawValue), provider = ProviderStatus.allCases.map(\.rawValue)
            switch role {
            case .la?:
                if provider.contains(value) {
                    return "'\(value)' is a provider status; an la feed may send \(ConfigReader.alternatives(la))"
                }
                return oneOf(la)
            case .provider?:
                if la.contains(value) {
                    return "'\(value)' is an la status; a provider feed may send \(ConfigReader.alternatives(provider))"
                }
                return oneOf(provider)
            case nil:
                return oneOf(la + provider)
            }
        case .date:
            return CivilDate(iso: value) == nil ? "'\(ConfigReader.shown(value))' is not a date: write YYYY-MM-DD" : nil
        case .text, .requestID, .timestamp, .nhsNumber:
            return nil
        }
    }

    /// The canonical field a key names, or `nil` (reported, with a suggestion).
    func canonicalField(_ entry: ConfigEntry, among candidates: [CanonicalField] = CanonicalField.allCases) -> CanonicalField? {
        if let field = CanonicalField(rawValue: entry.name), candidates.contains(field) { return field }
        let names = candidates.map(\.rawValue)
        var message = CanonicalField(rawValue: entry.name) == nil
            ? "'\(ConfigReader.shown(entry.name))' is not a canonical field"
            : "'\(entry.name)' is not allowed here; allowed: \(names.joined(separator: ", "))"
        if let suggestion = KeySuggestion.nearest(to: entry.name, among: names) {
            message += ": did you mean '\(suggestion)'?"
        } else if CanonicalField(rawValue: entry.name) == nil {
            message += " (write a record field name such as request_id, case_ref, service or status)"
        }
        reader.report(entry.keyLine, entry.path, message)
        return nil
    }
}
