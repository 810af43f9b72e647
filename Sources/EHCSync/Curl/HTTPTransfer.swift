import CCurl
import Foundation

/// One `HTTPRequest`, checked and ready to run: everything that can be refused is
/// refused in `init`, before any network I/O; `run` then configures a `CurlEasy` with
/// the safe defaults and performs it on the calling (dedicated) thread.
struct HTTPTransfer: Sendable {
    let request: HTTPRequest
    let url: CurlURL
    /// Plain `http` allowed only because the host is loopback: every connection must
    /// then reach a loopback address.
    let loopbackPeersOnly: Bool

    /// The low-speed guard's defaults (the SMTP transfers use them too): libcurl drops
    /// a transfer that sends fewer than `lowSpeedLimitBytes` a second for
    /// `lowSpeedTimeSeconds`.
    static let lowSpeedTimeSeconds = 30
    static let lowSpeedLimitBytes = 1024
    static let maxRedirects = 5

    init(_ request: HTTPRequest) throws(CurlError) {
        let url = try CurlURL(request.url)
        switch url.scheme {
        case "https":
            loopbackPeersOnly = false
        case "http":
            let loopback = CurlClient.isLoopback(host: url.host)
            guard loopback || request.allowInsecureHTTP else {
                throw CurlError(code: CURLE_UNSUPPORTED_PROTOCOL, message: "refusing plain http to \(url.origin): "
                                + "only https, or http to a loopback host (or with allow_insecure_http)")
            }
            loopbackPeersOnly = !request.allowInsecureHTTP
        default:
            throw CurlError(code: CURLE_UNSUPPORTED_PROTOCOL,
                            message: "refusing \(url.scheme):// URL: only https (and http in the allowed cases)")
        }
        for (name, value) in request.headers {
            guard Self.isToken(name) else {
                throw CurlError(code: CURLE_BAD_FUNCTION_ARGUMENT, message: "invalid request header name \"\(Self.printable(name))\"")
            }
            guard !value.utf8.contains(where: { $0 == 13 || $0 == 10 || $0 == 0 }) else {
                throw CurlError(code: CURLE_BAD_FUNCTION_ARGUMENT, message: "request header \(name) contains CR, LF or NUL")
            }
        }
        if request.basicAuth != nil, request.bearerToken != nil {
            throw CurlError(code: CURLE_BAD_FUNCTION_ARGUMENT, message: "a request has basic auth or a bearer token, not both")
        }
        if request.method == .get, request.body != nil {
            throw CurlError(code: CURLE_BAD_FUNCTION_ARGUMENT, message: "a GET request has no body")
        }
        guard request.maxBytes >= 0 else {
            throw CurlError(code: CURLE_BAD_FUNCTION_ARGUMENT, message: "maxBytes must not be negative")
        }
        _ = try Self.milliseconds(request.timeoutSeconds, "timeoutSeconds")
        _ = try Self.milliseconds(request.connectTimeoutSeconds, "connectTimeoutSeconds")
        self.request = request
        self.url = url
    }

    /// Performs the transfer, blocking this thread until it ends.
    func run(_ cancellation: CurlCancellation) -> Result<HTTPResponse, CurlError> {
        let sink = CurlTransferSink(maxBytes: request.maxBytes, cancellation: cancellation,
                                    loopbackPeersOnly: loopbackPeersOnly)
        do throws(CurlError) {
            if cancellation.isCancelled {
                return .failure(CurlError(code: CURLE_ABORTED_BY_CALLBACK, message: "\(request.method.rawValue) \(url.origin): cancelled"))
            }
            let easy = try CurlEasy()
            try configure(easy)
            try easy.attach(sink, headers: true, upload: false)
            let code = easy.perform()
            guard code == CURLE_OK else {
                return .failure(failure(code, detail: easy.errorDetail, sink: sink))
            }
            return .success(HTTPResponse(status: easy.infoInt(CURLINFO_RESPONSE_CODE) ?? 0, headers: sink.headers,
                                         body: sink.body, effectiveURL: easy.infoString(CURLINFO_EFFECTIVE_URL) ?? url.normalized))
        } catch {
            return .failure(error.redacting(request.secrets))
        }
    }

