import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// Reloads the config on SIGHUP (`systemctl reload`, `ExecReload=`): `RELOADING=1`,
/// then the whole new config is read, validated and built (channels and their
/// secrets included) before anything live is touched. A good one replaces the running
/// settings, and the scheduler and outbox take it up at their next turn; a bad one
/// changes nothing, every error is logged, and `STATUS=` says so until a good reload.
/// `READY=1` ends the reload either way.
public struct ReloadService: ServiceLifecycle.Service, CustomStringConvertible {
    /// What swift-service-lifecycle logs for this service: its name alone, never its
    /// fields (the reloader holds the process environment, which may carry secrets).
    public var description: String { "ReloadService" }

    let runtime: ServiceRuntime
    let configPath: String
    let environment: [String: String]
    /// Made (and its handler installed) before `READY=1`, so no early SIGHUP is lost.
    let hangups: UnixSignalsSequence

    public init(runtime: ServiceRuntime, configPath: String, environment: [String: String], hangups: UnixSignalsSequence) {
        self.runtime = runtime
        self.configPath = configPath
        self.environment = environment
        self.hangups = hangups
    }

    public func run() async {
        for await _ in hangups.cancelOnGracefulShutdown() {
            await reload()
        }
    }

    /// One reload, as SIGHUP asks.
    func reload() async {
        runtime.notifier.reloading()
        runtime.logger.notice("reload: reading \(configPath)")
        let running = runtime.settings
        let path = configPath, environment = environment
        let loaded = await withTaskExecutorPreference(runtime.deliveryWorker) {
            ServiceSettings.load(path: path, environment: environment, running: running)
        }
        switch loaded {
        case .success(let settings):
            StderrLogHandler.setLevel(settings.config.logLevel)
            runtime.replaceSettings(settings)
            runtime.logger.notice("reload: done: \(settings.config.feeds.count) feeds, \(settings.channels.count) channels")
        case .failure(let errors):
            for issue in errors.issues { runtime.logger.error("reload: \(issue)") }
            runtime.setReloadProblem("reload failed with \(errors.issues.count) errors (see the journal); still running the previous config")
            runtime.logger.error("reload: refused; the running config is unchanged")
        }
        runtime.notifier.ready(status: runtime.statusLine)
    }
}
