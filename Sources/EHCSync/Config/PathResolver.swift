/// Turns paths written in the config into absolute, normalised ones. Pure string
/// work (no file system access): the loader checks a config, it does not need the
/// directories to exist yet, and it must never read a secret.
enum PathResolver {
    /// `path` if absolute, else `path` under `base`; `.` and `..` folded and repeated
    /// slashes collapsed, so the same place always has the same spelling.
    static func resolve(_ path: String, against base: String) -> String {
        let joined = path.hasPrefix("/") ? path : base + "/" + path
        var parts: [Substring] = []
        for part in joined.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }

    /// The directory holding `file`, absolute (relative to `currentDirectory`).
    static func directory(of file: String, currentDirectory: String) -> String {
        let absolute = resolve(file, against: currentDirectory)
        guard let slash = absolute.lastIndex(of: "/"), slash != absolute.startIndex else { return "/" }
        return String(absolute[..<slash])
    }
}
