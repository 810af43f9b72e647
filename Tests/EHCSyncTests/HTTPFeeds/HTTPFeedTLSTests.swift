import EHCCore
import Foundation
import Testing
@testable import EHCSync

/// An HTTP feed over HTTPS from Debian's nginx on 127.0.0.1, which requires a client
/// certificate from the test CA: the right CA and certificate read the records; a wrong
/// CA, an expired or misnamed server certificate and a missing client certificate all
/// fail closed, apply nothing and say why.
@Suite struct HTTPFeedTLSTests {
    static let now = "2026-03-10T09:00:00Z"

    /// A place with one feed reading nginx's `records.json` with these `http:` lines.
    static func poll(_ nginx: NginxServer, _ lines: [String]) async throws -> (TestPlace, SyncEngine.FeedOutcome) {
        let records = try JSONSerialization.data(withJSONObject: FeedPeer.laRecords(3), options: [.sortedKeys])
        try records.write(to: URL(fileURLWithPath: nginx.root + "/records.json"))
        let place = try TestPlace()
        try place.configure(http: [HTTPFeedSpec(url: nginx.url("/records.json"), http: lines)])
        return (place, try await place.poll("la-api", now: now))
    }

    static func clientAuth(_ pki: TestPKI) -> String {
        "auth: { client_cert: \"\(pki.clientCert)\", client_key: \"\(pki.clientKey)\" }"
    }

    @Test func theRightCAAndClientCertificateReadTheRecords() async throws {
        let pki = try TestPKI()
        let nginx = try NginxServer(certificate: pki.serverCert, key: pki.serverKey, clientCA: pki.caFile)
        let (place, outcome) = try await Self.poll(nginx, ["ca_file: \"\(pki.caFile)\"", Self.clientAuth(pki)])
        #expect(outcome.error == nil)
        #expect(outcome.result?.counts.applied == 3)
        #expect(try place.int("SELECT count(*) FROM advice") == 3)
    }

    @Test func anotherCAFailsClosed() async throws {
        let pki = try TestPKI()
        let stranger = try TestPKI()
        let nginx = try NginxServer(certificate: pki.serverCert, key: pki.serverKey, clientCA: pki.caFile)
        let (place, outcome) = try await Self.poll(nginx, ["ca_file: \"\(stranger.caFile)\"", Self.clientAuth(pki)])
        #expect(outcome.error?.contains("[curl 60]") == true, "\(outcome.error ?? "no error")")
        #expect(outcome.error?.contains("certificate") == true)
        #expect(try place.int("SELECT count(*) FROM advice") == 0)
    }

    @Test func anExpiredServerCertificateFailsClosed() async throws {
        let pki = try TestPKI()
        let nginx = try NginxServer(certificate: pki.expiredCert, key: pki.expiredKey, clientCA: pki.caFile)
        let (place, outcome) = try await Self.poll(nginx, ["ca_file: \"\(pki.caFile)\"", Self.clientAuth(pki)])
        #expect(outcome.error?.contains("[curl 60]") == true, "\(outcome.error ?? "no error")")
        #expect(outcome.error?.contains("expired") == true)
        #expect(try place.int("SELECT count(*) FROM advice") == 0)
    }

    @Test func aCertificateForAnotherHostNameFailsClosed() async throws {
        let pki = try TestPKI()
        let nginx = try NginxServer(certificate: pki.otherCert, key: pki.otherKey, clientCA: pki.caFile)
        let (place, outcome) = try await Self.poll(nginx, ["ca_file: \"\(pki.caFile)\"", Self.clientAuth(pki)])
        #expect(outcome.error?.contains("[curl 60]") == true, "\(outcome.error ?? "no error")")
        #expect(outcome.error?.contains("127.0.0.1") == true, "names the host that did not match")
        #expect(try place.int("SELECT count(*) FROM advice") == 0)
    }

    @Test func withoutAClientCertificateNginxRefusesAndNothingApplies() async throws {
        let pki = try TestPKI()
        let nginx = try NginxServer(certificate: pki.serverCert, key: pki.serverKey, clientCA: pki.caFile)
        let (place, outcome) = try await Self.poll(nginx, ["ca_file: \"\(pki.caFile)\""])
        #expect(outcome.error == "HTTP 400 from \(CurlURL.redacted(nginx.url("/"))) (page 1): 400 No required SSL certificate was sent")
        #expect(try place.int("SELECT count(*) FROM advice") == 0)
        #expect(try place.health(now: Self.now).state == .failing)
    }
}
