import EHCCore

/// A named audience (SPEC §2): the DCO, a commissioner, a provider team. Reminders
/// for a record go to the first recipient whose `match` fits it.
public struct RecipientConfig: Sendable, Equatable {
    /// `[a-z0-9-]+`, referenced from `notices`.
    public var name: String
    /// The `for:` map: canonical field → value a record must have. Empty matches
    /// nothing by itself (such recipients are reached by name only).
    public var match: [CanonicalField: String]
    /// The `name:` people read in notices ("Dr A Patel, DCO"); the key when not given.
    public var displayName: String?
    /// Names of defined channels, at least one.
    public var channels: [String]
    /// Line in the config file.
    public var line: Int

    public init(name: String, match: [CanonicalField: String] = [:], channels: [String], displayName: String? = nil, line: Int = 0) {
        self.name = name
        self.match = match
        self.channels = channels
        self.displayName = displayName
        self.line = line
    }
}
