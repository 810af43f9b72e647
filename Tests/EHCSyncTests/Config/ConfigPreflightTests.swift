import EHCCore
import Foundation
import Testing
@testable import EHCSync

/// `ehcsync check` as a preflight: besides the YAML, the folders and files the config
/// names on this machine, each error as `FILE:LINE: key.path: message`, exit 78.
@Suite struct ConfigPreflightTests {
    /// A place with a folder feed, an email_file channel and a webhook channel whose
    /// secret is `secret` (nil: no secret file written).
    static func place(secret: String? = "whsec_c2VjcmV0LWtleS1mb3ItdGVzdHM=", makeFolders: Bool = true) throws -> TestPlace {
        let place = try TestPlace()
        let outbox = place.root + "/outbox"
        if makeFolders { try FileManager.default.createDirectory(atPath: outbox, withIntermediateDirectories: true) }
        if let secret { try secret.write(toFile: place.root + "/hook-secret", atomically: true, encoding: .utf8) }
        let channels = """
            recipients:
              dco: { channels: [dco-mail, dco-hook] }
            channels:
              dco-mail: { email_file: { dir: "\(outbox)", from: "EHC Sync <ehcsync@example.nhs.uk>", to: [dco@example.nhs.uk] } }
              dco-hook: { webhook: { url: "http://127.0.0.1:9/hook", secret_file: "\(place.root)/hook-secret" } }

            """
        try place.configure([.la()], extra: channels)
        if !makeFolders { try FileManager.default.removeItem(atPath: place.folder("la-cases")) }
        return place
    }

    @Test func aGoodPlacePassesWithoutWarnings() throws {
        let place = try Self.place()
        let result = try EHCSyncBinary.run(["check", "--config", place.configPath])
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
    }

    @Test func missingFoldersAndSecretsAreErrorsWithLineAndKeyPath() throws {
        let place = try Self.place(secret: nil, makeFolders: false)
        let result = try EHCSyncBinary.run(["check", "--config", place.configPath])
        #expect(result.status == 78, "\(result)")
        let lines = result.stderr.split(separator: "\n").map(String.init)
        let config = place.configPath
        #expect(lines.contains { $0.hasPrefix(config + ":") && $0.contains(": feeds[0].folder.path: the drop folder ")
                                 && $0.hasSuffix("does not exist: create it (owned by the service's user)") }, "\(result)")
        #expect(lines.contains { $0.contains(": channels.dco-mail.email_file.dir: the email_file folder ") }, "\(result)")
        #expect(lines.contains { $0.contains(": channels.dco-hook.webhook.secret_file: ") && $0.hasSuffix("hook-secret does not exist") },
                "\(result)")
        #expect(lines.allSatisfy { $0.range(of: "^.+:[1-9][0-9]*: ", options: .regularExpression) != nil }, "every line has FILE:LINE")
        #expect(result.stdout.isEmpty)

        let offline = try EHCSyncBinary.run(["check", "--offline", "--config", place.configPath])
        #expect(offline.status == 0, "--offline checks the YAML only: \(offline)")
        #expect(offline.stdout.contains("folders and files not checked"))
    }

    @Test func aFileWhereAFolderBelongsIsAnError() throws {
        let place = try Self.place()
        try FileManager.default.removeItem(atPath: place.folder("la-cases"))
        try "not a folder".write(toFile: place.folder("la-cases"), atomically: true, encoding: .utf8)
        let findings = ConfigPreflight.check(try #require(place.config), environment: [:])
        #expect(findings.errors.map(\.keyPath) == ["feeds[0].folder.path"])
        #expect(findings.errors.first?.message.hasSuffix("is not a folder") == true)
    }

    @Test func aWebhookSecretWithoutWhsecIsAWarningNotAnError() throws {
        let place = try Self.place(secret: "plain-shared-secret\n")
        let result = try EHCSyncBinary.run(["check", "--config", place.configPath])
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.contains(": warning: channels.dco-hook.webhook.secret_file: the secret does not begin with whsec_"), "\(result)")
        #expect(!result.stderr.contains("plain-shared-secret"), "the secret is never shown")
    }

    @Test func secretsUnderTheCredentialsDirectoryAreLeftToTheService() throws {
        let place = try Self.place(secret: nil)
        let config = try #require(place.config)
        // As the service sees it: the secret path lies under $CREDENTIALS_DIRECTORY, which
        // systemd fills only for the running unit.
        let findings = ConfigPreflight.check(config, environment: ["CREDENTIALS_DIRECTORY": place.root])
        #expect(findings.errors.isEmpty, "\(findings.errors)")
        #expect(ConfigPreflight.check(config, environment: [:]).errors.map(\.keyPath) == ["channels.dco-hook.webhook.secret_file"])
    }

    /// Access is judged for the user running `check`: as root every folder is writable,
    /// so this runs the real binary as `nobody` against folders only root may write.
    @Test func foldersTheServicesUserCannotWriteAreErrors() throws {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser") else { return }
        let place = try Self.place()
        for path in [place.root, place.configPath, place.root + "/hook-secret"] {
            chmod(path, path == place.root ? 0o755 : 0o644)
        }
        chmod(place.folder("la-cases"), 0o755)
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/usr/sbin/runuser")
        child.arguments = ["-u", "nobody", "--", try EHCSyncBinary.path(), "check", "--config", place.configPath]
        child.environment = EHCSyncBinary.environment
        let err = Pipe()
        child.standardError = err
        child.standardOutput = FileHandle.nullDevice
        try child.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        child.waitUntilExit()
        #expect(child.terminationStatus == 78, "\(stderr)")
        #expect(stderr.contains("feeds[0].folder.path: the drop folder \(place.folder("la-cases")) is not writable by this user"), "\(stderr)")
        #expect(stderr.contains("channels.dco-mail.email_file.dir: the email_file folder"), "\(stderr)")
    }
}
