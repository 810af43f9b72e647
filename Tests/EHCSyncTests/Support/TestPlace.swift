import EHCCore
import Foundation
import Logging
import Testing
@testable import EHCSync

/// A throwaway place on disk for one test: real drop folders, a real config file and
/// a real SQLite store, all under one temporary folder that is removed afterwards.
///
/// Feeds are written as YAML (with absolute paths) and loaded through `ConfigLoader`,
/// so a test exercises the same path from config to store as the service does. Each
/// feed's drop folder is `root/FEED-NAME`.
final class TestPlace {
    let root: String
    let zone = TimeZone(identifier: "Europe/London") ?? .gmt
    private(set) var config: AppConfig?
    private(set) var db: AppDatabase?
    /// Each drop gets an mtime one second after the previous one, so files are taken
    /// in the order a test drops them (the scanner takes the oldest first).
    private var dropClock = Date().addingTimeInterval(-3_600)

    init() throws {
        root = FileManager.default.temporaryDirectory.path + "/ehcsync-test-" + UUID().uuidString.prefix(12)
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: root)
    }

    var storePath: String { root + "/store/ehcsync.sqlite" }
    var configPath: String { root + "/ehcsync.yaml" }

    /// The drop folder of a feed.
    func folder(_ feed: String) -> String { root + "/" + feed }

    /// `FEED/processed/DATE`, where a feed's applied files go.
    func processed(_ feed: String, on date: String) -> String { folder(feed) + "/processed/" + date }

    /// `FEED/rejected`, where whole-file failures go.
    func rejected(_ feed: String) -> String { folder(feed) + "/rejected" }

    /// The YAML of a whole config for these feeds, with absolute paths.
    func yaml(_ feeds: [FeedSpec]) -> String {
        var text = "store: \"\(storePath)\"\ntimezone: Europe/London\nfeeds:\n"
        for feed in feeds { text += feed.yaml(folder: folder(feed.name)) }
        return text
    }

    /// Writes the config, makes the drop folders, loads the config and opens the store.
    @discardableResult
    func configure(_ feeds: [FeedSpec], extra: String = "") throws -> AppConfig {
        let text = yaml(feeds) + extra
        try text.write(toFile: configPath, atomically: true, encoding: .utf8)
        for feed in feeds {
            try FileManager.default.createDirectory(atPath: folder(feed.name), withIntermediateDirectories: true)
        }
        return try load(configText: text)
    }

    /// Loads a whole config's YAML (written by the caller, folders made) and opens its store.
    @discardableResult
    func load(configText text: String) throws -> AppConfig {
        let config: AppConfig
        switch ConfigLoader.parse(yaml: text, file: configPath, environment: [:]) {
        case .success(let loaded): config = loaded
        case .failure(let errors): throw TestFailure("the test's config was refused:\n\(errors)\n\(text)")
        }
        self.config = config
        db = try AppDatabase(path: config.storePath)
        return config
    }

    /// Writes a file into a feed's drop folder, dated after every earlier drop (and
    /// at least 30 minutes in the past, so `ready: stable` takes it).
    func drop(_ name: String, into feed: String, _ text: String) throws {
        try drop(name, into: feed, bytes: Data(text.utf8))
    }

    func drop(_ name: String, into feed: String, bytes: Data) throws {
        let path = folder(feed) + "/" + name
        try bytes.write(to: URL(fileURLWithPath: path))
        dropClock = dropClock.addingTimeInterval(1)
        try FileManager.default.setAttributes([.modificationDate: dropClock], ofItemAtPath: path)
    }

    /// Sets a file's mtime to `age` seconds before now.
    func age(_ path: String, seconds age: TimeInterval) throws {
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-age)], ofItemAtPath: path)
    }

    /// Runs one full cycle through the real engine, as at `now` (RFC 3339).
    @discardableResult
    func cycle(_ now: String, logger: Logger = TestPlace.quietLogger) async throws -> CycleReport {
        guard let config, let db else { throw TestFailure("configure the place before running a cycle") }
        let engine = SyncEngine(config: config, db: db, logger: logger)
        return await engine.runCycle(now: try Self.timestamp(now), wallClock: Date())
    }

    /// The store, or a test failure when the place was never configured.
    func store() throws -> AppDatabase {
        guard let db else { throw TestFailure("configure the place before reading the store") }
        return db
    }

    /// A logger that drops everything: tests assert on the store, not on log lines.
    static let quietLogger = Logger(label: "ehcsync-tests") { _ in SwiftLogNoOpLogHandler() }

    /// An RFC 3339 instant (an offset-less one is London time, as in a config).
    static func timestamp(_ text: String) throws -> Timestamp {
        guard let t = Timestamp.parse(text, zone: TimeZone(identifier: "Europe/London") ?? .gmt) else {
            throw TestFailure("'\(text)' is not an RFC 3339 timestamp")
        }
        return t
    }

    /// Names in a folder (empty when it does not exist), sorted.
    func names(in path: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
    }

    /// True when anything (file, folder, FIFO, symlink target) is at `path`.
    func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    /// A file's content as UTF-8 text (the errors lists, `error.txt`).
    func text(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }
}

/// One feed of a test config. The drop folder is the place's folder for `name`.
struct FeedSpec {
    var name: String
    var role: String
    var format: String
    var pattern: String?
    var ready = "stable"
    var settleSeconds = 0
    /// `every:` as written (`1s`, `5m`); the config's default when nil.
    var every: String?
    /// Inline YAML map for `defaults:`, e.g. `{ provider_ods: RBT }`.
    var defaults: String?
    /// A `csv:` or `json:` block, written unindented; it is indented under the feed.
    var mapping: String?

    /// An LA feed, CSV by default, its columns named canonically unless `mapping` says otherwise.
    static func la(_ name: String = "la-cases", format: String = "csv", mapping: String? = nil) -> FeedSpec {
        FeedSpec(name: name, role: "la", format: format, mapping: mapping)
    }

    /// A provider feed for the trust RBT (`provider_ods` defaults to RBT), NDJSON by default.
    static func provider(_ name: String = "trust", format: String = "ndjson", mapping: String? = nil) -> FeedSpec {
        FeedSpec(name: name, role: "provider", format: format, defaults: "{ provider_ods: RBT }", mapping: mapping)
    }

    /// This feed as one item of the config's `feeds:` list.
    func yaml(folder: String) -> String {
        var folderMap = "path: \"\(folder)\", ready: \(ready), settle_seconds: \(settleSeconds)"
        if let pattern { folderMap += ", pattern: \"\(pattern)\"" }
        var text = "  - name: \(name)\n    role: \(role)\n    folder: { \(folderMap) }\n    format: \(format)\n"
        if let every { text += "    every: \(every)\n" }
        if let defaults { text += "    defaults: \(defaults)\n" }
        if let mapping {
            for line in mapping.split(separator: "\n", omittingEmptySubsequences: true) { text += "    " + line + "\n" }
        }
        return text
    }
}

/// A problem in a test's own setup, reported as a thrown error with plain words.
struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
