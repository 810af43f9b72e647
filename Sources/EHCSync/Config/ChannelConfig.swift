/// A named way for notices to leave the server (SPEC §6).
public struct ChannelConfig: Sendable, Equatable {
    /// `[a-z0-9-]+`, referenced from recipients.
    public var name: String
    public var kind: ChannelKind
    /// Line in the config file.
    public var line: Int

    public init(name: String, kind: ChannelKind, line: Int = 0) {
        self.name = name
        self.kind = kind
        self.line = line
    }
}
