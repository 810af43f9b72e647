import Foundation
import Testing
@testable import EHCSync

/// Small helpers shared by the libcurl transport tests.
enum CurlTest {
    /// Starts the HTTP peer: plain, or TLS with `certificate` (and mutual TLS when
    /// `clientCA` is given).
    static func httpPeer(certificate: (cert: String, key: String)? = nil, clientCA: String? = nil) throws -> PeerProcess {
        var arguments: [String] = []
        if let certificate { arguments += ["--cert", certificate.cert, "--key", certificate.key] }
        if let clientCA { arguments += ["--client-ca", clientCA] }
        return try PeerProcess("http_peer.py", arguments, scheme: certificate == nil ? "http" : "https")
    }

    /// The transfer's error, recording an issue when it unexpectedly succeeded.
    static func failure(of request: HTTPRequest, sourceLocation: SourceLocation = #_sourceLocation) async -> CurlError? {
        do {
            let response = try await CurlClient.perform(request)
            Issue.record("expected an error, got HTTP \(response.status)", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error
        }
    }

    /// The mail's error, recording an issue when it was unexpectedly accepted.
    static func failure(of mail: SMTPMessage, sourceLocation: SourceLocation = #_sourceLocation) async -> CurlError? {
        do {
            try await CurlClient.send(mail)
            Issue.record("expected an error, the mail was accepted", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error
        }
    }

    /// What `/echo` saw: method, headers (lower-cased names) and the exact body.
    struct Echo {
        var method: String
        var headers: [(String, String)]
        var body: Data

        init(_ response: HTTPResponse) throws {
            guard let object = try JSONSerialization.jsonObject(with: response.body) as? [String: Any],
                  let method = object["method"] as? String,
                  let pairs = object["headers"] as? [[String]],
                  let encoded = object["body"] as? String, let body = Data(base64Encoded: encoded) else {
                throw TestFailure("not an echo: \(String(decoding: response.body, as: UTF8.self))")
            }
            self.method = method
            self.headers = pairs.compactMap { $0.count == 2 ? ($0[0].lowercased(), $0[1]) : nil }
            self.body = body
        }

        func header(_ name: String) -> String? { headers.first { $0.0 == name.lowercased() }?.1 }
    }
}
