import ArgumentParser
import EHCSync
import Foundation

/// `ehcsync run`: the service (systemd `Type=notify`). The config is validated and
/// its channels built, the store's lock taken and the store opened before anything
/// runs, so every startup problem is an exit code systemd can show: 78 for the
/// config, 69 for a store that is locked by another process or cannot be opened.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The service (systemd Type=notify): polls each feed on its schedule; SIGTERM stops cleanly, SIGHUP reloads.")
    @OptionGroup var options: ConfigOptions

    func run() async throws {
        // Until the reload handler is in place, a SIGHUP must not end the process.
        signal(SIGHUP, SIG_IGN)
        let environment = ProcessInfo.processInfo.environment
        let path = ConfigLoader.resolvePath(explicit: options.config, environment: environment)
        let settings: ServiceSettings
        switch ServiceSettings.load(path: path, environment: environment, running: nil) {
        case .success(let loaded): settings = loaded
        case .failure(let errors):
            errors.issues.forEach { stderr($0.description) }
            throw Exit.config
        }
        let clock: ServiceClock
        switch ServiceClock.from(environment: environment, zone: settings.config.timeZone) {
        case .success(let chosen): clock = chosen
        case .failure(let error):
            stderr("ehcsync: \(error)")
            throw Exit.usage
        }
        let logger = makeLogger()
        StderrLogHandler.setLevel(settings.config.logLevel)
        let lock: StoreLock
        do { lock = try StoreLock(storePath: settings.config.storePath) } catch {
            stderr("ehcsync: \(error)")
            throw Exit.unavailable
        }
        let db = try openStore(settings.config)
        do {
            try await ServiceRunner.run(settings: settings, db: db, configPath: path, environment: environment, logger: logger,
                                        clock: clock)
        } catch {
            logger.critical("the service stopped on an error: \(error)")
            throw ExitCode.failure
        }
        withExtendedLifetime(lock) {}
    }
}
