import EHCCore
import Foundation
import Testing
@testable import EHCSync

/// How big the network-fault runs are: short in the normal `swift test` (a few minutes
/// in all), long with `EHCSYNC_RELIABILITY=full` (outages of many intervals, storms of
/// hundreds of 429s, a day of notices stepped every five minutes).
enum NetworkFaultScale {
    /// `short` in the normal run, `long` in the full one.
    static func pick<T>(_ short: T, _ long: T) -> T { ReliabilityScale.isFull ? long : short }

    /// The run's seed: `EHCSYNC_SEED` to replay a run, else a new one. Printed, and
    /// named in every failure message, so a failing run can be replayed.
    static func seed(_ test: String) -> UInt64 {
        let seed = ProcessInfo.processInfo.environment["EHCSYNC_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 1...999_999_999)
        print("\(test): seed \(seed) (replay with EHCSYNC_SEED=\(seed))")
        return seed
    }
}

/// Seconds on `CLOCK_MONOTONIC`, the clock Python's `time.monotonic()` reads: the test
/// and the peer's log measure on one clock.
func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

/// The LA's case system behind an endpoint: records that keep changing while the
/// network fails. Each change is a new request (one in four) or a new version of one
/// already sent (its `case_ref` ends `/vN`), and takes the next `updated_at`, one
/// second after the last, as a real system's clock would. `publish` hands the whole
/// set to whatever serves it (the feed peer's data file, nginx's root).
final class ChangingLA {
    private(set) var records: [String: [String: String]] = [:]
    private var versions: [String: Int] = [:]
    private var random: SeededRandom
    private var tick = 0
    private(set) var changes = 0
    private let publish: ([[String: String]]) throws -> Void
    static let start = Date(timeIntervalSince1970: 1_772_445_600)  // 2026-03-02T10:00:00Z

    init(count: Int, seed: UInt64, publish: @escaping ([[String: String]]) throws -> Void) throws {
        random = SeededRandom(seed: seed)
        self.publish = publish
        for _ in 0..<count { add() }
        try publish(all)
    }

    /// Every record, in request order.
    var all: [[String: String]] { records.keys.sorted().compactMap { records[$0] } }

    /// request_id → case_ref: what the store must end up with.
    var expected: [String: String] { records.mapValues { $0["case_ref"] ?? "" } }

    /// `count` changes, then the whole set published at once.
    func change(_ count: Int) throws {
        for _ in 0..<count {
            if random.next() % 4 == 0 {
                add()
            } else {
                let keys = records.keys.sorted()
                bump(keys[Int(random.next() % UInt64(keys.count))])
            }
        }
        try publish(all)
    }

    private func nextStamp() -> String {
        tick += 1
        changes += 1
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Self.start.addingTimeInterval(Double(tick)))
    }

    private func add() {
        let n = records.count
        let record = FeedPeer.laRecord(n, updatedAt: nextStamp(), caseRef: "EHC/\(n)/v1")
        records[record["request_id"] ?? ""] = record
        versions[record["request_id"] ?? ""] = 1
    }

    private func bump(_ id: String) {
        guard var record = records[id] else { return }
        let version = (versions[id] ?? 1) + 1
        versions[id] = version
        let n = (record["case_ref"] ?? "").split(separator: "/").dropFirst().first.map(String.init) ?? "0"
        record["case_ref"] = "EHC/\(n)/v\(version)"
        record["updated_at"] = nextStamp()
        records[id] = record
    }
}

/// The place as the real command line reports it.
enum FaultProbe {
    /// request_id → case_ref for every record, from `ehcsync advice list --state all --json`.
    static func caseRefs(_ place: TestPlace) throws -> [String: String] {
        let run = try EHCSyncBinary.run(["advice", "list", "--state", "all", "--json", "--config", place.configPath])
        guard run.status == 0, let items = try run.json() as? [[String: Any]] else {
            throw TestFailure("advice list failed: \(run)")
        }
        var refs: [String: String] = [:]
        for item in items {
            guard let id = item["request_id"] as? String else { continue }
            refs[id] = item["case_ref"] as? String ?? ""
        }
        return refs
    }

    /// One feed's entry in `ehcsync status --json`, and the whole report.
    static func status(_ place: TestPlace, feed: String) throws -> (feed: [String: Any], all: [String: Any]) {
        let run = try EHCSyncBinary.run(["status", "--json", "--config", place.configPath])
        guard run.status == 0, let all = try run.json() as? [String: Any],
              let feeds = all["feeds"] as? [[String: Any]], let entry = feeds.first(where: { $0["name"] as? String == feed }) else {
            throw TestFailure("status --json has no feed \(feed): \(run)")
        }
        return (entry, all)
    }

    /// Polls `condition` every 50 ms without blocking a thread; fails after `seconds`.
    static func waitUntil(_ what: String, seconds: Double, _ condition: () async throws -> Bool) async throws {
        let start = monotonicSeconds()
        while monotonicSeconds() - start < seconds {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        if try await condition() { return }
        throw TestFailure("timed out after \(seconds) s waiting for \(what)")
    }

    /// The records that differ between the store and the LA (missing or an older version).
    static func missing(_ place: TestPlace, _ la: ChangingLA) throws -> [String] {
        let stored = try caseRefs(place)
        return la.expected.filter { stored[$0.key] != $0.value }.map(\.key).sorted()
    }

    /// Waits until the store holds every record at its newest version; returns how long
    /// that took, or throws naming what is still missing.
    @discardableResult
    static func waitCaughtUp(_ place: TestPlace, _ la: ChangingLA, seconds: Double, context: String) async throws -> Double {
        let start = monotonicSeconds()
        var missing: [String] = []
        while monotonicSeconds() - start < seconds {
            missing = try Self.missing(place, la)
            if missing.isEmpty { return monotonicSeconds() - start }
            try await Task.sleep(for: .milliseconds(250))
        }
        throw TestFailure("\(context): after \(seconds) s the store still lacks \(missing.count) of \(la.records.count) records "
                          + "at their newest version: \(missing.prefix(5))")
    }
}

/// The backoff window the README promises after `failures` failures in a row of a feed
/// polled every `every` seconds: from an eighth of `every`, doubling, up to `every`.
func feedBackoffWindow(every: Double, failures: Int) -> Double {
    min(max((every / 8).rounded(.down), 1) * pow(2, Double(max(failures, 1) - 1)), every)
}