    private func configure(_ easy: CurlEasy) throws(CurlError) {
        try easy.set(CURLOPT_URL, url.normalized)
        // The scheme may never change, not even on a redirect: https stays https, and
        // file:// or anything else is never fetched.
        try easy.set(CURLOPT_PROTOCOLS_STR, url.scheme)
        try easy.set(CURLOPT_REDIR_PROTOCOLS_STR, url.scheme)
        try easy.set(CURLOPT_FOLLOWLOCATION, true)
        try easy.set(CURLOPT_MAXREDIRS, Self.maxRedirects)
        try easy.set(CURLOPT_NOSIGNAL, true)
        try easy.set(CURLOPT_TIMEOUT_MS, Self.milliseconds(request.timeoutSeconds, "timeoutSeconds"))
        try easy.set(CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(request.connectTimeoutSeconds, "connectTimeoutSeconds"))
        try easy.set(CURLOPT_LOW_SPEED_LIMIT, max(request.lowSpeedLimitBytes, 1))
        try easy.set(CURLOPT_LOW_SPEED_TIME, max(request.lowSpeedTimeSeconds, 1))
        try CurlClient.applyTLS(to: easy, caFile: request.caFile)
        if let pin = request.pinnedPublicKey { try easy.set(CURLOPT_PINNEDPUBLICKEY, pin) }
        if let cert = request.clientCertFile { try easy.set(CURLOPT_SSLCERT, cert) }
        if let key = request.clientKeyFile { try easy.set(CURLOPT_SSLKEY, key) }
        if CurlClient.isLoopback(host: url.host) {
            // A proxy from the environment cannot reach this machine's loopback.
            try easy.set(CURLOPT_PROXY, "")
        }
        try easy.set(CURLOPT_USERAGENT, CurlClient.userAgent)
        // Ask for any encoding libcurl can decode; the byte limit counts decoded bytes.
        try easy.set(CURLOPT_ACCEPT_ENCODING, "")
        var lines = request.headers.map { name, value in value.isEmpty ? "\(name);" : "\(name): \(value)" }
        if !request.headers.contains(where: { $0.0.lowercased() == "expect" }) {
            // No `Expect: 100-continue` round trip before a larger POST body.
            lines.append("Expect:")
        }
        try easy.set(CURLOPT_HTTPHEADER, list: lines)
        switch request.method {
        case .get:
            try easy.set(CURLOPT_HTTPGET, true)
        case .post:
            try easy.set(CURLOPT_POST, true)
            try easy.setPostBody(request.body ?? Data())
        }
        if let auth = request.basicAuth {
            try easy.set(CURLOPT_HTTPAUTH, ehc_auth_basic())
            try easy.set(CURLOPT_USERNAME, auth.user)
            try easy.set(CURLOPT_PASSWORD, auth.password)
        } else if let token = request.bearerToken {
            try easy.set(CURLOPT_HTTPAUTH, ehc_auth_bearer())
            try easy.set(CURLOPT_XOAUTH2_BEARER, token)
        }
    }

    /// The error for a failed transfer, in words that say what EHC Sync refused when it
    /// was EHC Sync that stopped it.
    private func failure(_ code: CURLcode, detail: String, sink: CurlTransferSink) -> CurlError {
        let prefix = "\(request.method.rawValue) \(url.origin)"
        let message: String
        switch sink.stop {
        case .bodyTooLarge:
            message = "\(prefix): body larger than \(request.maxBytes) bytes (max_bytes)"
        case .headersTooLarge:
            message = "\(prefix): response headers larger than \(sink.maxHeaderBytes) bytes"
        case .cancelled:
            message = "\(prefix): cancelled"
        case .nonLoopbackPeer(let address):
            message = "\(prefix): refusing plain http to \(address), which is not a loopback address"
        case nil where code == CURLE_UNSUPPORTED_PROTOCOL:
            // The first URL's scheme is always allowed, so this was a redirect.
            message = "\(prefix): refused a redirect to another scheme (\(detail.isEmpty ? CurlError.meaning(of: code) : detail))"
        case nil:
            message = "\(prefix) failed: \(CurlError.meaning(of: code))" + (detail.isEmpty ? "" : ": \(detail)")
        }
        return CurlError(code: code, message: message).redacting(request.secrets)
    }

    /// A positive, finite number of seconds as libcurl's milliseconds.
    static func milliseconds(_ seconds: Double, _ name: String) throws(CurlError) -> Int {
        guard seconds.isFinite, seconds > 0, seconds < 86_400 * 365 else {
            throw CurlError(code: CURLE_BAD_FUNCTION_ARGUMENT, message: "\(name) must be a positive number of seconds")
        }
        return max(1, Int((seconds * 1000).rounded(.up)))
    }

    /// RFC 9110 `token`: what a header name may be made of.
    private static func isToken(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"):
                return true
            default:
                return "!#$%&'*+-.^_`|~".utf8.contains(byte)
            }
        }
    }

    private static func printable(_ text: String) -> String {
        String(text.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : Character($0) }.prefix(64))
    }
}
