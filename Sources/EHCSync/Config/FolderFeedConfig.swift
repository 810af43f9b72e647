/// A drop-folder feed (SPEC §7): files matching `pattern` in `path` are taken once
/// they are ready, then moved to `processed/` or `rejected/`.
public struct FolderFeedConfig: Sendable, Equatable {
    /// Absolute directory path (a relative one in the file is taken from the config
    /// file's directory).
    public var path: String
    /// Glob of file names to take; defaults to `*.` plus the format's extension.
    public var pattern: String
    /// How to tell a file is completely written.
    public var ready: ReadyRule
    /// For `.stable`: seconds size and mtime must stay unchanged.
    public var settleSeconds: Int

    public init(path: String, pattern: String, ready: ReadyRule = .stable, settleSeconds: Int = 10) {
        self.path = path
        self.pattern = pattern
        self.ready = ready
        self.settleSeconds = settleSeconds
    }
}

/// When a dropped file may be read. A half-written file must never be applied.
public enum ReadyRule: String, Sendable, CaseIterable, Equatable {
    /// Size and modification time unchanged for `settle_seconds`.
    case stable
    /// A sibling `NAME.done` or `NAME.ctl` (MESH control file) exists.
    case marker
}
