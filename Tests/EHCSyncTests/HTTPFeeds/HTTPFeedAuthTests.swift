import EHCCore
import Foundation
import Testing
@testable import EHCSync

/// SPEC §7/§8 HTTP auth: a bearer token file or basic auth with a password file, read
/// at each poll (relative names from `$CREDENTIALS_DIRECTORY`), sent to the endpoint
/// and never written into an error, the store or a log line.
@Suite struct HTTPFeedAuthTests {
    static let now = "2026-03-10T09:00:00Z"
    static let token = "tok-3f9a1c7e55d2b0a4"

    /// A config whose one HTTP feed reads `url` with `auth`, its relative secret files
    /// taken from `credentials` as under systemd's `LoadCredential=`.
    static func engine(_ place: TestPlace, url: String, auth: String, credentials: String) throws -> (SyncEngine, FeedConfig) {
        let yaml = place.yaml([]) + HTTPFeedSpec(url: url, http: ["auth: \(auth)"]).yaml
        let config: AppConfig
        switch ConfigLoader.parse(yaml: yaml, file: place.configPath, environment: ["CREDENTIALS_DIRECTORY": credentials]) {
        case .success(let loaded): config = loaded
        case .failure(let errors): throw TestFailure("config refused: \(errors)")
        }
        let engine = SyncEngine(config: config, db: try AppDatabase(path: config.storePath), logger: TestPlace.quietLogger)
        return (engine, config.feeds[0])
    }

    @Test func aBearerTokenFromTheCredentialsDirectoryIsSentAndNeverEchoed() async throws {
        let peer = try FeedPeer(FeedPeer.laRecords(2))
        let place = try TestPlace()
        try (Self.token + "\n").write(toFile: place.root + "/feed-token", atomically: true, encoding: .utf8)
        let (engine, feed) = try Self.engine(place, url: peer.url("/feed"), auth: "{ bearer_token_file: feed-token }",
                                             credentials: place.root)
        let ok = await engine.pollFeed(feed, now: try TestPlace.timestamp(Self.now))
        #expect(ok.error == nil)
        #expect(try await peer.log().first?.headers["authorization"] == "Bearer \(Self.token)")

        // A server that echoes the token in its error page: the message carries no token.
        let (echoing, echoFeed) = try Self.engine(place, url: peer.url("/status/401?body=bad+token+\(Self.token)"),
                                                  auth: "{ bearer_token_file: feed-token }", credentials: place.root)
        let failed = await echoing.pollFeed(echoFeed, now: try TestPlace.timestamp(Self.now))
        let error = try #require(failed.error)
        #expect(error.contains("HTTP 401") && error.contains("bad token [redacted]"), "\(error)")
        #expect(!error.contains(Self.token))
        let stored = try AppDatabase(path: place.storePath).read { db in
            try String.fetchAll(db, sql: "SELECT coalesce(last_error, '') FROM feed")
        }
        #expect(!stored.joined().contains(Self.token))
    }

    @Test func basicAuthSendsTheUserAndThePasswordLessItsNewline() async throws {
        let peer = try FeedPeer(FeedPeer.laRecords(1))
        let place = try TestPlace()
        try "pa:ss word\n".write(toFile: place.root + "/feed-password", atomically: true, encoding: .utf8)
        let (engine, feed) = try Self.engine(place, url: peer.url("/feed"),
                                             auth: "{ basic: { user: ehcsync, password_file: \"\(place.root)/feed-password\" } }",
                                             credentials: "/nonexistent")
        let outcome = await engine.pollFeed(feed, now: try TestPlace.timestamp(Self.now))
        #expect(outcome.error == nil)
        let expected = "Basic " + Data("ehcsync:pa:ss word".utf8).base64EncodedString()
        #expect(try await peer.log().first?.headers["authorization"] == expected)
    }

    /// Found by the privacy scan (`PrivacyRunTests`): a server that echoes the request's
    /// `Authorization: Basic …` header put the base64 of `user:password` (the password,
    /// to anyone who decodes it) into the error, the log, `status` and the digest.
    @Test func anEchoedBasicCredentialIsRedactedLikeThePassword() async throws {
        let peer = try FeedPeer(FeedPeer.laRecords(1))
        let place = try TestPlace()
        try "pa:ss word\n".write(toFile: place.root + "/feed-password", atomically: true, encoding: .utf8)
        let credential = Data("ehcsync:pa:ss word".utf8).base64EncodedString()
        let body = "denied: Authorization: Basic \(credential) (pa:ss word)".addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let (engine, feed) = try Self.engine(place, url: peer.url("/status/401?body=\(body)"),
                                             auth: "{ basic: { user: ehcsync, password_file: \"\(place.root)/feed-password\" } }",
                                             credentials: "/nonexistent")
        let failed = await engine.pollFeed(feed, now: try TestPlace.timestamp(Self.now))
        let error = try #require(failed.error)
        #expect(error.contains("denied: Authorization: Basic [redacted] ([redacted])"), "\(error)")
        #expect(!error.contains(credential) && !error.contains("pa:ss word"))
    }

    @Test func aMissingSecretFileFailsThePollAndNamesTheFile() async throws {
        let peer = try FeedPeer(FeedPeer.laRecords(1))
        let place = try TestPlace()
        let (engine, feed) = try Self.engine(place, url: peer.url("/feed"), auth: "{ bearer_token_file: missing-token }",
                                             credentials: place.root)
        let outcome = await engine.pollFeed(feed, now: try TestPlace.timestamp(Self.now))
        #expect(outcome.error == "cannot read the bearer token file \(place.root)/missing-token")
        #expect(try await peer.log().isEmpty, "nothing is sent without the credential")
    }
}
