import EHCCore
import Testing
@testable import EHCSync

/// The small grammars of the config file, as tables.
@Suite struct ConfigRuleTests {
    @Test(arguments: [("30s", 30), ("5m", 300), ("2h", 7200), ("2d", 172_800), ("45", 45), (" 15m ", 900)])
    func durationsAreANumberAndOneUnit(text: String, seconds: Int) throws {
        #expect(try DurationText.seconds(text).get() == seconds)
    }

    @Test(arguments: ["", "0", "0s", "-5m", "5 min", "1h30m", "1.5h", "5M", "m", "two days", "99999999999999999999d"])
    func otherDurationsAreRefused(text: String) {
        guard case .failure(let problem) = DurationText.seconds(text) else {
            Issue.record("'\(text)' was accepted")
            return
        }
        #expect(problem.message.contains("30s") || problem.message.contains("too long"))
    }

    @Test(arguments: [("1024", 1024), ("50MB", 50_000_000), ("512KB", 512_000), ("1GB", 1_000_000_000),
                      ("2 mb", 2_000_000), ("1MiB", 1_048_576), ("10B", 10)])
    func sizesTakeDecimalAndBinaryUnits(text: String, bytes: Int) throws {
        #expect(try ByteSizeText.bytes(text).get() == bytes)
    }

    @Test(arguments: ["", "0", "lots", "5TB", "-1MB", "1.5MB"])
    func otherSizesAreRefused(text: String) {
        #expect((try? ByteSizeText.bytes(text).get()) == nil)
    }

    @Test(arguments: ["dd/MM/yyyy", "d.M.yyyy", "yyyyMMdd", "yyyy-MM-dd", "MM/dd/yyyy", "d MM yyyy", "dd-M-yyyy"])
    func dateFormatsWithOneDayMonthAndYearAreAccepted(pattern: String) {
        #expect((try? DateFormatRule.tokens(pattern).get()) != nil)
    }

    @Test(arguments: [
        ("dd/MM/yy", "two-digit years are ambiguous: write yyyy"),
        ("DD/MM/yyyy", "unknown letter 'D'"),
        ("dd/mm/yyyy", "unknown letter 'm'"),
        ("dd/MMM/yyyy", "'MMM' is not supported"),
        ("dd/MM/yyyyy", "'yyyyy' is not a year"),
        ("MM/yyyy", "has no day"),
        ("dd/MM/yyyy dd", "has the day more than once"),
        ("yyyydM", "need a separator"),
        ("dMMyyyy", "need a separator"),
    ])
    func badDateFormatsSayWhatIsWrong(pattern: String, fragment: String) {
        guard case .failure(let problem) = DateFormatRule.tokens(pattern) else {
            Issue.record("'\(pattern)' was accepted")
            return
        }
        #expect(problem.message.contains(fragment), "\(problem.message)")
    }

    @Test(arguments: ["dd/MM/yyyy HH:mm", "d/M/yyyy H:mm:ss", "d/M/yyyy h:mm a", "yyyy-MM-dd HH:mm:ss", "dd.MM.yyyy, HH:mm",
                      "yyyyMMdd HHmm"])
    func timestampFormatsWithADateAnHourAndMinutesAreAccepted(pattern: String) throws {
        #expect((try? DateFormatRule.tokens(pattern, timestamp: true).get()) != nil)
        // The loader's rule and the core's reader agree on what is a pattern.
        #expect(DatePattern(timestamp: pattern) != nil)
    }

    @Test(arguments: [
        ("dd/MM/yyyy", "needs the hour once"),
        ("dd/MM/yyyy HH", "needs the minutes once"),
        ("dd/MM/yyyy h:mm", "needs a (AM/PM)"),
        ("dd/MM/yyyy HH:mm a", "goes with a 12-hour"),
        ("dd/MM/yyyy HH:m", "write minutes as mm"),
        ("dd/MM/yyyy HHH:mm", "write the hour as"),
        ("dd/MM/yyyy HH:mm:ss:ss", "seconds more than once"),
        ("dd/MM/yy HH:mm", "two-digit years"),
        ("dd/MM/yyyy HH:mm Z", "unknown letter 'Z' in timestamp_format"),
    ])
    func badTimestampFormatsSayWhatIsWrong(pattern: String, fragment: String) {
        guard case .failure(let problem) = DateFormatRule.tokens(pattern, timestamp: true) else {
            Issue.record("'\(pattern)' was accepted")
            return
        }
        #expect(problem.message.contains(fragment), "\(problem.message)")
        #expect(DatePattern(timestamp: pattern) == nil)
    }

    @Test func aTimeInDateFormatPointsToTimestampFormat() {
        guard case .failure(let problem) = DateFormatRule.tokens("dd/MM/yyyy HH:mm") else {
            Issue.record("accepted")
            return
        }
        #expect(problem.message.contains("timestamp_format"), "\(problem.message)")
    }

    @Test(arguments: [("localhost", true), ("127.0.0.1", true), ("127.10.20.30", true), ("::1", true), ("[::1]", true),
                      ("LOCALHOST", true), ("128.0.0.1", false), ("127.0.0", false), ("127.0.0.256", false),
                      ("example.nhs.uk", false), ("localhost.example.com", false), ("10.0.0.1", false)])
    func loopbackHostsAreThisMachineOnly(host: String, loopback: Bool) {
        #expect(EndpointRule.isLoopback(host: host) == loopback)
    }

