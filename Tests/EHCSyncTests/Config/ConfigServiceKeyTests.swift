import Foundation
import Logging
import Testing
@testable import EHCSync

/// `log_level:` and `metrics_file:`, the service's keys (README, "Running as a service").
@Suite struct ConfigServiceKeyTests {
    @Test func serviceKeysDefaultToInfoAndNoMetrics() throws {
        let config = try #require(ConfigTestSupport.config(ConfigTestSupport.minimalFeeds))
        #expect(config.logLevel == .info)
        #expect(config.metricsFile == nil)
    }

    @Test(arguments: Logger.Level.allCases)
    func everyLogLevelIsAccepted(_ level: Logger.Level) throws {
        let config = try #require(ConfigTestSupport.config("log_level: \(level.rawValue)\n" + ConfigTestSupport.minimalFeeds))
        #expect(config.logLevel == level)
    }

    @Test func relativeMetricsFileStartsAtTheConfigFolder() throws {
        let config = try #require(ConfigTestSupport.config("metrics_file: metrics/ehcsync.prom\n" + ConfigTestSupport.minimalFeeds))
        #expect(config.metricsFile == "/etc/ehcsync/metrics/ehcsync.prom")
    }

    @Test func badServiceKeysAreReportedWithLineAndKey() {
        let issues = ConfigTestSupport.issues("log_level: verbose\nmetrics_file: /var/lib/node-exporter/ehcsync.txt\n" + ConfigTestSupport.minimalFeeds)
        #expect(issues.map(\.description) == [
            "/etc/ehcsync/ehcsync.yaml:1: log_level: must be trace, debug, info, notice, warning, error or critical, not 'verbose'",
            "/etc/ehcsync/ehcsync.yaml:2: metrics_file: must name a .prom file: node_exporter's textfile collector reads only those",
        ])
    }
}
