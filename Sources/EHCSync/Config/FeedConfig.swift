import EHCCore

/// One configured source of observations (SPEC §2, §7): which side it speaks for,
/// how it is fetched, how its records are read and mapped onto canonical fields.
public struct FeedConfig: Sendable, Equatable {
    /// `[a-z0-9-]+`, 1–64 characters, unique: it names the feed in the store, logs
    /// and status output, so it must be stable and safe in file names.
    public var name: String
    /// The side this feed speaks for; decides which statuses it may send.
    public var role: Role
    /// How often the feed is polled, in seconds.
    public var everySeconds: Int
    /// Values for canonical fields the feed does not carry (e.g. a provider's ODS code).
    public var defaults: [CanonicalField: String]
    /// Where records come from.
    public var transport: FeedTransport
    /// How records are encoded.
    public var format: FeedFormat
    /// How local headers/keys and values map onto canonical ones.
    public var mapping: FieldMapping
    /// Line of the feed in the config file, so runtime messages can point back to it.
    public var line: Int

    public init(
        name: String, role: Role, everySeconds: Int = 300, defaults: [CanonicalField: String] = [:],
        transport: FeedTransport, format: FeedFormat, mapping: FieldMapping = FieldMapping(), line: Int = 0
    ) {
        self.name = name
        self.role = role
        self.everySeconds = everySeconds
        self.defaults = defaults
        self.transport = transport
        self.format = format
        self.mapping = mapping
        self.line = line
    }
}
