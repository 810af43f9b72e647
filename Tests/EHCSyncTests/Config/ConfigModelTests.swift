import EHCCore
import Foundation
import Testing
@testable import EHCSync

/// A full, valid config reads into exactly the expected model; what is not written
/// takes the documented default.
@Suite struct ConfigModelTests {
    static let full = """
        store: /var/lib/ehcsync/ehcsync.sqlite
        timezone: Europe/Dublin
        stale_after: 6h
        rules:
          advice_weeks: 7
          delivery_grace_days: 3
          amendment_days: 10
          due_date_tolerance_days: 1
        feeds:
          - name: la-cases
            role: la
            every: 5m
            defaults: { service: salt, requested_on: 2025-01-31, dispute: none }
            folder: { path: /srv/ehcsync/la, pattern: "cases-*.txt", ready: marker, settle_seconds: 0 }
            format: csv
            csv:
              encoding: CP1252
              delimiter: tab
              date_format: d.M.yyyy
              columns: { request_id: "Advice Ref", case_ref: "EHC Ref" }
              values: { status: { Sent: requested, 1: accepted }, service: { "Speech & Language": salt } }
          - name: trust-community
            role: provider
            every: 90
            defaults: { provider_ods: RBT }
            http:
              url: https://integration.example.nhs.uk/ehc/advice
              since_param: updated_since
              auth: { basic: { user: ehc, password_file: /etc/ehcsync/secrets/trust-password } }
              ca_file: ca.pem
              timeout_seconds: 12
              max_bytes: 512KB
              pinned_public_key: "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
            format: ndjson
            json:
              date_format: yyyyMMdd
              columns: { provider_ref: referralId }
              values: { exception: { DNA: missed_appointment } }
          - name: local-stub
            role: provider
            http: { url: "http://[::1]:8080/advice", auth: { client_cert: c.pem, client_key: /k.pem } }
            format: json
          - name: lan-server
            role: provider
            http: { url: "http://10.1.2.3/advice", allow_insecure_http: true }
            format: json
        notices:
          due_soon_days: 5
          reminders_before_due_days: [10, 3]
          escalations:
            - { after_due_days: 2, level: 1, to: [dco] }
          conflicts_to: [dco, commissioner]
          disputes_to: []
          digest: { at: "8:05", weekdays_only: false, to: [commissioner] }
          include_identifiers: true
        recipients:
          dco: { channels: [dco-mail, dco-hook] }
          commissioner: { channels: [icb-smtp] }
          salt-team: { for: { provider_ods: RBT, service: salt }, channels: [dco-mail] }
        channels:
          dco-mail: { email_file: { dir: outbox, from: "EHC Sync <ehcsync@example.nhs.uk>", to: [dco@example.nhs.uk, "DCO Deputy <deputy@example.nhs.uk>"] } }
          icb-smtp: { smtp: { url: "smtps://mail.example.nhs.uk", from: ehcsync@example.nhs.uk, to: [icb@example.nhs.uk] } }
          dco-hook: { webhook: { url: "https://hooks.example.nhs.uk/ehc", secret_file: webhook-secret, max_retry_hours: 6, timeout_seconds: 5 } }
        log_level: warning
        metrics_file: /var/lib/prometheus/node-exporter/ehcsync.prom
        """

