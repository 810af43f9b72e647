import Foundation

/// Checks on URLs written in the config. TLS is the default everywhere; plain HTTP
/// is allowed only to the machine itself (a local test server, a sidecar) or when
/// the operator wrote `allow_insecure_http: true`. URLs are never echoed back in
/// messages because they may carry tokens in their query strings.
enum EndpointRule {
    /// What is wrong with an `http`/`https` URL, or `nil` when it is acceptable.
    static func httpProblem(_ text: String, allowInsecureHTTP: Bool) -> String? {
        guard let url = parse(text) else {
            return "is not a valid URL: write it like https://host.example.nhs.uk/path"
        }
        if let problem = credentialsProblem(url) { return problem }
        switch url.scheme?.lowercased() {
        case "https":
            return nil
        case "http":
            guard let host = url.host, !isLoopback(host: host), !allowInsecureHTTP else { return nil }
            return "plain http is allowed only to a loopback host (127.0.0.1, ::1, localhost): "
                + "use https, or set allow_insecure_http: true if the network is trusted"
        default:
            return "must start with https:// (http:// only for a loopback host or with allow_insecure_http: true)"
        }
    }

    /// What is wrong with an SMTP URL, or `nil`.
    static func smtpProblem(_ text: String) -> String? {
        guard let url = parse(text) else {
            return "is not a valid URL: write it like smtp://mail.example.nhs.uk:587 or smtps://mail.example.nhs.uk:465"
        }
        if let problem = credentialsProblem(url) { return problem }
        switch url.scheme?.lowercased() {
        case "smtp", "smtps": return nil
        default: return "must start with smtp:// (STARTTLS) or smtps:// (implicit TLS)"
        }
    }

    /// A parsed URL with a scheme and a host, or `nil`.
    static func parse(_ text: String) -> URLComponents? {
        guard !text.contains(where: { $0.isWhitespace }),
              let components = URLComponents(string: text),
              let scheme = components.scheme, !scheme.isEmpty,
              let host = components.host, !host.isEmpty
        else { return nil }
        return components
    }

    /// User names and passwords do not belong in URLs: they end up in logs.
    static func credentialsProblem(_ url: URLComponents) -> String? {
        guard url.user != nil || url.password != nil else { return nil }
        return "secrets are never inline: remove user:password@ from the URL and use the "
            + "*_file keys (auth: basic: password_file, or username and password_file for smtp)"
    }

    /// Whether a host name is this machine: `localhost`, `127.0.0.0/8` or `::1`.
    static func isLoopback(host: String) -> Bool {
        var name = host.lowercased()
        if name.hasPrefix("["), name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        if name == "localhost" || name == "::1" || name == "0:0:0:0:0:0:0:1" { return true }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        let octets = parts.compactMap { part -> Int? in
            guard !part.isEmpty, part.count <= 3, part.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            return Int(part)
        }
        return octets.count == 4 && octets[0] == 127 && octets.allSatisfy { $0 <= 255 }
    }
}
