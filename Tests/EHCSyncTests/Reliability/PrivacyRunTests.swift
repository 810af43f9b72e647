import EHCCore
import Foundation
import Testing
@testable import EHCSync

/// Issue 6, part 6, the short version in the normal test run: one short run of the real
/// `ehcsync run` that makes every kind of output an operator or a recipient sees, with
/// secrets configured for HTTP feeds (a bearer token, a basic password), SMTP and a
/// webhook; then `PrivacyScan` over all of it, and the files' modes.
///
/// Inputs: a small simulated day (`SoakDay`: names, valid and invalid NHS numbers, row
/// errors), a rejected CSV and an errors-list CSV whose bad rows carry names and
/// numbers, an HTTP LA feed that works, and two HTTP provider feeds whose servers fail
/// and echo the request's credentials in their error bodies (a bearer token, and a basic
/// credential both as sent, base64, and as the password). The service's clock starts at
/// 07:20 on a Monday and runs 60×, so the 07:30 digest goes out after ten seconds.
///
/// Outputs scanned: the service's stderr and stdout (plain, at `log_level: trace`), a
/// `sync` afterwards with stderr as the journal stream (`<N>` prefixes), `status` and
/// `status --json`, the metrics file, `report` (CSV and JSON), the digest previews
/// (text, HTML, JSON), every `.eml`, every webhook body and SMTP message as delivered,
/// and every `NAME.error.txt` and `NAME.errors.txt`.
@Suite struct PrivacyRunTests {
    static let bearerToken = "feed-bearer-7c2e91d4a0b3"
    static let failingToken = "rxy-bearer-5d0f3a8e61c7"
    static let basicUser = "ehcsync-feed"
    static let basicPassword = "basic-pass-3e8b0c1f92"
    static let smtpPassword = "smtp-pass-a41f7be20c5d"

    /// Hand-made inputs beyond the simulated day's: their names and NHS numbers.
    static let extraNames = ["Leocadia", "Vanterpool", "Tancredi", "Quennell"]
    static let extraNumbers = ["9434765919", "9434765910", "9990000018", "9990000026", "9990000027"]