    @Test func fullConfigReadsIntoTheModel() throws {
        let config = try #require(ConfigTestSupport.config(Self.full))
        let creds = ConfigTestSupport.credentials
        #expect(config.file == "/etc/ehcsync/ehcsync.yaml")
        #expect(config.storePath == "/var/lib/ehcsync/ehcsync.sqlite")
        #expect(config.timeZoneIdentifier == "Europe/Dublin")
        #expect(config.staleAfterSeconds == 6 * 3600)
        #expect(config.rules == Rules(adviceWeeks: 7, deliveryGraceDays: 3, amendmentDays: 10, dueDateToleranceDays: 1))
        #expect(Set(config.presentSections.keys) == Set(ConfigBuilder.sections))
        #expect(config.logLevel == .warning)
        #expect(config.metricsFile == "/var/lib/prometheus/node-exporter/ehcsync.prom")
        try #require(config.feeds.count == 4)

        let la = config.feeds[0]
        #expect(la.name == "la-cases")
        #expect(la.role == .la)
        #expect(la.everySeconds == 300)
        #expect(la.defaults == [.service: "salt", .requested_on: "2025-01-31", .dispute: "none"])
        #expect(la.transport == .folder(FolderFeedConfig(path: "/srv/ehcsync/la", pattern: "cases-*.txt", ready: .marker, settleSeconds: 0)))
        #expect(la.format == .csv)
        #expect(la.mapping == FieldMapping(
            encoding: "windows-1252", delimiter: 9, dateFormat: "d.M.yyyy",
            columns: [.request_id: "Advice Ref", .case_ref: "EHC Ref"],
            values: [.status: ["Sent": "requested", "1": "accepted"], .service: ["Speech & Language": "salt"]]
        ))
        #expect(la.line == 10)

        let trust = config.feeds[1]
        #expect(trust.everySeconds == 90)
        #expect(trust.format == .ndjson)
        #expect(trust.transport == .http(HTTPFeedConfig(
            url: "https://integration.example.nhs.uk/ehc/advice", sinceParam: "updated_since",
            auth: .basic(user: "ehc", passwordFile: "/etc/ehcsync/secrets/trust-password"),
            caFile: "\(creds)/ca.pem", timeoutSeconds: 12, maxBytes: 512_000, allowInsecureHTTP: false,
            pinnedPublicKey: "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
        )))
        #expect(trust.mapping == FieldMapping(dateFormat: "yyyyMMdd", columns: [.provider_ref: "referralId"],
                                              values: [.exception: ["DNA": "missed_appointment"]]))

        #expect(config.feeds[2].transport == .http(HTTPFeedConfig(
            url: "http://[::1]:8080/advice", auth: .clientCertificate(certFile: "\(creds)/c.pem", keyFile: "/k.pem"))))
        #expect(config.feeds[3].transport == .http(HTTPFeedConfig(url: "http://10.1.2.3/advice", allowInsecureHTTP: true)))

        #expect(config.notices == NoticesConfig(
            dueSoonDays: 5, remindersBeforeDueDays: [10, 3],
            escalations: [EscalationStep(afterDueDays: 2, level: 1, to: ["dco"])],
            conflictsTo: ["dco", "commissioner"], disputesTo: [],
            digest: DigestConfig(hour: 8, minute: 5, weekdaysOnly: false, to: ["commissioner"]),
            includeIdentifiers: true
        ))
        #expect(config.recipients.map(\.name) == ["dco", "commissioner", "salt-team"])
        #expect(config.recipient(named: "salt-team")?.match == [.provider_ods: "RBT", .service: "salt"])
        #expect(config.recipient(named: "dco")?.channels == ["dco-mail", "dco-hook"])
        #expect(config.channels.map(\.name) == ["dco-mail", "icb-smtp", "dco-hook"])
        #expect(config.channel(named: "dco-mail")?.kind == .emailFile(
            dir: "/etc/ehcsync/outbox", from: "EHC Sync <ehcsync@example.nhs.uk>",
            to: ["dco@example.nhs.uk", "DCO Deputy <deputy@example.nhs.uk>"]))
        #expect(config.channel(named: "icb-smtp")?.kind == .smtp(
            url: "smtps://mail.example.nhs.uk", username: nil, passwordFile: nil, caFile: nil,
            from: "ehcsync@example.nhs.uk", to: ["icb@example.nhs.uk"], timeoutSeconds: 30))
        #expect(config.channel(named: "dco-hook")?.kind == .webhook(
            url: "https://hooks.example.nhs.uk/ehc", secretFile: "\(creds)/webhook-secret", maxRetryHours: 6,
            allowInsecureHTTP: false, caFile: nil, timeoutSeconds: 5))
    }

    @Test func unwrittenKeysTakeTheirDefaults() throws {
        let config = try #require(ConfigTestSupport.config(ConfigTestSupport.minimalFeeds,
                                                           environment: ["STATE_DIRECTORY": "/var/lib/ehcsync"]))
        #expect(config.storePath == "/var/lib/ehcsync/ehcsync.sqlite")
        #expect(config.timeZoneIdentifier == "Europe/London")
        #expect(config.staleAfterSeconds == 2 * 86_400)
        #expect(config.rules == Rules(adviceWeeks: 6, deliveryGraceDays: 5, amendmentDays: 14, dueDateToleranceDays: 2))
        #expect(Set(config.presentSections.keys) == ["feeds"])
        let feed = try #require(config.feeds.first)
        #expect(feed.everySeconds == 300)
        #expect(feed.defaults.isEmpty)
        #expect(feed.transport == .folder(FolderFeedConfig(path: "/srv/ehcsync/la", pattern: "*.csv", ready: .stable, settleSeconds: 10)))
        #expect(feed.mapping == FieldMapping(encoding: "utf-8", delimiter: UInt8(ascii: ","), dateFormat: nil, columns: [:], values: [:]))
        // No recipients defined: default names are dropped, nothing is sent, and that is valid.
        #expect(config.recipients.isEmpty)
        #expect(config.channels.isEmpty)
        #expect(config.notices.dueSoonDays == 7)
        #expect(config.notices.remindersBeforeDueDays == [14, 7, 2])
        #expect(config.notices.escalations == [
            EscalationStep(afterDueDays: 1, level: 1, to: []),
            EscalationStep(afterDueDays: 14, level: 2, to: []),
        ])
        #expect(config.notices.conflictsTo.isEmpty)
        #expect(config.notices.disputesTo.isEmpty)
        #expect(config.notices.digest == DigestConfig(hour: 7, minute: 30, weekdaysOnly: true, to: []))
        #expect(config.notices.includeIdentifiers == false)
    }

    @Test func defaultRecipientNamesAreKeptWhenDefined() throws {
        let yaml = ConfigTestSupport.minimalFeeds + """
            recipients:
              dco: { channels: [mail] }
            channels:
              mail: { email_file: { dir: /var/spool/ehcsync, from: a@example.nhs.uk, to: [b@example.nhs.uk] } }
            """
        let config = try #require(ConfigTestSupport.config(yaml))
        #expect(config.notices == NoticesConfig(
            escalations: [EscalationStep(afterDueDays: 1, level: 1, to: ["dco"]),
                          EscalationStep(afterDueDays: 14, level: 2, to: ["dco"])],
            conflictsTo: ["dco"], disputesTo: ["dco"], digest: DigestConfig(to: ["dco"])))
    }

    @Test func defaultFolderPatternFollowsTheFormat() throws {
        let yaml = """
            feeds:
              - { name: a, role: provider, folder: { path: /a }, format: json }
              - { name: b, role: provider, folder: { path: /b }, format: ndjson }
            """
        let config = try #require(ConfigTestSupport.config(yaml))
        let patterns = config.feeds.compactMap { feed -> String? in
            if case .folder(let folder) = feed.transport { return folder.pattern }
            return nil
        }
        #expect(patterns == ["*.json", "*.ndjson"])
    }

    @Test func repeatedKeysAreEachReportedAlongsideOtherErrors() {
        let yaml = """
            feeds:
              - { name: a, role: la, name: b, folder: { path: /a }, format: csv, name: "c" }
              - name: b
                role: nobody
                role: la
                folder: { path: /b }
                format: csv
            """
        let issues = ConfigTestSupport.issues(yaml)
        #expect(issues.map(\.line) == [2, 2, 4, 5])
        #expect(issues.map(\.keyPath) == ["feeds[0].name", "feeds[0].name", "feeds[1].role", "feeds[1].role"])
        #expect(issues[0].message.contains("first at line 2"))
        #expect(issues[2].message.contains("must be la or provider"))
        #expect(issues[3].message.contains("written twice"))
    }

    @Test func namesWrittenInNoticesMustBeDefined() {
        let yaml = ConfigTestSupport.minimalFeeds + """
            notices:
              conflicts_to: [dco]
              digest: { to: [dco] }
            """
        let issues = ConfigTestSupport.issues(yaml)
        #expect(issues.map(\.keyPath) == ["notices.conflicts_to[0]", "notices.digest.to[0]"])
        #expect(issues.allSatisfy { $0.message.contains("unknown recipient 'dco'") })
    }

    @Test func issueDescriptionIsFileLineKeyPathMessage() {
        let issue = ConfigIssue(file: "/etc/ehcsync/ehcsync.yaml", line: 14, keyPath: "feeds[1].folder.ready",
                                message: "must be stable or marker, not 'ready'")
        #expect(issue.description == "/etc/ehcsync/ehcsync.yaml:14: feeds[1].folder.ready: must be stable or marker, not 'ready'")
        let errors = ConfigErrors(issues: [
            ConfigIssue(file: "f", line: 9, keyPath: "b", message: "x"),
            ConfigIssue(file: "f", line: 2, keyPath: "a", message: "y"),
            ConfigIssue(file: "f", line: 9, keyPath: "c", message: "z"),
        ])
        #expect(errors.description == "f:2: a: y\nf:9: b: x\nf:9: c: z")
    }

    @Test func exampleConfigLoadsWithoutErrors() throws {
        let path = ConfigTestSupport.packageRoot().appendingPathComponent("Config/ehcsync.example.yaml").path
        let result = ConfigLoader.load(path: path, environment: ConfigTestSupport.environment)
        switch result {
        case .success(let config):
            #expect(config.feeds.count >= 2)
            // metrics_file is shown commented out: its folder needs a ReadWritePaths= drop-in first.
            #expect(Set(config.presentSections.keys) == Set(ConfigBuilder.sections).subtracting(["metrics_file"]))
        case .failure(let errors):
            Issue.record("example config has errors:\n\(errors)")
        }
    }

    @Test func exampleConfigWritesEveryKeyOfTheSpec() throws {
        let path = ConfigTestSupport.packageRoot().appendingPathComponent("Config/ehcsync.example.yaml").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let keys = ConfigBuilder.sections + ConfigBuilder.feedKeys + ConfigBuilder.csvKeys + ConfigBuilder.noticeKeys
            + ConfigBuilder.channelKinds + [
                "advice_weeks", "delivery_grace_days", "amendment_days", "due_date_tolerance_days",
                "path", "pattern", "ready", "settle_seconds", "url", "since_param", "auth", "bearer_token_file",
                "client_cert", "client_key", "ca_file", "timeout_seconds", "max_bytes", "allow_insecure_http",
                "pinned_public_key", "after_due_days", "level", "to", "at", "weekdays_only", "for", "channels",
                "dir", "from", "username", "password_file", "secret_file", "max_retry_hours",
            ]
        for key in keys {
            #expect(text.contains("\(key):"), "example does not show \(key)")
        }
    }
}
