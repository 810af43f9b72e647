import Foundation

/// Reads and validates the configuration file of SPEC §8.
///
/// Every error is collected in one pass and returned together, each as
/// `FILE:LINE: key.path: message`, so `ehcsync check` shows an operator everything
/// to fix at once. Nothing here throws or traps on any input: errors are values.
/// Secret files are located, never read.
public enum ConfigLoader {
    /// Where the service looks when told nothing else.
    public static let defaultPath = "/etc/ehcsync/ehcsync.yaml"

    /// Reads and validates the file; reports every error at once.
    public static func load(path: String, environment: [String: String]) -> Result<AppConfig, ConfigErrors> {
        switch read(path: path) {
        case .success(let text):
            return parse(yaml: text, file: path, environment: environment)
        case .failure(let issue):
            return .failure(ConfigErrors(issues: [issue]))
        }
    }

    /// The same from text already read (tests, the demo). `file` is used in messages
    /// and to resolve relative paths (relative to the file's directory).
    public static func parse(yaml: String, file: String, environment: [String: String]) -> Result<AppConfig, ConfigErrors> {
        let text = yaml.hasPrefix("\u{FEFF}") ? String(yaml.dropFirst()) : yaml
        func failure(_ line: Int, _ message: String) -> Result<AppConfig, ConfigErrors> {
            .failure(ConfigErrors(issues: [ConfigIssue(file: file, line: line, keyPath: "", message: message)]))
        }
        let document: YAMLComposer.Document
        switch YAMLComposer.compose(text) {
        case .success(let composed): document = composed
        case .failure(let problem): return failure(problem.line, problem.message)
        }
        guard let root = document.root, !ConfigReader.isNull(root) else {
            return failure(1, "the file is empty: write at least a feeds: section (see ehcsync.example.yaml)")
        }
        let currentDirectory = FileManager.default.currentDirectoryPath
        let reader = ConfigReader(file: file, renamedKeys: document.renamedKeys)
        let builder = ConfigBuilder(
            reader: reader,
            baseDirectory: PathResolver.directory(of: file, currentDirectory: currentDirectory),
            currentDirectory: currentDirectory,
            environment: environment
        )
        let config = builder.build(root)
        if reader.issues.isEmpty, let config { return .success(config) }
        if reader.issues.isEmpty {
            // Unreachable by construction; kept so a gap in the builder is an error, not a crash.
            return failure(1, "the configuration could not be read; please report this")
        }
        return .failure(ConfigErrors(issues: reader.issues))
    }

    /// The path to use: explicit `--config`, else `$EHCSYNC_CONFIG`, else
    /// `/etc/ehcsync/ehcsync.yaml`. Empty values count as not given.
    public static func resolvePath(explicit: String?, environment: [String: String]) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let fromEnvironment = environment["EHCSYNC_CONFIG"], !fromEnvironment.isEmpty { return fromEnvironment }
        return defaultPath
    }

    /// The file's text, or one issue saying what to do (line 0 when no line is at fault).
    static func read(path: String) -> Result<String, ConfigIssue> {
        func issue(_ message: String) -> Result<String, ConfigIssue> {
            .failure(ConfigIssue(file: path, line: 0, keyPath: "", message: message))
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return issue("no such file: write a config there (see ehcsync.example.yaml), or name another with --config or $EHCSYNC_CONFIG")
        }
        if isDirectory.boolValue {
            return issue("is a directory: name the YAML file itself, e.g. \(path)/ehcsync.yaml")
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            return issue("cannot be read (permission denied): let the service's user read it, e.g. chmod 0640 and chgrp to the service's group")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            return issue("cannot be read: \(error.localizedDescription)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            // The line of the first bad byte: a UTF-8 sequence never holds a line feed.
            let lines = data.split(separator: 0x0A, omittingEmptySubsequences: false)
            let line = lines.firstIndex { String(data: Data($0), encoding: .utf8) == nil }.map { $0 + 1 } ?? 0
            return .failure(ConfigIssue(file: path, line: line, keyPath: "", message: "is not UTF-8 text: save it as UTF-8"))
        }
        return .success(text)
    }
}
