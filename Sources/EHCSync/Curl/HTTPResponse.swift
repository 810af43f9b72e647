import Foundation

/// The final answer to an `HTTPRequest`, after any redirects: status, the headers of
/// that last response (names lower-cased, in arrival order) and the decoded body.
public struct HTTPResponse: Sendable {
    /// The HTTP status of the last response (after redirects).
    public let status: Int
    public let headers: [(String, String)]
    public let body: Data
    /// The URL that answered, after redirects.
    public let effectiveURL: String

    public init(status: Int, headers: [(String, String)], body: Data, effectiveURL: String) {
        self.status = status
        self.headers = headers
        self.body = body
        self.effectiveURL = effectiveURL
    }

    /// The first value of a header, whatever the case of `name`.
    public func header(_ name: String) -> String? {
        let key = name.lowercased()
        return headers.first { $0.0 == key }?.1
    }

    /// Every value of a header that may repeat (`Link`, `Set-Cookie`), in order.
    public func headers(named name: String) -> [String] {
        let key = name.lowercased()
        return headers.filter { $0.0 == key }.map(\.1)
    }
}
