import Foundation
import Testing
@testable import EHCSync

/// `CurlClient.perform` against a real HTTP server on 127.0.0.1 (`Tests/Peers/http_peer.py`).
@Suite struct CurlHTTPTests {
    @Test func jsonAnswerComesBackWithItsHeaders() async throws {
        let peer = try CurlTest.httpPeer()
        defer { peer.stop() }
        let response = try await CurlClient.perform(HTTPRequest(url: peer.url("/json")))
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"ok": true, "items": [1, 2, 3]}"#)
        #expect(response.header("X-Peer") == "http_peer")
        #expect(response.header("content-type") == "application/json")
        #expect(response.headers.allSatisfy { $0.0 == $0.0.lowercased() })
        #expect(response.effectiveURL == peer.url("/json"))
    }

    @Test func notModifiedAnswersWithTheETag() async throws {
        let peer = try CurlTest.httpPeer()
        defer { peer.stop() }
        let first = try await CurlClient.perform(HTTPRequest(url: peer.url("/etag")))
        #expect(first.status == 200)
        let etag = try #require(first.header("ETag"))
        let second = try await CurlClient.perform(HTTPRequest(url: peer.url("/etag"), headers: [("If-None-Match", etag)]))
        #expect(second.status == 304)
        #expect(second.header("etag") == #""v1""#)
        #expect(second.body.isEmpty)
    }

    @Test func tooManyRequestsIsAResponseWithRetryAfter() async throws {
        let peer = try CurlTest.httpPeer()
        defer { peer.stop() }
        let response = try await CurlClient.perform(HTTPRequest(url: peer.url("/ratelimited")))
        #expect(response.status == 429)
        #expect(response.header("Retry-After") == "7")
    }

    @Test func serverErrorIsAResponseNotAnError() async throws {
        let peer = try CurlTest.httpPeer()
        defer { peer.stop() }
        let response = try await CurlClient.perform(HTTPRequest(url: peer.url("/error")))
        #expect(response.status == 500)
        #expect(String(decoding: response.body, as: UTF8.self) == "broken")
    }

    @Test func aSlowDripTimesOut() async throws {
        let peer = try CurlTest.httpPeer()
        defer { peer.stop() }
        let error = await CurlTest.failure(of: HTTPRequest(url: peer.url("/drip?bytes=20&interval=2"), timeoutSeconds: 2.5))
        // The drip would take 40 s and then succeed; a timeout error proves libcurl cut it
        // off. No wall-clock bound: on a 2-core machine other tests can hold the
        // cooperative pool and delay resuming this task past any bound worth stating.
        #expect(error?.isTimeout == true)
        #expect(error?.message.contains("Timeout") == true || error?.message.contains("timed out") == true)
    }

    @Test func aBodyOverMaxBytesFails() async throws {
        let peer = try CurlTest.httpPeer()
        defer { peer.stop() }
        let error = await CurlTest.failure(of: HTTPRequest(url: peer.url("/big?bytes=300000"), maxBytes: 100_000))
        #expect(error?.code == 23)
        #expect(error?.message.contains("body larger than 100000 bytes") == true)
    }

    @Test func aBodyOfExactlyMaxBytesIsAccepted() async throws {
        let peer = try CurlTest.httpPeer()
        defer { peer.stop() }
        let response = try await CurlClient.perform(HTTPRequest(url: peer.url("/big?bytes=100000"), maxBytes: 100_000))
        #expect(response.body.count == 100_000)
    }

    @Test func aGzipBodyIsLimitedByItsDecodedSize() async throws {
        let peer = try CurlTest.httpPeer()
        defer { peer.stop() }
        // About 1 KB on the wire, a million bytes decoded.
        let error = await CurlTest.failure(of: HTTPRequest(url: peer.url("/gzip?bytes=1000000"), maxBytes: 100_000))
        #expect(error?.code == 23)
        #expect(error?.message.contains("body larger than 100000 bytes") == true)
    }

    @Test func aGzipBodyIsDecoded() async throws {
        let peer = try CurlTest.httpPeer()
        defer { peer.stop() }
        let response = try await CurlClient.perform(HTTPRequest(url: peer.url("/gzip?bytes=5000"), maxBytes: 100_000))
        #expect(response.header("content-encoding") == "gzip")
        #expect(response.body == Data(count: 5000))
    }

    @Test func aRedirectToAFileIsRefused() async throws {
        let peer = try CurlTest.httpPeer()
        defer { peer.stop() }
        let error = await CurlTest.failure(of: HTTPRequest(url: peer.url("/redirect?to=file:///etc/passwd")))
        #expect(error?.code == 1)
        #expect(error?.message.contains("refused a redirect to another scheme") == true)
    }

    @Test func fiveRedirectsAreFollowedAndOnlyTheLastHeadersKept() async throws {
        let peer = try CurlTest.httpPeer()
        defer { peer.stop() }
        let response = try await CurlClient.perform(HTTPRequest(url: peer.url("/chain/5")))
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == "end")
        #expect(response.headers(named: "x-hop") == ["0"])
        #expect(response.header("location") == nil)
        #expect(response.effectiveURL == peer.url("/chain/0"))
    }

    @Test func aSixthRedirectIsRefused() async throws {
        let peer = try CurlTest.httpPeer()
        defer { peer.stop() }
        let error = await CurlTest.failure(of: HTTPRequest(url: peer.url("/chain/6")))
        #expect(error?.code == 47)
    }

    @Test func postSendsTheExactBytesAndHeaders() async throws {
        let peer = try CurlTest.httpPeer()
        defer { peer.stop() }
        var body = Data((0...255).map { UInt8($0) })
        body += Data("\r\n.\r\n{\"é\": \"\\u0000\"}\n".utf8)
        body = body + body + body
        let request = HTTPRequest(method: .post, url: peer.url("/echo"), headers: [
            ("Content-Type", "application/json"), ("webhook-id", "msg_42"), ("webhook-timestamp", "1700000000"),
        ], body: body)
        let echo = try CurlTest.Echo(try await CurlClient.perform(request))
        #expect(echo.method == "POST")
        #expect(echo.body == body)
        #expect(echo.header("content-type") == "application/json")
        #expect(echo.header("webhook-id") == "msg_42")
        #expect(echo.header("webhook-timestamp") == "1700000000")
        #expect(echo.header("content-length") == String(body.count))
        #expect(echo.header("expect") == nil)
        #expect(echo.header("user-agent") == "EHC-Sync/\(EHCSyncVersion.string) libcurl/\(CurlVersion.string)")
    }

    @Test func aLargePostArrivesWhole() async throws {
        let peer = try CurlTest.httpPeer()
        defer { peer.stop() }
        let body = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let echo = try CurlTest.Echo(try await CurlClient.perform(HTTPRequest(method: .post, url: peer.url("/echo"), body: body)))
        #expect(echo.body == body)
    }

    @Test func anEmptyPostSendsNoBody() async throws {
        let peer = try CurlTest.httpPeer()
        defer { peer.stop() }
        let echo = try CurlTest.Echo(try await CurlClient.perform(HTTPRequest(method: .post, url: peer.url("/echo"))))
        #expect(echo.method == "POST")
        #expect(echo.body.isEmpty)
        #expect(echo.header("content-length") == "0")
    }

    @Test func theBearerTokenIsSent() async throws {
        let peer = try CurlTest.httpPeer()
        defer { peer.stop() }
        let echo = try CurlTest.Echo(try await CurlClient.perform(HTTPRequest(url: peer.url("/echo"), bearerToken: "tok-123.abc")))
        #expect(echo.method == "GET")
        #expect(echo.header("authorization") == "Bearer tok-123.abc")
    }

    @Test func basicCredentialsAreSent() async throws {
        let peer = try CurlTest.httpPeer()
        defer { peer.stop() }
        let echo = try CurlTest.Echo(try await CurlClient.perform(HTTPRequest(url: peer.url("/echo"), basicAuth: ("feed", "pa:ss"))))
        #expect(echo.header("authorization") == "Basic " + Data("feed:pa:ss".utf8).base64EncodedString())
    }

    @Test func theBearerTokenIsNotSentToAnotherHost() async throws {
        let peer = try CurlTest.httpPeer()
        defer { peer.stop() }
        // 127.0.0.1 redirects to localhost: the same server, but another host name.
        let target = peer.url("/echo", host: "localhost")
        let response = try await CurlClient.perform(HTTPRequest(url: peer.url("/redirect?to=\(target)"), bearerToken: "tok-xyz"))
        let echo = try CurlTest.Echo(response)
        #expect(response.effectiveURL == target)
        #expect(echo.header("authorization") == nil)
    }

    @Test func cancellingTheTaskStopsTheTransferSoon() async throws {
        let peer = try CurlTest.httpPeer()
        defer { peer.stop() }
        let request = HTTPRequest(url: peer.url("/drip?bytes=60&interval=1"), timeoutSeconds: 60)
        let task = Task { await CurlTest.failure(of: request) }
        try await Task.sleep(for: .milliseconds(500))
        let start = ContinuousClock.now
        task.cancel()
        let error = await task.value
        // The drip would take 60 s and succeed; code 42 proves the cancel cut it off. The
        // bound leaves room for a cooperative pool held by other tests on 2 cores.
        #expect(ContinuousClock.now - start < .seconds(55))
        #expect(error?.code == 42)
        #expect(error?.message.contains("cancelled") == true)
    }

    @Test func anUnknownPortFailsToConnect() async throws {
        // Take a free port from a peer, then stop it: nothing listens there any more.
        let peer = try CurlTest.httpPeer()
        let url = peer.url("/json")
        peer.stop()
        let error = await CurlTest.failure(of: HTTPRequest(url: url, timeoutSeconds: 5))
        #expect(error?.code == 7)
        #expect(error?.message.hasPrefix("GET http://127.0.0.1:\(peer.port) failed") == true)
    }
}