    @Test(.timeLimit(.minutes(4)))
    func aShortRunShowsNoNHSNumberNameOrSecretAnywhere() async throws {
        let place = try SoakPlace(keep: false)
        defer { try? FileManager.default.removeItem(atPath: place.root) }
        let secrets = place.root + "/secrets"
        for (name, value) in [("la-token", Self.bearerToken + "\n"), ("rxy-token", Self.failingToken),
                              ("rbt-password", Self.basicPassword + "\n"), ("smtp-password", Self.smtpPassword + "\n")] {
            try Data(value.utf8).write(to: URL(fileURLWithPath: secrets + "/" + name))
        }

        // The peers: a webhook receiver, an SMTP server with STARTTLS and a login, a record endpoint.
        let hook = try PeerProcess("webhook_peer.py", ["--secret-file", place.webhookSecretPath, "--spool", place.spoolPath])
        defer { hook.stop() }
        let mail = try CurlSMTPTests.MailPeer(mode: "starttls", auth: "\(Self.basicUser):\(Self.smtpPassword)")
        defer { mail.stop() }
        let records: [[String: String]] = [
            ["request_id": "API-1", "case_ref": "EHC/A1", "nhs_number": "943 476 5919", "date_of_birth": "2016-02-04",
             "given_name": "Leocadia", "family_name": "Vanterpool", "provider_ods": "RBT", "service": "salt",
             "requested_on": "2026-10-01", "status": "requested", "updated_at": "2026-11-23T07:00:00Z"],
            ["request_id": "API-2", "case_ref": "EHC/A2", "nhs_number": "9434765910", "date_of_birth": "2016-02-04",
             "given_name": "Tancredi", "family_name": "Quennell", "provider_ods": "RBT", "service": "ot",
             "requested_on": "2026-10-01", "status": "requested", "updated_at": "2026-11-23T07:00:00Z"],
        ]
        let feed = try FeedPeer(records)
        let credential = PrivacyScan.basicCredential(user: Self.basicUser, password: Self.basicPassword)
        func echo(_ code: Int, _ body: String) -> String {
            feed.url("/status/\(code)?body=" + (body.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
        }
        let extraFeeds = """
              - name: la-api
                role: la
                every: 5s
                format: json
                http: { url: "\(feed.url("/feed"))", auth: { bearer_token_file: "\(secrets)/la-token" } }
              - name: rbt-api
                role: provider
                every: 5s
                defaults: { provider_ods: RBT }
                format: json
                http: { url: "\(echo(401, "denied: Authorization: Basic \(credential) (password \(Self.basicPassword))"))", auth: { basic: { user: \(Self.basicUser), password_file: "\(secrets)/rbt-password" } } }
              - name: rxy-api
                role: provider
                every: 5s
                defaults: { provider_ods: RXY }
                format: json
                http: { url: "\(echo(500, "upstream said: Authorization: Bearer \(Self.failingToken)"))", auth: { bearer_token_file: "\(secrets)/rxy-token" } }

            """
        let smtp = """
              icb-smtp: { smtp: { url: "\(mail.url("smtp"))", username: \(Self.basicUser), password_file: "\(secrets)/smtp-password", ca_file: "\(mail.pki.caFile)", from: "EHC Sync <ehcsync@soak.example>", to: [icb@soak.example] } }
            """
        try place.writeConfig(webhookURL: hook.url("/ok"), extraFeeds: extraFeeds, commissionerChannels: ["icb-mail", "icb-smtp"],
                              extraChannels: smtp, logLevel: "trace")

        // The folder inputs: a small simulated day, then hand-made files whose bad rows carry names and numbers.
        let start = "2026-11-23T07:20:00Z"
        let startTime = try #require(Timestamp.parse(start, zone: .gmt))
        var day = SoakDay(seed: 6, requests: 60, start: startTime)
        for _ in 0..<24 { try place.drop(day.next(now: startTime)) }
        let header = "request_id,case_ref,nhs_number,date_of_birth,given_name,family_name,provider_ods,service,requested_on,status,updated_at"
        let rejected: [String] = [
            header,
            "H-1,EHC/H1,9990000018,2016-01-01,Leocadia,Vanterpool,RBT,salt,2026-10-01,requested,2026-11-23T07:00:00Z",
            "H-2,\"EHC/H2,9990000026,2016-01-01,Tancredi,Quennell,RBT,salt,2026-10-01,requested,2026-11-23T07:00:00Z",
        ]
        let rowErrors: [String] = [
            header,
            "H-3,EHC/H3,9990000027,2016-01-01,Leocadia,Vanterpool,RBT,salt,2026-10-01,requested,2026-11-23T07:00:00Z",
            "H-4,EHC/H4,9990000026,2016-01-01,Tancredi Quennell,,RBT,salt,2026-02-30,requested,2026-11-23T07:00:00Z",
            "H-5,EHC/H5,9990000018,2016-01-01,Leocadia,Quennell,RBT,salt,2026-10-01,requested",
        ]
        let broken: [String] = [
            #"{"request_id": "H-1", "nhs_number": "9990000018", "given_name": "Leocadia", "status": "acknowledged", "updated_at": "2026-11-23T07:00:00Z"}"#,
            #"{"request_id": "H-3", "nhs_number": "9990000027", "given_name": "Tancredi", "family_name": "Quennell", "status": "#,
            #"{"request_id": "H-5", "nhs_number": "999 000 0026", "family_name": "Vanterpool", "status": "submitted", "updated_at": "2026-11-23T07:00:00Z"}"#,
        ]
        for (feed, name, lines, marker) in [("la-csv", "hand-rejected.csv", rejected, false), ("la-csv", "hand-errors.csv", rowErrors, false),
                                            ("rbt", "hand-broken.ndjson", broken, true)] {
            let bytes = Data(lines.map { $0 + "\n" }.joined().utf8)
            try place.drop(SoakDay.File(feed: feed, name: name, bytes: bytes, marker: marker, outcome: .applied))
        }

        // The run: until everything is taken, the digest is out by every channel and the failing feeds have failed.
        let service = try ServiceProcess(config: place.configPath, extraEnvironment: [ServiceClock.environmentKey: "\(start),60"])
        try await service.waitReady()
        let deadline = Date().addingTimeInterval(120)
        while true {
            let err = service.stderr
            let drained = try await place.waitDrained(seconds: 0)
            let done = drained && err.contains("feed rbt-api") && err.contains("feed rxy-api") && err.contains("la-api: page 1")
                && !((try? mail.received()) ?? []).isEmpty
                && ((try? place.webhookDeliveries()) ?? []).contains { $0.type == "digest" }
                && place.emlFiles().count >= 2
            if done { break }
            guard Date() < deadline, service.process.isRunning else {
                throw TestFailure("timed out waiting for the files to be taken, the digest delivered by .eml, webhook and SMTP, and both failing feeds tried:\n\(err.suffix(3_000))")
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        let storeModes = place.storeModes()
        var views = try place.operatorViews()
        let stop = try await service.stop()
        #expect(stop.result.status == 0)

        // One more cycle by `sync`, its stderr the journal stream.
        let journal = try JournalFormatTests.sync(config: place.configPath, now: "2026-11-23T10:00:00Z").stderr
        #expect(journal.hasPrefix("<"), "the sync's log is in the journal's form: \(journal.prefix(200))")
        views.append(("sync (journal stream)", journal))
        views.append(("stderr", stop.result.stderr))
        views.append(("stdout", stop.result.stdout))
        let received = try mail.received()
        for (i, message) in received.enumerated() { views.append(("smtp message \(i)", String(decoding: message.data, as: UTF8.self))) }
        for delivery in try place.webhookDeliveries() { views.append(("webhook \(delivery.id) \(delivery.type)", delivery.body)) }

        // The run did make each kind of output, so the scan below has something to look at.
        let log = stop.result.stderr
        #expect(log.contains("rejected") && log.contains("row errors"), "files were rejected and rows skipped")
        #expect(log.contains("skipped a record"), "the HTTP feed's invalid record was logged")
        #expect(log.contains("[redacted]"), "the failing feeds' echoed secrets were logged, redacted")
        #expect(place.errorLists().contains { $0.hasSuffix("hand-rejected.csv.error.txt") })
        #expect(place.errorLists().contains { $0.hasSuffix("hand-errors.csv.errors.txt") })
        #expect(place.errorLists().contains { $0.hasSuffix("hand-broken.ndjson.errors.txt") })
        #expect(views.contains { $0.0.hasPrefix("ehcsync status --json") && $0.1.contains("\"row_errors\"") && $0.1.contains("[redacted]") })
        #expect(received.contains { message in
            let text = String(decoding: message.data, as: UTF8.self)
            return text.contains("EHC Sync digest, ") && text.contains("For commissioner")
        })

        let scan = PrivacyScan(nhsNumbers: day.nhsNumbers.union(Self.extraNumbers), names: day.names.union(Self.extraNames),
                               secrets: [Self.bearerToken, Self.failingToken, Self.basicPassword, credential, Self.smtpPassword,
                                         PrivacyScan.basicCredential(user: Self.basicUser, password: Self.smtpPassword)]
                                   + PrivacyScan.secretForms(of: SoakTests.webhookSecret))
        var findings = views.flatMap { scan.findings(in: $0.1, source: $0.0) }
        let trees = place.visibleTrees().map { scan.findings(inTree: $0.root, include: $0.include) }
        findings += trees.flatMap(\.findings)
        print("privacy: \(scan.counts) looked for in \(views.count) outputs and \(trees.map(\.files.count).reduce(0, +)) files: \(findings.count) findings")
        #expect(findings.isEmpty, "\(PrivacyScan.report(findings))")

        // Modes (SPEC §6, README "The store", "Logs and metrics", "How a drop folder is read").
        #expect(Set(storeModes.keys) == [place.storePath, place.storePath + "-wal", place.storePath + "-shm", place.storePath + ".lock"],
                "the store's files while it ran: \(storeModes.keys.sorted())")
        for (path, mode) in storeModes { #expect(mode == 0o600, "\(path) is \(String(mode, radix: 8)), not 600") }
        for (path, mode) in try place.outputModes() { #expect(mode.actual == mode.wanted, "\(path) is \(String(mode.actual, radix: 8)), not \(String(mode.wanted, radix: 8))") }
    }
}
