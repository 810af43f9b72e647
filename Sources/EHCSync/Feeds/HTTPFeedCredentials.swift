import Foundation

/// An HTTP feed's credentials, read from their files at each poll, so a token that is
/// rotated on disk (or in a systemd credential) is used from the next poll on without
/// a restart. Only the paths live in the config; the values live here, for one poll.
struct HTTPFeedCredentials {
    var bearerToken: String?
    var basic: (user: String, password: String)?
    var clientCert: (cert: String, key: String)?

    /// Reads what `auth` names. A file that cannot be read, or an empty token, is a
    /// poll failure naming the file, never its content.
    init(_ auth: HTTPAuth) throws(HTTPFeedError) {
        switch auth {
        case .none:
            break
        case .bearer(let tokenFile):
            let token = try Self.read(tokenFile, what: "bearer token").trimmingCharacters(in: .whitespacesAndNewlines)
            guard !token.isEmpty else { throw HTTPFeedError("the bearer token file \(tokenFile) is empty") }
            bearerToken = token
        case .basic(let user, let passwordFile):
            var password = try Self.read(passwordFile, what: "password")
            // One trailing newline is the file's, not the password's (as for mail passwords).
            if password.hasSuffix("\n") { password.removeLast() }
            basic = (user, password)
        case .clientCertificate(let certFile, let keyFile):
            // libcurl reads these itself; checking here gives a clearer message than curl 58.
            for (path, what) in [(certFile, "client certificate"), (keyFile, "client key")]
            where !FileManager.default.isReadableFile(atPath: path) {
                throw HTTPFeedError("cannot read the \(what) file \(path)")
            }
            clientCert = (certFile, keyFile)
        }
    }

    /// Every secret value, for redaction: the token, the password, and the basic
    /// credential as it goes on the wire (`base64(user:password)`), which a server that
    /// echoes its request headers sends back and which gives the password to anyone.
    var secrets: [String] {
        [bearerToken, basic?.password, basic.map { Data("\($0.user):\($0.password)".utf8).base64EncodedString() }].compactMap { $0 }
    }

    /// Puts the credentials on `request`.
    func apply(to request: inout HTTPRequest) {
        request.bearerToken = bearerToken
        request.basicAuth = basic
        request.clientCertFile = clientCert?.cert
        request.clientKeyFile = clientCert?.key
    }

    private static func read(_ path: String, what: String) throws(HTTPFeedError) -> String {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw HTTPFeedError("cannot read the \(what) file \(path)")
        }
        return text
    }
}
