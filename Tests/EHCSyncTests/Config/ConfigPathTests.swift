import Foundation
import Testing
@testable import EHCSync

/// Where paths end up: secrets under `$CREDENTIALS_DIRECTORY`, everything else
/// relative to the config file, the store under `$STATE_DIRECTORY`.
@Suite struct ConfigPathTests {
    static func feedsWith(_ folderPath: String) -> String {
        """
        feeds:
          - name: la-cases
            role: la
            folder: { path: "\(folderPath)" }
            format: csv

        """
    }

    @Test func relativePathsStartAtTheConfigFilesDirectory() throws {
        let yaml = """
            store: data/ehcsync.sqlite
            feeds:
              - { name: la, role: la, folder: { path: ../drop/./la/ }, format: csv }
            recipients:
              dco: { channels: [mail] }
            channels:
              mail: { email_file: { dir: outbox, from: a@example.nhs.uk, to: [b@example.nhs.uk] } }
            """
        let config = try #require(ConfigTestSupport.config(yaml, file: "/etc/ehcsync/ehcsync.yaml"))
        #expect(config.storePath == "/etc/ehcsync/data/ehcsync.sqlite")
        #expect(config.feeds.first?.transport == .folder(FolderFeedConfig(path: "/etc/drop/la", pattern: "*.csv")))
        #expect(config.channels.first?.kind == .emailFile(dir: "/etc/ehcsync/outbox", from: "a@example.nhs.uk", to: ["b@example.nhs.uk"]))
    }

    @Test func aRelativeConfigFileIsTakenFromTheCurrentDirectory() throws {
        let yaml = "store: s.sqlite\n" + Self.feedsWith("/srv/la")
        let config = try #require(ConfigTestSupport.config(yaml, file: "conf/ehcsync.yaml"))
        #expect(config.storePath == PathResolver.resolve("conf/s.sqlite", against: FileManager.default.currentDirectoryPath))
    }

    @Test(arguments: [
        ("/var/lib/ehcsync", "/var/lib/ehcsync/ehcsync.sqlite"),
        ("/var/lib/ehcsync:/var/lib/other", "/var/lib/ehcsync/ehcsync.sqlite"),
        (":/var/lib/second", "/var/lib/second/ehcsync.sqlite"),
    ])
    func storeDefaultsToTheFirstStateDirectory(stateDirectory: String, expected: String) throws {
        let config = try #require(ConfigTestSupport.config(ConfigTestSupport.minimalFeeds, environment: ["STATE_DIRECTORY": stateDirectory]))
        #expect(config.storePath == expected)
    }

    @Test func storeWithoutStateDirectoryIsInTheCurrentDirectory() throws {
        let config = try #require(ConfigTestSupport.config(ConfigTestSupport.minimalFeeds, environment: [:]))
        #expect(config.storePath == PathResolver.resolve("ehcsync.sqlite", against: FileManager.default.currentDirectoryPath))
    }

    @Test func secretPathsResolveAgainstTheCredentialsDirectory() throws {
        let yaml = """
            feeds:
              - name: trust
                role: provider
                http:
                  url: https://integration.example.nhs.uk/ehc/advice
                  auth: { bearer_token_file: trust-token }
                  ca_file: /etc/ehcsync//ca.pem
                format: json
            """
        let config = try #require(ConfigTestSupport.config(yaml, environment: ["CREDENTIALS_DIRECTORY": "/run/credentials/ehcsync.service"]))
        #expect(config.feeds.first?.transport == .http(HTTPFeedConfig(
            url: "https://integration.example.nhs.uk/ehc/advice",
            auth: .bearer(tokenFile: "/run/credentials/ehcsync.service/trust-token"),
            caFile: "/etc/ehcsync/ca.pem")))
    }

    @Test func absoluteSecretPathsNeedNoCredentialsDirectory() throws {
        let yaml = """
            feeds:
              - name: trust
                role: provider
                http: { url: "https://example.nhs.uk/a", auth: { bearer_token_file: /etc/ehcsync/token } }
                format: json
            """
        let config = try #require(ConfigTestSupport.config(yaml, environment: [:]))
        #expect(config.feeds.first?.transport == .http(HTTPFeedConfig(url: "https://example.nhs.uk/a", auth: .bearer(tokenFile: "/etc/ehcsync/token"))))
    }

    @Test func secretPathsMayNotClimbOutOfTheCredentialsDirectory() {
        let yaml = """
            feeds:
              - name: trust
                role: provider
                http: { url: "https://example.nhs.uk/a", auth: { bearer_token_file: ../../etc/shadow } }
                format: json
            """
        let issues = ConfigTestSupport.issues(yaml)
        #expect(issues.map(\.keyPath) == ["feeds[0].http.auth.bearer_token_file"])
        #expect(issues.first?.message.contains("no '..'") == true)
    }

    @Test(arguments: [
        ("/opt/a.yaml", "/b.yaml", "/opt/a.yaml"),
        (nil, "/b.yaml", "/b.yaml"),
        ("", "/b.yaml", "/b.yaml"),
        (nil, "", "/etc/ehcsync/ehcsync.yaml"),
        (nil, nil, "/etc/ehcsync/ehcsync.yaml"),
    ] as [(String?, String?, String)])
    func configPathIsExplicitThenEnvironmentThenDefault(explicit: String?, variable: String?, expected: String) {
        let environment = variable.map { ["EHCSYNC_CONFIG": $0] } ?? [:]
        #expect(ConfigLoader.resolvePath(explicit: explicit, environment: environment) == expected)
    }

    @Test func aMissingFileIsOneIssueSayingWhatToDo() {
        let path = "/nonexistent/ehcsync-\(UUID().uuidString).yaml"
        guard case .failure(let errors) = ConfigLoader.load(path: path, environment: [:]) else {
            Issue.record("accepted a missing file")
            return
        }
        #expect(errors.issues.count == 1)
        #expect(errors.issues.first?.line == 0)
        #expect(errors.issues.first?.message.contains("--config") == true)
    }

    @Test func aDirectoryIsNotAConfigFile() {
        guard case .failure(let errors) = ConfigLoader.load(path: NSTemporaryDirectory(), environment: [:]) else {
            Issue.record("accepted a directory")
            return
        }
        #expect(errors.issues.map(\.line) == [0])
        #expect(errors.issues.first?.message.contains("is a directory") == true)
    }

    @Test(arguments: [
        ("a/b", "/base", "/base/a/b"),
        ("/x/../y/./z//", "/base", "/y/z"),
        ("../../..", "/base/c", "/"),
        (".", "/base", "/base"),
    ])
    func pathsAreNormalised(path: String, base: String, expected: String) {
        #expect(PathResolver.resolve(path, against: base) == expected)
    }
}
