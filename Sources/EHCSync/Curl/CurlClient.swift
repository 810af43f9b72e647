import CCurl
import Foundation

/// EHC Sync's one way out to the network: HTTP(S) requests for feeds and webhooks,
/// and mail over SMTP with TLS, all through libcurl.
///
/// Each call refuses what it must before any I/O (a plain-http URL to a host that is
/// not loopback, a scheme other than the allowed ones, credentials in a URL, header
/// injection), then runs the transfer on a dedicated thread with safe defaults:
/// certificates verified, TLS 1.2 or newer, bounded time and body size, at most five
/// redirects that never change the scheme.
public enum CurlClient {
    /// Performs `request` and returns the final response, whatever its status; an
    /// error means no usable answer (timeout, TLS failure, refusal, body too large…).
    public static func perform(_ request: HTTPRequest) async throws(CurlError) -> HTTPResponse {
        let transfer = try HTTPTransfer(request)
        return try await CurlThread.run { cancellation in transfer.run(cancellation) }.get()
    }

    /// Sends `mail`; returning means the server accepted it for every recipient.
    public static func send(_ mail: SMTPMessage) async throws(CurlError) {
        let transfer = try SMTPTransfer(mail)
        try await CurlThread.run { cancellation in transfer.run(cancellation) }.get()
    }

    /// Whether `host` names this machine's loopback: `localhost`, 127.0.0.0/8, `::1`
    /// (also bracketed, and `::ffff:127.x.x.x`). Names other than `localhost` are not
    /// looked up.
    public static func isLoopback(host: String) -> Bool {
        var name = host.lowercased()
        if name.hasPrefix("["), name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        if name == "localhost" || name == "localhost." { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, name, &v4) == 1 {
            return UInt32(bigEndian: v4.s_addr) >> 24 == 127
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, name, &v6) == 1 {
            let bytes = withUnsafeBytes(of: &v6) { Array($0) }
            let loopback: [UInt8] = Array(repeating: 0, count: 15) + [1]
            let mappedPrefix: [UInt8] = Array(repeating: 0, count: 10) + [0xff, 0xff, 127]
            return bytes == loopback || bytes.starts(with: mappedPrefix)
        }
        return false
    }

    /// `EHC-Sync/<version> libcurl/<version>`.
    static var userAgent: String { "EHC-Sync/\(EHCSyncVersion.string) libcurl/\(CurlVersion.string)" }

    /// The TLS settings every transfer gets: peer and host name verified (never
    /// switched off), TLS 1.2 at least, and the private CA bundle when one is given.
    static func applyTLS(to easy: CurlEasy, caFile: String?) throws(CurlError) {
        try easy.set(CURLOPT_SSL_VERIFYPEER, 1)
        try easy.set(CURLOPT_SSL_VERIFYHOST, 2)
        try easy.set(CURLOPT_SSLVERSION, CURL_SSLVERSION_TLSv1_2)
        if let caFile { try easy.set(CURLOPT_CAINFO, caFile) }
    }
}
