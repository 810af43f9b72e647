import Foundation
import Synchronization

/// Samples a running process from `/proc` every few seconds, for the soak: resident
/// memory (`VmRSS` in `/proc/PID/status`), open file descriptors (entries of
/// `/proc/PID/fd`) and the size of one file (the store's `-wal`). Runs on a thread of
/// its own, so a busy test pool never delays a sample.
final class ProcessSampler: Sendable {
    struct Sample: Sendable {
        /// Seconds since sampling began.
        var at: Double
        var rssKiB: Int
        var fds: Int
        /// Bytes; 0 when the file does not exist.
        var walBytes: Int
    }

    private let samples = Mutex<[Sample]>([])
    private let running = Atomic<Bool>(true)
    private let done = Mutex<Bool>(false)

    /// Starts sampling `pid` every `interval` seconds; `walPath` is the file whose size is recorded.
    init(pid: Int32, walPath: String, interval: Double) {
        let thread = Thread { [self] in
            let start = Date()
            while running.load(ordering: .relaxed) {
                if let sample = Self.sample(pid: pid, walPath: walPath, at: Date().timeIntervalSince(start)) {
                    samples.withLock { $0.append(sample) }
                }
                let next = start.addingTimeInterval((Date().timeIntervalSince(start) / interval).rounded(.down) * interval + interval)
                while running.load(ordering: .relaxed), Date() < next {
                    Thread.sleep(forTimeInterval: min(0.1, max(0, next.timeIntervalSinceNow)))
                }
            }
            done.withLock { $0 = true }
        }
        thread.name = "soak-sampler"
        thread.start()
    }

    /// Stops sampling and returns every sample taken.
    func stop() -> [Sample] {
        running.store(false, ordering: .relaxed)
        while !done.withLock({ $0 }) { Thread.sleep(forTimeInterval: 0.02) }
        return samples.withLock { $0 }
    }

    /// The samples so far.
    var taken: [Sample] { samples.withLock { $0 } }

    /// One sample, or nil when the process has gone.
    static func sample(pid: Int32, walPath: String, at: Double) -> Sample? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kib = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? ""),
              let fds = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd") else { return nil }
        var st = stat()
        let wal = stat(walPath, &st) == 0 ? Int(st.st_size) : 0
        return Sample(at: at, rssKiB: kib, fds: fds.count, walBytes: wal)
    }
}

extension Array where Element == ProcessSampler.Sample {
    /// The samples taken from `from` seconds up to (not including) `to`.
    func window(_ from: Double, _ to: Double) -> [ProcessSampler.Sample] { filter { $0.at >= from && $0.at < to } }
}

/// The median of a list of integers (the lower middle one for an even count).
func median(_ values: [Int]) -> Int {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    return sorted[(sorted.count - 1) / 2]
}
