import EHCCore
import Foundation
import Testing
@testable import EHCSync

extension ServiceLifecycleTests {
    static let testToken = "whsec_" + Data("ehcsync-test-webhook-key-7f3a9c".utf8).base64EncodedString()
    static let testPassword = "Test-SMTP-password-5c81e2"

    /// SPEC §9: logs never carry a name, an NHS number, a token or a password. A full
    /// cycle of the demo place at debug level, with a webhook and an SMTP channel whose
    /// servers refuse the connection (so delivery errors are logged too); then every
    /// NHS number and name in the demo's exports, the webhook secret and the SMTP
    /// password (also given in the environment) are looked for in stderr.
    @Test(.timeLimit(.minutes(3)))
    func noPersonalDataOrSecretInTheLogsOfADemoCycle() async throws {
        let zone = TimeZone(identifier: "Europe/London") ?? .gmt
        let dir = FileManager.default.temporaryDirectory.path + "/ehcsync-privacy-" + UUID().uuidString.prefix(12)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let demo = DemoPlace(dir: dir, today: Timestamp(Date()).localDate(in: zone))
        try demo.prepare()
        try demo.drop(yesterday: true)
        try demo.drop(yesterday: false)
        try Data(Self.testToken.utf8).write(to: URL(fileURLWithPath: dir + "/webhook-secret"))
        try Data((Self.testPassword + "\n").utf8).write(to: URL(fileURLWithPath: dir + "/smtp-password"))
        var config = try String(contentsOfFile: demo.configPath, encoding: .utf8)
        config = config.replacingOccurrences(of: "channels: [dco-mail] }", with: "channels: [dco-mail, dco-hook] }")
            .replacingOccurrences(of: "commissioner: { channels: [icb-mail] }", with: "commissioner: { channels: [icb-mail, icb-smtp] }")
        config += """
              dco-hook: { webhook: { url: "http://127.0.0.1:9/ehc", secret_file: "\(dir)/webhook-secret" } }
              icb-smtp: { smtp: { url: "smtp://127.0.0.1:9", username: ehcsync, password_file: "\(dir)/smtp-password", from: "EHC Sync <ehcsync@demo.example>", to: [icb@demo.example] } }
            log_level: trace

            """
        try config.write(toFile: demo.configPath, atomically: true, encoding: .utf8)

        // A secret in the environment (as a careless drop-in might put one) must not be logged either.
        let service = try ServiceProcess(config: demo.configPath, extraEnvironment: ["EHCSYNC_TEST_ENV_SECRET": Self.testPassword + "-env"])
        try await service.waitReady()
        try await service.notify.wait("a cycle that counted the advice") { m in
            m.contains { $0.fields["STATUS"].map { $0.contains("last cycle") && !$0.contains("not counted") } == true }
        }
        try await waitFor("both failing channels tried", seconds: 60) {
            service.stderr.contains("by dco-hook will retry") && service.stderr.contains("by icb-smtp will retry")
        }
        let stop = try await service.stop()
        #expect(stop.result.status == 0)
        let log = stop.result.stderr
        #expect(log.contains("feed la-cases: 2 files applied"), "the demo's exports were taken: \(log)")

        // What must never appear: every NHS number in the exports, with or without
        // spaces, every name, the secret and the password.
        var exports = ""
        for sub in ["la", "provider"] {
            let root = dir + "/" + sub + "/processed"
            for day in try FileManager.default.contentsOfDirectory(atPath: root) {
                for name in try FileManager.default.contentsOfDirectory(atPath: root + "/" + day) {
                    exports += String(decoding: try Data(contentsOf: URL(fileURLWithPath: root + "/" + day + "/" + name)), as: UTF8.self) + "\n"
                }
            }
        }
        let numbers = Set(exports.matches(of: /999 ?\d{3} ?\d{4}/).map { String($0.output.filter(\.isNumber)) })
        #expect(numbers.count >= 30, "the demo's NHS numbers were found in its exports (\(numbers.count))")
        var leaks: [String] = []
        for n in numbers {
            let spaced = "\(n.prefix(3)) \(n.dropFirst(3).prefix(3)) \(n.suffix(4))"
            if log.contains(n) || log.contains(spaced) { leaks.append("NHS number \(n)") }
        }
        let words = Set(log.split { !$0.isLetter && $0 != "’" }.map(String.init))
        for name in DemoPlace.given + DemoPlace.family where words.contains(name) {
            leaks.append("name \(name)")
        }
        for secret in [Self.testToken, String(Self.testToken.dropFirst(6)), "ehcsync-test-webhook-key", Self.testPassword] where log.contains(secret) {
            leaks.append("secret \(secret.prefix(8))…")
        }
        #expect(leaks.isEmpty, "found in stderr: \(leaks)")
    }
}
