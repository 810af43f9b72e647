import EHCCore
import Foundation
import Testing
@testable import EHCSync

/// `Tests/Peers/feed_peer.py` for one test: a record endpoint on 127.0.0.1 serving the
/// records this object writes to its data file (read again on every request), and
/// keeping a log of the requests it saw.
final class FeedPeer {
    let peer: PeerProcess
    let directory: String
    var dataPath: String { directory + "/records.json" }

    var controlPath: String { directory + "/control.json" }

    /// Starts the peer serving `records`; over TLS with `certificate`. With `faults`, the
    /// peer takes fault modes from a control file (`fault(_:)`).
    init(_ records: [[String: String]] = [], certificate: (cert: String, key: String)? = nil, faults: Bool = false) throws {
        directory = FileManager.default.temporaryDirectory.path + "/ehcsync-feed-" + UUID().uuidString.prefix(12)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var arguments = ["--data", directory + "/records.json"]
        if let certificate { arguments += ["--cert", certificate.cert, "--key", certificate.key] }
        if faults {
            try #"{"mode": "up"}"#.write(toFile: directory + "/control.json", atomically: true, encoding: .utf8)
            arguments += ["--control", directory + "/control.json"]
        }
        try Self.write(records, to: directory + "/records.json")
        peer = try PeerProcess("feed_peer.py", arguments, scheme: certificate == nil ? "http" : "https")
    }

    /// Switches the peer's fault mode (`feed_peer.py`'s doc lists them): `["mode":
    /// "refuse"]`, `["mode": "429", "retry_after": "seconds", "wait": 3]`… It is applied
    /// within 20 ms; this waits 100 ms so that the next request sees it.
    func fault(_ control: [String: Any]) async throws {
        let data = try JSONSerialization.data(withJSONObject: control, options: [.sortedKeys])
        try data.write(to: URL(fileURLWithPath: controlPath), options: .atomic)
        try await Task.sleep(for: .milliseconds(100))
    }

