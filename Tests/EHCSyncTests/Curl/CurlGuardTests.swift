import Foundation
import Testing
@testable import EHCSync

/// What `CurlClient` refuses before any network I/O, and how it tells loopback apart.
/// None of these tests opens a connection.
@Suite struct CurlGuardTests {
    @Test(arguments: [
        ("127.0.0.1", true), ("127.255.3.9", true), ("localhost", true), ("LocalHost", true), ("localhost.", true),
        ("::1", true), ("[::1]", true), ("::ffff:127.0.0.1", true), ("[0:0:0:0:0:0:0:1]", true),
        ("128.0.0.1", false), ("10.0.0.1", false), ("0.0.0.0", false), ("::", false), ("::ffff:10.0.0.1", false),
        ("example.com", false), ("localhost.example.com", false), ("127.0.0.1.example.com", false),
        ("127.1", false), ("", false),
    ])
    func loopbackIsOnlyThisMachine(host: String, loopback: Bool) {
        #expect(CurlClient.isLoopback(host: host) == loopback)
    }

    @Test func plainHTTPToAnotherHostIsRefusedBeforeConnecting() async {
        let error = await CurlTest.failure(of: HTTPRequest(url: "http://example.invalid/feed"))
        #expect(error?.code == 1)
        #expect(error?.message.contains("refusing plain http to http://example.invalid") == true)
    }

    @Test(arguments: ["file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1/", "smtp://127.0.0.1/", "dict://127.0.0.1/"])
    func onlyHTTPSchemesAreFetched(url: String) async {
        let error = await CurlTest.failure(of: HTTPRequest(url: url, allowInsecureHTTP: true))
        #expect(error?.code == 1)
        #expect(error?.message.hasPrefix("refusing") == true)
    }

    @Test func credentialsInTheURLAreRefusedWithoutEchoingThem() async {
        let error = await CurlTest.failure(of: HTTPRequest(url: "https://feeduser:s3cret-pass@127.0.0.1:9/x"))
        #expect(error?.code == 3)
        #expect(error?.message.contains("s3cret-pass") == false)
        #expect(error?.message.contains("feeduser") == false)
    }

    @Test func notAURLIsMalformed() async {
        let error = await CurlTest.failure(of: HTTPRequest(url: "no scheme here"))
        #expect(error?.code == 3)
    }

    @Test(arguments: [("X-Ok", "a\r\nInjected: 1"), ("X-Ok", "a\nb"), ("Bad Name", "v"), ("Bad:Name", "v"), ("", "v")])
    func headerInjectionIsRefused(name: String, value: String) async {
        let request = HTTPRequest(url: "https://127.0.0.1:9/x", headers: [(name, value)])
        let error = await CurlTest.failure(of: request)
        #expect(error?.code == 43)
    }

    @Test func basicAndBearerTogetherAreRefused() async {
        let request = HTTPRequest(url: "https://127.0.0.1:9/x", basicAuth: ("u", "p"), bearerToken: "t")
        #expect(await CurlTest.failure(of: request)?.code == 43)
    }

    @Test func aGETHasNoBody() async {
        let request = HTTPRequest(method: .get, url: "https://127.0.0.1:9/x", body: Data("x".utf8))
        #expect(await CurlTest.failure(of: request)?.code == 43)
    }

    @Test(arguments: [0.0, -1, Double.nan, Double.infinity])
    func aTimeoutMustBePositive(seconds: Double) async {
        let request = HTTPRequest(url: "https://127.0.0.1:9/x", timeoutSeconds: seconds)
        #expect(await CurlTest.failure(of: request)?.code == 43)
    }

    @Test func printingARequestShowsNoSecret() {
        let request = HTTPRequest(url: "https://hooks.example/services/T0/B0/pathsecret?key=querysecret",
                                  headers: [("Authorization", "Bearer headersecret")],
                                  basicAuth: ("user", "basicsecret"))
        let withToken = HTTPRequest(url: "https://hooks.example/x", bearerToken: "tokensecret")
        for text in ["\(request)", String(reflecting: request), "\(withToken)", String(reflecting: withToken)] {
            for secret in ["pathsecret", "querysecret", "headersecret", "basicsecret", "tokensecret"] {
                #expect(!text.contains(secret), "\(text)")
            }
        }
        #expect("\(request)" == "GET https://hooks.example (basic auth)")
    }

    @Test func printingAMailShowsNoPassword() {
        let mail = SMTPMessage(url: "smtps://mail.example:465", username: "relay", password: "mailsecret",
                               from: "a@example.org", recipients: ["b@example.org"], message: Data("x\r\n".utf8))
        #expect(!"\(mail)".contains("mailsecret"))
        #expect(!String(reflecting: mail).contains("mailsecret"))
    }

    @Test(arguments: ["https://127.0.0.1:9", "http://127.0.0.1:9", "file:///tmp/x", "smtpx://127.0.0.1:9"])
    func mailGoesOnlyOverSMTP(url: String) async {
        let mail = SMTPMessage(url: url, from: "a@example.org", recipients: ["b@example.org"], message: Data("x\r\n".utf8))
        #expect(await CurlTest.failure(of: mail)?.code == 1)
    }

    @Test(arguments: [
        ("a@example.org", [String]()), ("", ["b@example.org"]), ("a@example.org", ["b@example.org\r\nRCPT TO:<c@x>"]),
        ("a@example.org>", ["b@example.org"]), ("no-at-sign", ["b@example.org"]),
    ])
    func aMailEnvelopeMustBeBareAddresses(from: String, recipients: [String]) async {
        let mail = SMTPMessage(url: "smtp://127.0.0.1:9", from: from, recipients: recipients, message: Data("x\r\n".utf8))
        #expect(await CurlTest.failure(of: mail)?.code == 43)
    }

    @Test func aMailLoginNeedsBothHalves() async {
        let mail = SMTPMessage(url: "smtp://127.0.0.1:9", username: "relay", from: "a@example.org",
                               recipients: ["b@example.org"], message: Data("x\r\n".utf8))
        #expect(await CurlTest.failure(of: mail)?.code == 43)
    }

    @Test func aCancelledTaskDoesNotStartTheTransfer() async {
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await CurlTest.failure(of: HTTPRequest(url: "https://127.0.0.1:9/never"))
        }
        let error = await task.value
        #expect(error?.code == 42)
        #expect(error?.message.contains("cancelled") == true)
    }
}
