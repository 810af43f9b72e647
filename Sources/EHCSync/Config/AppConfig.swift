import EHCCore
import Logging
/// A whole, validated configuration (SPEC §8). Only `ConfigLoader` makes one from a
/// file, and only when the file has no errors, so every value here can be trusted by
/// the services: paths are absolute, names are unique, references resolve.
public struct AppConfig: Sendable, Equatable {
    /// The file this came from, as named to the loader; used in later messages.
    public var file: String
    /// Absolute path of the SQLite store.
    public var storePath: String
    /// IANA zone for local dates, the digest time and offset-less timestamps;
    /// checked with Foundation's `TimeZone(identifier:)`.
    public var timeZoneIdentifier: String
    /// A feed with no successful read for this long is shown as stale.
    public var staleAfterSeconds: Int
    /// The statutory and local counting rules.
    public var rules: Rules
    /// At least one feed, in file order, names unique.
    public var feeds: [FeedConfig]
    /// When and to whom notices go.
    public var notices: NoticesConfig
    /// Named audiences, in file order.
    public var recipients: [RecipientConfig]
    /// Named delivery channels, in file order.
    public var channels: [ChannelConfig]
    /// Top-level keys actually written in the file, so the app can say "not
    /// supported yet" for a section it cannot run yet rather than silently ignore it.
    /// Top-level keys actually written, with the line of each, so the app can point at
    /// a section it cannot run yet.
    public var presentSections: [String: Int]
    /// The least severe log level written (`log_level:`, default `info`).
    public var logLevel: Logger.Level
    /// Where `ehcsync run` writes its Prometheus textfile each cycle (`metrics_file:`), if anywhere.
    public var metricsFile: String?

    public init(
        file: String, storePath: String, timeZoneIdentifier: String = "Europe/London",
        staleAfterSeconds: Int = 172_800, rules: Rules = Rules(), feeds: [FeedConfig],
        notices: NoticesConfig = NoticesConfig(), recipients: [RecipientConfig] = [],
        channels: [ChannelConfig] = [], presentSections: [String: Int] = [:],
        logLevel: Logger.Level = .info, metricsFile: String? = nil
    ) {
        self.file = file
        self.storePath = storePath
        self.timeZoneIdentifier = timeZoneIdentifier
        self.staleAfterSeconds = staleAfterSeconds
        self.rules = rules
        self.feeds = feeds
        self.notices = notices
        self.recipients = recipients
        self.channels = channels
        self.presentSections = presentSections
        self.logLevel = logLevel
        self.metricsFile = metricsFile
    }

    /// The recipient with this name, if defined.
    public func recipient(named name: String) -> RecipientConfig? {
        recipients.first { $0.name == name }
    }

    /// The channel with this name, if defined.
    public func channel(named name: String) -> ChannelConfig? {
        channels.first { $0.name == name }
    }
}