    deinit {
        peer.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// `scheme://127.0.0.1:port` + `path`.
    func url(_ path: String) -> String { peer.url(path) }

    /// From now on the endpoint serves `records`.
    func serve(_ records: [[String: String]]) throws { try Self.write(records, to: dataPath) }

    /// Writes `records` to the file `name` beside the data, for the peer's `swap_file`.
    func stage(_ records: [[String: String]], as name: String) throws { try Self.write(records, to: directory + "/" + name) }

    private static func write(_ records: [[String: String]], to path: String) throws {
        let data = try JSONSerialization.data(withJSONObject: records, options: [.sortedKeys])
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// One request the peer saw.
    struct Seen {
        var path: String
        var query: [String: String]
        var headers: [String: String]
        /// Seconds on the peer's monotonic clock.
        var time: Double
        /// Seconds since 1970 when it arrived (for an HTTP-date `Retry-After`).
        var wall: Double = 0
        /// The fault mode at arrival (`up` without `--control`).
        var mode = "up"
        /// The status answered (nil: none, as when the peer hung up).
        var status: Int?
        /// The `Retry-After` sent with a 429.
        var retryAfter: String?
        /// For `/feed` with `since`: false when `since` was later than the oldest record
        /// version not yet served whole (a skipped cursor).
        var sinceOK: Bool?
        /// A 200 of `/feed` written whole (false: dripped or stalled and cut off).
        var served: Bool?
        /// When the answer ended, on the peer's monotonic clock.
        var ended: Double?
    }

    /// Every request seen so far, in arrival order.
    func log() async throws -> [Seen] {
        let response = try await CurlClient.perform(HTTPRequest(url: url("/log")))
        guard let items = try JSONSerialization.jsonObject(with: response.body) as? [[String: Any]] else {
            throw TestFailure("the peer's /log is not a JSON array")
        }
        return items.map {
            Seen(path: $0["path"] as? String ?? "", query: $0["query"] as? [String: String] ?? [:],
                 headers: $0["headers"] as? [String: String] ?? [:], time: $0["time"] as? Double ?? 0,
                 wall: $0["wall"] as? Double ?? 0, mode: $0["mode"] as? String ?? "up", status: $0["status"] as? Int,
                 retryAfter: $0["retry_after"] as? String, sinceOK: $0["since_ok"] as? Bool, served: $0["served"] as? Bool,
                 ended: $0["ended"] as? Double)
        }
    }

    /// An LA record as an endpoint would send it, canonical keys, NHS number from the
    /// 999 test range (valid unless `nhs` says otherwise).
    static func laRecord(_ n: Int, updatedAt: String, caseRef: String? = nil, nhs: String? = nil) -> [String: String] {
        ["request_id": "REQ-\(100_000 + n)", "case_ref": caseRef ?? "EHC/\(n)", "nhs_number": nhs ?? SampleExport.nhs[n % SampleExport.nhs.count],
         "date_of_birth": "2016-05-01", "provider_ods": "RBT", "service": "salt", "requested_on": "2026-03-02",
         "status": "requested", "updated_at": updatedAt]
    }

    /// `count` LA records, `REQ-100000`…, updated one minute apart from 2026-03-02 10:00Z.
    static func laRecords(_ count: Int, from first: Int = 0) -> [[String: String]] {
        (first..<first + count).map { n in
            laRecord(n, updatedAt: String(format: "2026-03-02T%02d:%02d:00Z", 10 + n / 60 % 12, n % 60))
        }
    }
}

/// One HTTP feed of a test config, as YAML for `TestPlace.configure(_:extra:)`.
struct HTTPFeedSpec {
    var name = "la-api"
    var role = "la"
    var url: String
    var every = "5m"
    var format = "json"
    /// More lines under `http:` (`since_param: since`, `timeout_seconds: 2`…).
    var http: [String] = []
    var defaults: String?

    /// This feed as an item of the config's `feeds:` list.
    var yaml: String {
        var text = "  - name: \(name)\n    role: \(role)\n    every: \(every)\n    format: \(format)\n"
        if let defaults { text += "    defaults: \(defaults)\n" }
        text += "    http:\n      url: \"\(url)\"\n"
        for line in http { text += "      \(line)\n" }
        return text
    }
}

extension TestPlace {
    /// Configures the place with these HTTP feeds (and folder `feeds`, if any), then
    /// `extra` top-level YAML (`notices:`, `recipients:`…).
    @discardableResult
    func configure(http: [HTTPFeedSpec], feeds: [FeedSpec] = [], extra: String = "") throws -> AppConfig {
        try configure(feeds, extra: http.map(\.yaml).joined() + extra)
    }

    /// Polls one configured feed through the engine, as the service would.
    func poll(_ feed: String, now: String) async throws -> SyncEngine.FeedOutcome {
        guard let config, let spec = config.feeds.first(where: { $0.name == feed }) else {
            throw TestFailure("no feed \(feed) in the test config")
        }
        let engine = SyncEngine(config: config, db: try store(), logger: Self.quietLogger)
        return await engine.pollFeed(spec, now: try Self.timestamp(now))
    }

    /// The stored state of an HTTP feed.
    func httpState(_ feed: String = "la-api") throws -> HTTPFeedState {
        guard let config, let spec = config.feeds.first(where: { $0.name == feed }), case .http(let http) = spec.transport else {
            throw TestFailure("no http feed \(feed) in the test config")
        }
        let db = try store()
        return try db.httpFeedState(feedID: try db.feedID(name: feed, role: spec.role), url: http.url)
    }

    /// `status` as the command shows it, for one feed.
    func health(_ feed: String = "la-api", now: String) throws -> FeedHealth {
        guard let config else { throw TestFailure("configure the place first") }
        let all = try StatusQuery.feeds(try store(), configured: config.feeds.map { ($0.name, $0.role) },
                                        now: try Self.timestamp(now), staleAfterSeconds: config.staleAfterSeconds)
        guard let health = all.first(where: { $0.name == feed }) else { throw TestFailure("no health for \(feed)") }
        return health
    }
}
