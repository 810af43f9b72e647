import Foundation

/// `ehcsync check`'s look at the machine beside the YAML: what the service will need
/// on its first cycle, found before it runs rather than in the journal at 3 a.m.
///
/// Checked: each drop folder exists and is readable and writable (files are moved
/// out of it), each `email_file` folder exists and is writable, the store's folder (or
/// the nearest existing folder above it, as the service makes the rest) is writable, and each file named by a `*_file` key (secrets, CA files, client
/// certificates) is readable, except those under `$CREDENTIALS_DIRECTORY`, which
/// systemd provides only to the running service. A webhook secret without `whsec_`
/// is a warning: the official Standard Webhooks libraries base64-decode every secret,
/// so a receiver using one would check signatures with another key. Access is judged
/// for the user running `check`: run it as the service's user.
public enum ConfigPreflight {
    /// What `check` found: errors (exit 78) and warnings (printed; exit 0).
    public struct Findings: Sendable, Equatable {
        public var errors: [ConfigIssue] = []
        public var warnings: [ConfigIssue] = []
    }

    public static func check(_ config: AppConfig, environment: [String: String]) -> Findings {
        var findings = Findings()
        let credentials = environment["CREDENTIALS_DIRECTORY"].flatMap { $0.isEmpty ? nil : $0 }
        func error(_ line: Int, _ path: String, _ message: String) {
            findings.errors.append(ConfigIssue(file: config.file, line: line, keyPath: path, message: message))
        }
        /// systemd provides `$CREDENTIALS_DIRECTORY` only to the running service.
        func checkable(_ file: String) -> Bool {
            credentials.map { !file.hasPrefix($0 + "/") } ?? true
        }
        func readable(_ file: String, line: Int, path: String) {
            if checkable(file), let problem = Self.fileProblem(file) { error(line, path, problem) }
        }

        // The service makes the store's folder if it is missing, so the nearest folder
        // that exists must let it.
        var storeDir = (config.storePath as NSString).deletingLastPathComponent
        while !storeDir.isEmpty, storeDir != "/", !FileManager.default.fileExists(atPath: storeDir) {
            storeDir = (storeDir as NSString).deletingLastPathComponent
        }
        if let problem = folderProblem(storeDir, write: true, read: true, what: "the store's folder") {
            error(config.presentSections["store"] ?? 0, "store", problem)
        }
        for (i, feed) in config.feeds.enumerated() {
            switch feed.transport {
            case .folder(let folder):
                if let problem = folderProblem(folder.path, write: true, read: true, what: "the drop folder") {
                    error(feed.line, "feeds[\(i)].folder.path", problem)
                }
            case .http(let http):
                if let ca = http.caFile { readable(ca, line: feed.line, path: "feeds[\(i)].http.ca_file") }
                switch http.auth {
                case .none: break
                case .bearer(let token): readable(token, line: feed.line, path: "feeds[\(i)].http.auth.bearer_token_file")
                case .basic(_, let password): readable(password, line: feed.line, path: "feeds[\(i)].http.auth.basic.password_file")
                case .clientCertificate(let cert, let key):
                    readable(cert, line: feed.line, path: "feeds[\(i)].http.auth.client_cert")
                    readable(key, line: feed.line, path: "feeds[\(i)].http.auth.client_key")
                }
            }
        }
        for channel in config.channels {
            let base = "channels.\(channel.name).\(channel.kind.key)"
            switch channel.kind {
            case .emailFile(let dir, _, _):
                if let problem = folderProblem(dir, write: true, read: false, what: "the email_file folder") {
                    error(channel.line, base + ".dir", problem)
                }
            case .smtp(_, _, let passwordFile, let caFile, _, _, _):
                if let passwordFile { readable(passwordFile, line: channel.line, path: base + ".password_file") }
                if let caFile { readable(caFile, line: channel.line, path: base + ".ca_file") }
            case .webhook(_, let secretFile, _, _, let caFile, _):
                if let caFile { readable(caFile, line: channel.line, path: base + ".ca_file") }
                readable(secretFile, line: channel.line, path: base + ".secret_file")
                // An unreadable secret (nil) is the error above, not a warning too.
                if checkable(secretFile), Self.beginsWithWhsec(secretFile) == false {
                    findings.warnings.append(ConfigIssue(
                        file: config.file, line: channel.line, keyPath: base + ".secret_file",
                        message: "the secret does not begin with whsec_: EHC Sync signs with its bytes as they are, but the official "
                            + "Standard Webhooks libraries base64-decode every secret, so a receiver using one would not verify "
                            + "these signatures; write whsec_ and the base64 of the key to suit them"))
                }
            }
        }
        return findings
    }

    /// Why `path` is not a folder the service can use, or nil.
    static func folderProblem(_ path: String, write: Bool, read: Bool, what: String) -> String? {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            return "\(what) \(path) does not exist: create it (owned by the service's user)"
        }
        guard isDir.boolValue else { return "\(what) \(path) is not a folder" }
        if read && access(path, R_OK | X_OK) != 0 { return "\(what) \(path) cannot be read by this user" }
        if write && access(path, W_OK | X_OK) != 0 { return "\(what) \(path) is not writable by this user" }
        return nil
    }

    /// Whether a webhook secret file begins with `whsec_` (nil: unreadable). Only those
    /// six bytes are read, and never shown.
    static func beginsWithWhsec(_ path: String) -> Bool? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: 6)).map { $0 == Data("whsec_".utf8) }
    }

    /// Why a file the service must read is not readable, or nil. Only access is tested.
    static func fileProblem(_ path: String) -> String? {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { return "\(path) does not exist" }
        if isDir.boolValue { return "\(path) is a folder, not a file" }
        if access(path, R_OK) != 0 { return "\(path) cannot be read by this user" }
        return nil
    }
}