    @Test(arguments: [
        ("https://example.nhs.uk/x", false, nil),
        ("http://127.0.0.1:8080/x", false, nil),
        ("http://localhost/x", false, nil),
        ("http://[::1]:9000/x", false, nil),
        ("http://example.nhs.uk/x", true, nil),
        ("http://example.nhs.uk/x", false, "plain http"),
        ("ftp://example.nhs.uk/x", false, "must start with https://"),
        ("https://user:pw@example.nhs.uk/x", false, "secrets are never inline"),
        ("not a url", false, "not a valid URL"),
        ("https:///nohost", false, "not a valid URL"),
    ] as [(String, Bool, String?)])
    func httpURLsAreTLSUnlessLoopbackOrAllowed(url: String, insecure: Bool, fragment: String?) {
        let problem = EndpointRule.httpProblem(url, allowInsecureHTTP: insecure)
        if let fragment {
            #expect(problem?.contains(fragment) == true, "\(problem ?? "accepted")")
            #expect(problem?.contains("pw") != true)
        } else {
            #expect(problem == nil)
        }
    }

    @Test(arguments: [("smtp://mail.example.nhs.uk:587", true), ("smtps://mail.example.nhs.uk", true),
                      ("https://mail.example.nhs.uk", false), ("mail.example.nhs.uk", false)])
    func smtpURLsAreSMTPOrSMTPS(url: String, valid: Bool) {
        #expect((EndpointRule.smtpProblem(url) == nil) == valid)
    }

    @Test(arguments: [("dco@example.nhs.uk", true), ("EHC Sync <ehcsync@example.nhs.uk>", true),
                      ("\"Team, DCO\" <dco@example.nhs.uk>", true), ("a@localhost", true),
                      ("not an address", false), ("a@", false), ("@b.uk", false), ("a@b..uk", false),
                      ("a b@c.uk", false), ("Name <a@b.uk", false), ("x@y.z\nBcc: evil@example.com", false)])
    func addressesLookLikeAddresses(text: String, valid: Bool) {
        #expect(MailAddressRule.isValid(text) == valid)
    }

    @Test(arguments: [
        ("setle_seconds", "settle_seconds"), ("formt", "format"), ("Role", "role"),
        ("colour", nil), ("x", nil), ("every_seconds", nil),
    ] as [(String, String?)])
    func nearMissesSuggestTheKey(typo: String, suggestion: String?) {
        let keys = ConfigBuilder.feedKeys + ["settle_seconds"]
        #expect(KeySuggestion.nearest(to: typo, among: keys) == suggestion)
    }

    @Test(arguments: [("07:30", 7, 30), ("7:30", 7, 30), ("23:59", 23, 59), ("00:00", 0, 0)])
    func digestTimesAreTwentyFourHour(text: String, hour: Int, minute: Int) {
        let time = ConfigBuilder.clockTime(text)
        #expect(time?.hour == hour)
        #expect(time?.minute == minute)
    }

    @Test(arguments: ["24:00", "7.30", "7:5", "07:60", "0730", "7pm"])
    func otherDigestTimesAreRefused(text: String) {
        #expect(ConfigBuilder.clockTime(text) == nil)
    }

    @Test(arguments: [(",", UInt8(ascii: ",")), (";", UInt8(ascii: ";")), ("|", UInt8(ascii: "|")),
                      ("tab", 9), ("TAB", 9), ("\\t", 9), ("\t", 9)])
    func delimitersAreOneASCIICharacter(written: String, byte: UInt8) throws {
        let yaml = ConfigTestSupport.minimalFeeds.replacingOccurrences(of: "format: csv", with: "format: csv\n    csv: { delimiter: '\(written)' }")
        let config = try #require(ConfigTestSupport.config(yaml))
        #expect(config.feeds.first?.mapping.delimiter == byte)
    }

    @Test(arguments: [",,", "", "é", "\""])
    func otherDelimitersAreRefused(written: String) {
        let escaped = written.replacingOccurrences(of: "\"", with: "\\\"")
        let yaml = ConfigTestSupport.minimalFeeds.replacingOccurrences(of: "format: csv", with: "format: csv\n    csv: { delimiter: \"\(escaped)\" }")
        let issues = ConfigTestSupport.issues(yaml)
        #expect(issues.map(\.keyPath) == ["feeds[0].csv.delimiter"])
    }

    @Test(arguments: [("utf-8", "utf-8"), ("UTF8", "utf-8"), ("cp1252", "windows-1252"), ("Windows-1252", "windows-1252"),
                      ("latin1", "iso-8859-1"), ("ISO8859-1", "iso-8859-1"), ("iso-8859-1", "iso-8859-1")])
    func encodingAliasesAreNormalised(written: String, canonical: String) throws {
        let yaml = ConfigTestSupport.minimalFeeds.replacingOccurrences(of: "format: csv", with: "format: csv\n    csv: { encoding: \(written) }")
        let config = try #require(ConfigTestSupport.config(yaml))
        #expect(config.feeds.first?.mapping.encoding == canonical)
    }
}
