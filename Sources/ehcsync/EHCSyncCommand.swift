import ArgumentParser
import EHCCore
import EHCSync
import Foundation
import Logging

/// `ehcsync`: the command line of SPEC §9. It parses arguments and calls the libraries.
@main
struct EHCSyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ehcsync",
        abstract: "Keeps EHC health advice on time: reconciles LA and provider feeds into one store.",
        version: EHCSyncVersion.string,
        subcommands: [Run.self, Sync.self, Check.self, Status.self, Advice.self, Conflicts.self, DigestCommand.self, Report.self, Demo.self]
    )
}

/// Options shared by commands that read the config.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: "The config file (default: $EHCSYNC_CONFIG, else /etc/ehcsync/ehcsync.yaml).")
    var config: String?
}

struct NowOption: ParsableArguments {
    @Option(name: .long, help: "Behave as at this moment (RFC 3339, or a date meaning noon local time).")
    var now: String?
}

/// Exit codes of SPEC §9.
enum Exit {
    static let usage = ExitCode(64)
    static let badInput = ExitCode(65)
    static let unavailable = ExitCode(69)
    static let retryLater = ExitCode(75)
    static let config = ExitCode(78)
    static let failed = ExitCode(1)

    /// After deliveries (`sync`, `digest --send`): nil (exit 0) only when every message
    /// tried was delivered; 1 when one finally failed, else 75 when some wait to be retried.
    static func deliveries(_ result: OutboxDeliverer.Result) -> ExitCode? {
        if result.failed > 0 { return failed }
        if result.retrying > 0 { return retryLater }
        return nil
    }
}

func stderr(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Loads and validates the config, printing every error and exiting 78 on any.
func loadConfig(_ options: ConfigOptions) throws -> AppConfig {
    try loadConfig(path: options.config)
}

func loadConfig(path explicit: String?) throws -> AppConfig {
    let env = ProcessInfo.processInfo.environment
    let path = ConfigLoader.resolvePath(explicit: explicit, environment: env)
    switch ConfigLoader.load(path: path, environment: env) {
    case .success(let config):
        return config
    case .failure(let errors):
        errors.issues.forEach { stderr($0.description) }
        throw Exit.config
    }
}

/// The run's clock: `--now` if given, else the real time.
func resolveNow(_ option: NowOption, zone: TimeZone) throws -> Timestamp {
    guard let text = option.now else { return Timestamp(Date()) }
    if let t = Timestamp.parse(text, zone: zone) { return t }
    if let d = CivilDate(iso: text) { return Timestamp.local(d, minuteOfDay: 12 * 60, in: zone) }
    stderr("--now: '\(text)' is neither an RFC 3339 timestamp nor a YYYY-MM-DD date")
    throw Exit.usage
}

/// Every configured channel, its secrets read; a secret that cannot be read is a
/// configuration error (exit 78), found before anything runs.
func makeChannels(_ config: AppConfig) throws -> [any NoticeChannel] {
    do {
        return try ChannelFactory.make(config)
    } catch {
        stderr("\(config.file): \(error)")
        throw Exit.config
    }
}

func openStore(_ config: AppConfig) throws -> AppDatabase {
    do {
        return try AppDatabase(path: config.storePath)
    } catch {
        stderr("ehcsync: \(error)")
        throw Exit.unavailable
    }
}

func makeLogger() -> Logger {
    StderrLogHandler.bootstrapOnce()
    return Logger(label: "ehcsync")
}

extension StderrLogHandler {
    /// swift-log allows one bootstrap per process; a static let runs its initialiser once.
    private static let bootstrapToken: Void = { bootstrap() }()
    static func bootstrapOnce() { _ = bootstrapToken }
}
