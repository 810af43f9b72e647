import Foundation
import Testing
@testable import EHCSync

/// One expected issue: its line, key path and a fragment of its message.
struct ExpectedIssue: Sendable {
    let line: Int
    let keyPath: String
    let fragment: String

    init(_ line: Int, _ keyPath: String, _ fragment: String) {
        self.line = line
        self.keyPath = keyPath
        self.fragment = fragment
    }
}

/// A fixture file with one kind of config error, and exactly the issues it must give.
struct ConfigErrorFixture: Sendable, CustomTestStringConvertible {
    let file: String
    var withCredentials = true
    let expected: [ExpectedIssue]

    var testDescription: String { file }
}

/// One fixture per kind of config error (STYLE: "one fixture file per config error").
/// Each asserts the exact `LINE: key.path` of every issue and part of its message,
/// and that nothing else is reported.
@Suite struct ConfigErrorFixtureTests {
    static let fixtures: [ConfigErrorFixture] = [
        .init(file: "unknown-key.yaml", expected: [.init(5, "feeds[0].colour", "unknown key 'colour'")]),
        .init(file: "near-miss-key.yaml",
              expected: [.init(7, "feeds[0].folder.setle_seconds", "did you mean 'settle_seconds'?")]),
        .init(file: "wrong-type.yaml", expected: [
            .init(7, "feeds[0].folder.settle_seconds", "must be a whole number, not 'five'"),
            .init(10, "notices.reminders_before_due_days", "must be a list"),
        ]),
        .init(file: "missing-required.yaml", expected: [.init(3, "feeds[0].format", "required key is missing")]),
        .init(file: "bad-enum.yaml", expected: [.init(14, "feeds[1].folder.ready", "must be stable or marker, not 'ready'")]),
        .init(file: "bad-duration.yaml", expected: [
            .init(2, "stale_after", "30s, 5m, 2h or 2d"),
            .init(6, "feeds[0].every", "'5min' is not a duration"),
        ]),
        .init(file: "bad-date-format.yaml", expected: [.init(8, "feeds[0].csv.date_format", "unknown letter 'D'")]),
        .init(file: "two-digit-year.yaml",
              expected: [.init(7, "feeds[0].csv.date_format", "two-digit years are ambiguous: write yyyy")]),
        .init(file: "duplicate-feed-name.yaml",
              expected: [.init(7, "feeds[1].name", "feed name 'trust' is used twice (first at line 3)")]),
        .init(file: "duplicate-yaml-key.yaml",
              expected: [.init(7, "feeds[0].every", "key 'every' is written twice in one mapping (first at line 5)")]),
        .init(file: "duplicate-recipient.yaml",
              expected: [.init(9, "recipients.dco", "recipient 'dco' is defined twice (first at line 8)")]),
        .init(file: "bad-url-scheme.yaml", expected: [.init(6, "feeds[0].http.url", "must start with https://")]),
        .init(file: "insecure-http.yaml",
              expected: [.init(6, "feeds[0].http.url", "plain http is allowed only to a loopback host")]),
        .init(file: "unknown-recipient.yaml", expected: [
            .init(10, "notices.escalations[1].to[1]", "unknown recipient 'comissioner': did you mean 'commissioner'?"),
        ]),
        .init(file: "unknown-channel.yaml",
              expected: [.init(9, "recipients.dco.channels[1]", "unknown channel 'dco-hook'")]),
        .init(file: "inline-secret.yaml",
              expected: [.init(12, "channels.icb-smtp.smtp.password", "secrets are never inline: use password_file")]),
        .init(file: "relative-secret-without-credentials.yaml", withCredentials: false, expected: [
            .init(7, "feeds[0].http.auth.bearer_token_file", "relative secret path needs $CREDENTIALS_DIRECTORY"),
        ]),
        .init(file: "yaml-syntax-error.yaml", expected: [.init(6, "", "invalid YAML")]),
        .init(file: "empty.yaml", expected: [.init(1, "", "the file is empty")]),
        .init(file: "not-a-mapping.yaml", expected: [.init(2, "", "must be a mapping of sections")]),
        .init(file: "wrong-mapping-block.yaml",
              expected: [.init(7, "feeds[0].csv", "format is json: write this mapping under json:")]),
        .init(file: "wrong-side-status.yaml",
              expected: [.init(9, "feeds[0].csv.values.status.Done", "'submitted' is a provider status")]),
        .init(file: "two-transports.yaml", expected: [.init(6, "feeds[0].http", "write folder: or http:, not both")]),
        .init(file: "unknown-canonical-column.yaml", expected: [
            .init(9, "feeds[0].csv.columns.request_idd", "not a canonical field: did you mean 'request_id'?"),
        ]),
        .init(file: "several-errors.yaml", expected: [
            .init(2, "timezone", "'Europe/Lndon' is not a known time zone"),
            .init(4, "rules.advice_weeks", "must be at least 1, not 0"),
            .init(6, "feeds[0].name", "'LA Cases' is not a valid name"),
            .init(7, "feeds[0].role", "must be la or provider, not 'council'"),
            .init(8, "feeds[0].every", "'soon' is not a duration"),
            .init(9, "feeds[0].folder.ready", "must be stable or marker"),
            .init(10, "feeds[0].format", "must be csv, json, ndjson or xlsx, not 'xml'"),
            .init(15, "feeds[1].http.max_bytes", "'lots' is not a size"),
            .init(17, "feeds[1].csv", "write this mapping under json:"),
            .init(19, "notices.digest.at", "24-hour time"),
            .init(23, "channels.dco-mail.email_file.from", "'not an address' is not an email address"),
            .init(23, "channels.dco-mail.email_file.to", "must list at least one address"),
        ]),
    ]

    @Test(arguments: fixtures)
    func fixtureReportsExactlyItsIssues(_ fixture: ConfigErrorFixture) throws {
        let path = try ConfigTestSupport.fixturePath(fixture.file)
        let environment = fixture.withCredentials ? ConfigTestSupport.environment : [:]
        guard case .failure(let errors) = ConfigLoader.load(path: path, environment: environment) else {
            Issue.record("\(fixture.file) was accepted")
            return
        }
        let found = errors.issues.map { "\($0.line): \($0.keyPath): \($0.message)" }.joined(separator: "\n")
        try #require(errors.issues.count == fixture.expected.count, "got:\n\(found)")
        for (issue, expected) in zip(errors.issues, fixture.expected) {
            #expect(issue.file == path)
            #expect(issue.line == expected.line, "\(issue)")
            #expect(issue.keyPath == expected.keyPath, "\(issue)")
            #expect(issue.message.contains(expected.fragment), "\(issue)")
            let prefix = expected.keyPath.isEmpty ? "\(path):\(expected.line): " : "\(path):\(expected.line): \(expected.keyPath): "
            #expect(issue.description.hasPrefix(prefix))
        }
    }

    @Test func inlineSecretValueIsNeverEchoed() throws {
        let path = try ConfigTestSupport.fixturePath("inline-secret.yaml")
        guard case .failure(let errors) = ConfigLoader.load(path: path, environment: ConfigTestSupport.environment) else {
            Issue.record("accepted")
            return
        }
        #expect(!errors.description.contains("hunter2"))
    }

    @Test func everyFixtureHasItsOwnCase() throws {
        let directory = try ConfigTestSupport.fixturePath("")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".yaml") }
        #expect(Set(files) == Set(Self.fixtures.map(\.file)))
    }
}
