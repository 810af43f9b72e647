import Foundation
import Testing
@testable import EHCSync

/// `CurlClient.perform` over TLS against a real HTTPS server on 127.0.0.1, with a test
/// CA made by `openssl` for each test.
@Suite struct CurlTLSTests {
    @Test func theRightCAVerifies() async throws {
        let pki = try TestPKI()
        let peer = try CurlTest.httpPeer(certificate: (pki.serverCert, pki.serverKey))
        defer { peer.stop() }
        let response = try await CurlClient.perform(HTTPRequest(url: peer.url("/json"), caFile: pki.caFile))
        #expect(response.status == 200)
    }

    @Test func theLocalhostNameVerifiesToo() async throws {
        let pki = try TestPKI()
        let peer = try CurlTest.httpPeer(certificate: (pki.serverCert, pki.serverKey))
        defer { peer.stop() }
        let response = try await CurlClient.perform(HTTPRequest(url: peer.url("/json", host: "localhost"), caFile: pki.caFile))
        #expect(response.status == 200)
    }

    @Test func withoutTheCAVerificationFails() async throws {
        let pki = try TestPKI()
        let peer = try CurlTest.httpPeer(certificate: (pki.serverCert, pki.serverKey))
        defer { peer.stop() }
        let error = await CurlTest.failure(of: HTTPRequest(url: peer.url("/json")))
        #expect(error?.code == 60)
        #expect(error?.message.contains("certificate") == true)
    }

    @Test func aCertificateForAnotherNameFails() async throws {
        let pki = try TestPKI()
        let peer = try CurlTest.httpPeer(certificate: (pki.otherCert, pki.otherKey))
        defer { peer.stop() }
        let error = await CurlTest.failure(of: HTTPRequest(url: peer.url("/json"), caFile: pki.caFile))
        #expect(error?.code == 60)
        #expect(error?.message.contains("127.0.0.1") == true)
    }

    @Test func aRedirectFromHTTPSToHTTPIsRefused() async throws {
        let pki = try TestPKI()
        let peer = try CurlTest.httpPeer(certificate: (pki.serverCert, pki.serverKey))
        defer { peer.stop() }
        let plain = "http://127.0.0.1:\(peer.port)/json"
        let request = HTTPRequest(url: peer.url("/redirect?to=\(plain)"), caFile: pki.caFile, allowInsecureHTTP: true)
        let error = await CurlTest.failure(of: request)
        #expect(error?.code == 1)
        #expect(error?.message.contains("refused a redirect to another scheme") == true)
    }

    @Test func aRedirectFromHTTPSToAFileIsRefused() async throws {
        let pki = try TestPKI()
        let peer = try CurlTest.httpPeer(certificate: (pki.serverCert, pki.serverKey))
        defer { peer.stop() }
        let error = await CurlTest.failure(of: HTTPRequest(url: peer.url("/redirect?to=file:///etc/passwd"), caFile: pki.caFile))
        #expect(error?.code == 1)
    }

    @Test func aMatchingPinnedKeyPasses() async throws {
        let pki = try TestPKI()
        let peer = try CurlTest.httpPeer(certificate: (pki.serverCert, pki.serverKey))
        defer { peer.stop() }
        let request = HTTPRequest(url: peer.url("/json"), caFile: pki.caFile, pinnedPublicKey: pki.serverPublicKey)
        #expect(try await CurlClient.perform(request).status == 200)
    }

    @Test func aDifferentPinnedKeyFails() async throws {
        let pki = try TestPKI()
        let peer = try CurlTest.httpPeer(certificate: (pki.serverCert, pki.serverKey))
        defer { peer.stop() }
        let request = HTTPRequest(url: peer.url("/json"), caFile: pki.caFile, pinnedPublicKey: pki.otherPublicKey)
        #expect(await CurlTest.failure(of: request)?.code == 90)
    }

    @Test func aServerThatWantsAClientCertificateGetsOne() async throws {
        let pki = try TestPKI()
        let peer = try CurlTest.httpPeer(certificate: (pki.serverCert, pki.serverKey), clientCA: pki.caFile)
        defer { peer.stop() }
        let without = await CurlTest.failure(of: HTTPRequest(url: peer.url("/json"), caFile: pki.caFile))
        #expect(without != nil)
        let with = HTTPRequest(url: peer.url("/json"), caFile: pki.caFile,
                               clientCertFile: pki.clientCert, clientKeyFile: pki.clientKey)
        #expect(try await CurlClient.perform(with).status == 200)
    }

    @Test func aFailedTransferNeverShowsTheCredentials() async throws {
        let pki = try TestPKI()
        let peer = try CurlTest.httpPeer(certificate: (pki.serverCert, pki.serverKey))
        defer { peer.stop() }
        let bearer = await CurlTest.failure(of: HTTPRequest(url: peer.url("/json"), bearerToken: "tok-very-secret"))
        let basic = await CurlTest.failure(of: HTTPRequest(url: peer.url("/json"), basicAuth: ("feeduser", "pw-very-secret")))
        for error in [bearer, basic] {
            let text = "\(String(describing: error))"
            #expect(error != nil)
            #expect(!text.contains("very-secret"))
        }
    }
}
