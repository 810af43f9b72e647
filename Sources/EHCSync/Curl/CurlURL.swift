import CCurl

/// A URL as libcurl itself reads it, so the scheme and host that EHC Sync checks are
/// exactly the ones libcurl will connect to (no second parser to disagree with).
///
/// Credentials inside the URL (`https://user:pass@host`) are refused: they belong in
/// the request's `basicAuth` or the mail's `username`/`password`, where they are kept
/// out of logs.
struct CurlURL {
    /// Lower-case scheme: `https`, `http`, `smtp`, `smtps`, or anything else a caller
    /// must then refuse.
    let scheme: String
    /// The host as libcurl reports it (an IPv6 literal keeps its brackets).
    let host: String
    let port: String?
    /// The whole URL, normalised by libcurl; this is what is handed to the transfer.
    let normalized: String

    /// Parses `text` with `curl_url`; the error never repeats the URL (it may hold a
    /// credential).
    init(_ text: String) throws(CurlError) {
        guard let handle = curl_url() else {
            throw CurlError(code: CURLE_OUT_OF_MEMORY, message: "cannot allocate a URL handle")
        }
        defer { curl_url_cleanup(handle) }
        let status = curl_url_set(handle, CURLUPART_URL, text, UInt32(CURLU_DISALLOW_USER))
        guard status == CURLUE_OK else {
            let why = curl_url_strerror(status).map { String(cString: $0) } ?? "code \(status.rawValue)"
            let hint = status == CURLUE_USER_NOT_ALLOWED ? " (put credentials in the request, not the URL)" : ""
            // A scheme libcurl does not know is refused like any other disallowed one.
            let code = status == CURLUE_UNSUPPORTED_SCHEME ? CURLE_UNSUPPORTED_PROTOCOL : CURLE_URL_MALFORMAT
            throw CurlError(code: code, message: "invalid URL: \(why)\(hint)")
        }
        guard let scheme = Self.part(handle, CURLUPART_SCHEME), let normalized = Self.part(handle, CURLUPART_URL) else {
            throw CurlError(code: CURLE_URL_MALFORMAT, message: "invalid URL: no scheme")
        }
        self.scheme = scheme.lowercased()
        self.host = Self.part(handle, CURLUPART_HOST) ?? ""
        self.port = Self.part(handle, CURLUPART_PORT)
        self.normalized = normalized
    }

    /// `scheme://host[:port]`: enough to say where a transfer went, without the path
    /// or query (either may carry a token).
    var origin: String { "\(scheme)://\(host)" + (port.map { ":\($0)" } ?? "") }

    /// The origin of `text`, or a placeholder when it does not parse; for messages.
    static func redacted(_ text: String) -> String {
        (try? CurlURL(text))?.origin ?? "(invalid URL)"
    }

    private static func part(_ handle: OpaquePointer, _ which: CURLUPart) -> String? {
        var value: UnsafeMutablePointer<CChar>?
        guard curl_url_get(handle, which, &value, 0) == CURLUE_OK, let value else { return nil }
        defer { curl_free(value) }
        return String(cString: value)
    }
}
