/// An HTTP feed (SPEC §7): `GET url` through libcurl, TLS unless the host is the
/// machine itself or the operator opted out in writing.
public struct HTTPFeedConfig: Sendable, Equatable {
    /// `https://…`, or `http://…` for a loopback host or with `allowInsecureHTTP`.
    public var url: String
    /// Query parameter carrying the greatest `updated_at` applied before the last
    /// completed walk (`HTTPFeedState.sinceCursor`), if the endpoint supports
    /// incremental reads.
    public var sinceParam: String?
    /// How to authenticate; secrets are paths, never values.
    public var auth: HTTPAuth
    /// Absolute path of a PEM bundle for a private CA.
    public var caFile: String?
    /// Whole-request limit in seconds.
    public var timeoutSeconds: Int
    /// Largest body accepted, in bytes; a bigger answer is a feed failure, not an
    /// out-of-memory.
    public var maxBytes: Int
    /// The operator's explicit permission for plain `http` to a non-loopback host.
    public var allowInsecureHTTP: Bool
    /// libcurl `CURLOPT_PINNEDPUBLICKEY` value (`sha256//BASE64`, `;`-separated).
    public var pinnedPublicKey: String?

    public init(
        url: String, sinceParam: String? = nil, auth: HTTPAuth = .none, caFile: String? = nil,
        timeoutSeconds: Int = 30, maxBytes: Int = 50_000_000, allowInsecureHTTP: Bool = false,
        pinnedPublicKey: String? = nil
    ) {
        self.url = url
        self.sinceParam = sinceParam
        self.auth = auth
        self.caFile = caFile
        self.timeoutSeconds = timeoutSeconds
        self.maxBytes = maxBytes
        self.allowInsecureHTTP = allowInsecureHTTP
        self.pinnedPublicKey = pinnedPublicKey
    }
}

/// How an HTTP feed proves who it is. Every secret is an absolute file path,
/// resolved by the loader (relative ones from `$CREDENTIALS_DIRECTORY`); the loader
/// never reads the files, so a config check never touches a secret.
public enum HTTPAuth: Sendable, Equatable {
    case none
    /// `Authorization: Bearer <file content>`.
    case bearer(tokenFile: String)
    /// HTTP basic with the password read from a file.
    case basic(user: String, passwordFile: String)
    /// Mutual TLS with a PEM certificate and key.
    case clientCertificate(certFile: String, keyFile: String)
}
