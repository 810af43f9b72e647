import Foundation

/// Everything the running service builds from one config file: the validated config
/// and its channels (secrets read). Built whole before anything live is touched, at
/// start and at each SIGHUP, so a bad file never leaves a half-applied config running.
public struct ServiceSettings: Sendable {
    public var config: AppConfig
    public var channels: [any NoticeChannel]
    /// Counts reloads, so each loop can tell a new config from the one it runs.
    public var generation: Int

    /// Reads, validates and builds the config at `path`. `running` is the config now in
    /// use (nil at start): a reload may not move the store, which belongs to this process
    /// by its lock. The failure is every problem, one line each, as `FILE:LINE: key: message`.
    public static func load(path: String, environment: [String: String], running: ServiceSettings?)
        -> Result<ServiceSettings, ConfigErrors> {
        let config: AppConfig
        switch ConfigLoader.load(path: path, environment: environment) {
        case .success(let loaded): config = loaded
        case .failure(let errors): return .failure(errors)
        }
        var issues: [ConfigIssue] = []
        if let running, running.config.storePath != config.storePath {
            issues.append(ConfigIssue(file: config.file, line: config.presentSections["store"] ?? 0, keyPath: "store",
                                      message: "the store cannot move while the service runs (it is \(running.config.storePath)): restart the service to use another"))
        }
        guard issues.isEmpty else { return .failure(ConfigErrors(issues: issues)) }
        do {
            let channels = try ChannelFactory.make(config)
            return .success(ServiceSettings(config: config, channels: channels, generation: (running?.generation ?? 0) + 1))
        } catch {
            return .failure(ConfigErrors(issues: [ConfigIssue(file: config.file, line: config.presentSections["channels"] ?? 0,
                                                              keyPath: "channels", message: error.description)]))
        }
    }
}
