import Foundation

/// One HTTP request for `CurlClient.perform`: what to send, where, and the limits and
/// credentials that go with it.
///
/// The defaults are the safe ones: `https` only (plain `http` only to a loopback host
/// unless `allowInsecureHTTP`), certificates verified, 30 s in total, 10 s to connect,
/// at most 50 MB of (decoded) body.
public struct HTTPRequest: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The methods EHC Sync needs: `GET` for feeds, `POST` for webhooks.
    public enum Method: String, Sendable {
        case get = "GET"
        case post = "POST"
    }

    public var method: Method
    /// `https://…` (or `http://…` to a loopback host, or with `allowInsecureHTTP`).
    public var url: String
    /// Extra request headers in order (`Content-Type`, `If-None-Match`, `webhook-id`…).
    /// Names and values may not contain CR, LF or NUL.
    public var headers: [(String, String)]
    /// The body of a `POST`, sent byte for byte; a `GET` has none.
    public var body: Data?
    /// The whole transfer, redirects included.
    public var timeoutSeconds: Double
    public var connectTimeoutSeconds: Double
    /// The transfer is dropped when it moves fewer than `lowSpeedLimitBytes` a second
    /// for `lowSpeedTimeSeconds` (a stalled server, a drip): 1 KB/s for 30 s by default.
    public var lowSpeedLimitBytes = HTTPTransfer.lowSpeedLimitBytes
    public var lowSpeedTimeSeconds = HTTPTransfer.lowSpeedTimeSeconds
    /// The most body bytes accepted, counted after `gzip`/`deflate` decoding.
    public var maxBytes: Int
    /// A PEM bundle of the CAs to trust instead of the system's.
    public var caFile: String?
    /// PEM client certificate and key for mutual TLS.
    public var clientCertFile: String?
    public var clientKeyFile: String?
    /// libcurl's `CURLOPT_PINNEDPUBLICKEY`: a PEM/DER public key file, or
    /// `sha256//BASE64[;sha256//BASE64…]`.
    public var pinnedPublicKey: String?
    /// Allows plain `http` to a host that is not loopback. A redirect may still never
    /// change the scheme.
    public var allowInsecureHTTP: Bool
    /// HTTP Basic credentials, sent only to the first host (libcurl drops them on a
    /// redirect to another host).
    public var basicAuth: (user: String, password: String)?
    /// Sent as `Authorization: Bearer …`, with the same redirect rule as `basicAuth`.
    public var bearerToken: String?

    public init(method: Method = .get, url: String, headers: [(String, String)] = [], body: Data? = nil,
                timeoutSeconds: Double = 30, connectTimeoutSeconds: Double = 10, maxBytes: Int = 50_000_000,
                caFile: String? = nil, clientCertFile: String? = nil, clientKeyFile: String? = nil,
                pinnedPublicKey: String? = nil, allowInsecureHTTP: Bool = false,
                basicAuth: (user: String, password: String)? = nil, bearerToken: String? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeoutSeconds = timeoutSeconds
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.maxBytes = maxBytes
        self.caFile = caFile
        self.clientCertFile = clientCertFile
        self.clientKeyFile = clientKeyFile
        self.pinnedPublicKey = pinnedPublicKey
        self.allowInsecureHTTP = allowInsecureHTTP
        self.basicAuth = basicAuth
        self.bearerToken = bearerToken
    }

    /// Method and URL host only: printing a request must never show a credential.
    public var description: String {
        var text = "\(method.rawValue) \(CurlURL.redacted(url))"
        if basicAuth != nil { text += " (basic auth)" }
        if bearerToken != nil { text += " (bearer token)" }
        return text
    }

    public var debugDescription: String { "HTTPRequest(\(description))" }

    /// Every credential in the request, for `CurlError.redacting`.
    var secrets: [String] {
        var list = [bearerToken, basicAuth?.password].compactMap { $0 }
        for (name, value) in headers where name.lowercased() == "authorization" { list.append(value) }
        return list
    }
}
