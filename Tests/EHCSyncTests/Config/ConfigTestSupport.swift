import Foundation
import Testing
@testable import EHCSync

/// Shared helpers for the config tests: where fixtures live, and short ways to
/// parse text and get either the config or the issues.
enum ConfigTestSupport {
    /// The credentials directory tests pretend systemd gave the service.
    static let credentials = "/run/credentials/ehcsync.service"
    static let environment = ["CREDENTIALS_DIRECTORY": credentials]

    /// `Tests/EHCSyncTests/Fixtures/config/NAME` as copied into the test bundle.
    static func fixturePath(_ name: String) throws -> String {
        let fixtures = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        return fixtures.appendingPathComponent("config").appendingPathComponent(name).path
    }

    /// The package root, found from this file's path (the example config is not a
    /// test resource; it ships with the package).
    static func packageRoot(filePath: String = #filePath) -> URL {
        URL(fileURLWithPath: filePath)
            .deletingLastPathComponent()  // Config
            .deletingLastPathComponent()  // EHCSyncTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // package root
    }

    /// Parses text as if it were `/etc/ehcsync/ehcsync.yaml`.
    static func parse(_ yaml: String, environment: [String: String] = environment,
                      file: String = "/etc/ehcsync/ehcsync.yaml") -> Result<AppConfig, ConfigErrors> {
        ConfigLoader.parse(yaml: yaml, file: file, environment: environment)
    }

    /// The config, or a test failure listing the issues.
    static func config(_ yaml: String, environment: [String: String] = environment,
                       file: String = "/etc/ehcsync/ehcsync.yaml",
                       sourceLocation: SourceLocation = #_sourceLocation) -> AppConfig? {
        switch parse(yaml, environment: environment, file: file) {
        case .success(let config):
            return config
        case .failure(let errors):
            Issue.record("unexpected config errors:\n\(errors)", sourceLocation: sourceLocation)
            return nil
        }
    }

    /// The issues, or a test failure when the text was accepted.
    static func issues(_ yaml: String, environment: [String: String] = environment,
                       sourceLocation: SourceLocation = #_sourceLocation) -> [ConfigIssue] {
        switch parse(yaml, environment: environment) {
        case .success:
            Issue.record("config was accepted but should not be", sourceLocation: sourceLocation)
            return []
        case .failure(let errors):
            return errors.issues
        }
    }

    /// The smallest valid feed list, for tests about other sections.
    static let minimalFeeds = """
        feeds:
          - name: la-cases
            role: la
            folder: { path: /srv/ehcsync/la }
            format: csv

        """
}
