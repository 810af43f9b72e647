/// One thing wrong with a configuration file, located precisely enough that an IT
/// team can fix it without reading the source: the file, the 1-based line of the
/// offending key or value, and the key path (`feeds[1].folder.ready`).
///
/// Issues are values, never thrown one at a time: `ehcsync check` prints them all.
public struct ConfigIssue: Error, Sendable, Equatable, CustomStringConvertible {
    /// The config file as named to the loader (not resolved), so the message matches
    /// what the operator typed.
    public var file: String
    /// 1-based line; 0 when the problem is the file as a whole (missing, unreadable).
    public var line: Int
    /// Dotted path with `[i]` list indices; empty when no key is involved (syntax
    /// errors, an empty file).
    public var keyPath: String
    /// What is wrong and, where possible, what to write instead. Never contains a
    /// secret's value.
    public var message: String

    public init(file: String, line: Int, keyPath: String, message: String) {
        self.file = file
        self.line = line
        self.keyPath = keyPath
        self.message = message
    }

    /// `FILE:LINE: key.path: message`, the form compilers use, so editors can jump to
    /// it. The key path part is left out when there is none.
    public var description: String {
        keyPath.isEmpty
            ? "\(file):\(line): \(message)"
            : "\(file):\(line): \(keyPath): \(message)"
    }
}
