import Foundation
import Testing

/// How far the reliability harnesses go: a few small trials in the normal test run, the
/// issue's full-size runs with `EHCSYNC_RELIABILITY=full` (crash trials, network
/// faults, the soak).
enum ReliabilityScale {
    static var isFull: Bool { ProcessInfo.processInfo.environment["EHCSYNC_RELIABILITY"] == "full" }

    /// The first trial's seed: `EHCSYNC_SEED` to replay a failure, else the clock.
    /// Trial `n` uses `seed + n`, and every failure message names its trial's seed.
    static var baseSeed: UInt64 {
        if let text = ProcessInfo.processInfo.environment["EHCSYNC_SEED"], let seed = UInt64(text) { return seed }
        return UInt64(Date().timeIntervalSince1970 * 1000)
    }

    /// `EHCSYNC_TRIALS` overrides the number of trials (to replay one seed, set it to 1).
    static func trials(short: Int, full: Int) -> Int {
        if let text = ProcessInfo.processInfo.environment["EHCSYNC_TRIALS"], let n = Int(text), n > 0 { return n }
        return isFull ? full : short
    }
}

/// Runs the real `ehcsync` again and again, each run SIGKILLed after a seeded random
/// delay unless it ends first, until a run ends by itself with exit 0 and `done()`
/// holds. The delay is drawn uniformly from zero to the `spread` the caller expects the
/// remaining work to take (at most `cap`), so kills land anywhere in a run: while it
/// opens the store, reads, applies, commits, moves files or sends.
struct KillLoop {
    let arguments: [String]
    let seed: UInt64
    var rng: SeededRandom
    /// A run that neither ends nor is killed within this many seconds fails the trial.
    var hangLimit: TimeInterval = 120
    /// At most this many runs; a loop that never finishes fails the trial.
    var maxRuns = 400

    init(arguments: [String], seed: UInt64, rng: SeededRandom) {
        self.arguments = arguments
        self.seed = seed
        self.rng = rng
    }

    /// What one loop came to.
    struct Figures {
        var kills = 0, runs = 0, seconds = 0.0
        /// Runs after the first of each loop (several loops add up in one trial).
        var restarts = 0
        /// Runs that ended by themselves (exit 0) before the work was done (`done()` false).
        var earlyExits = 0
        /// Every kill delay drawn, in seconds.
        var delays: [Double] = []
        /// How long the run that finished took, start to exit.
        var lastRunSeconds = 0.0
    }

    /// A random delay in `0..<limit` seconds, from the trial's generator.
    mutating func delay(upTo limit: Double) -> Double {
        Double(rng.next() % 1_000_000) / 1_000_000 * max(limit, 0.001)
    }

    /// Runs until done. `spread()` is asked before each run for the seconds the rest of
    /// the work should take. Returns the figures; a run that ended with anything but
    /// exit 0 or our SIGKILL is a failure recorded against the seed.
    mutating func run(spread: () -> Double, cap: Double, done: () -> Bool) throws -> Figures {
        var figures = Figures()
        let started = Date()
        while figures.runs < maxRuns {
            let wait = delay(upTo: min(spread(), cap))
            figures.delays.append(wait)
            let runStarted = Date()
            let child = try EHCSyncBinary.start(arguments)
            figures.runs += 1
            let killAt = Date().addingTimeInterval(wait)
            while child.process.isRunning && Date() < killAt {
                Thread.sleep(forTimeInterval: min(0.002, max(0, killAt.timeIntervalSinceNow)))
            }
            var killed = false
            if child.process.isRunning {
                kill(child.process.processIdentifier, SIGKILL)
                killed = true
            }
            let hangAt = Date().addingTimeInterval(hangLimit)
            while child.process.isRunning && Date() < hangAt { Thread.sleep(forTimeInterval: 0.01) }
            if child.process.isRunning {
                kill(child.process.processIdentifier, SIGKILL)
                child.process.waitUntilExit()
                _ = try? child.finish()
                throw TestFailure("seed \(seed): a run did not end within \(Int(hangLimit)) s")
            }
            child.process.waitUntilExit()
            let result = try child.finish()
            if killed && result.killedBySignal {
                figures.kills += 1
                continue
            }
            // It ended by itself (perhaps just as the kill was sent, too late to count).
            guard result.status == 0, !result.killedBySignal else {
                throw TestFailure("seed \(seed): run \(figures.runs) failed: \(result)")
            }
            if done() {
                figures.lastRunSeconds = Date().timeIntervalSince(runStarted)
                figures.restarts = figures.runs - 1
                figures.seconds = Date().timeIntervalSince(started)
                return figures
            }
            figures.earlyExits += 1
        }
        throw TestFailure("seed \(seed): not done after \(maxRuns) runs")
    }
}

/// Per-trial lines and a summary for the full run (printed to stdout, where
/// `swift test` shows them).
final class TrialReport: @unchecked Sendable {
    let name: String
    private var lines: [(kills: Int, restarts: Int, seconds: Double)] = []
    private let lock = NSLock()

    init(_ name: String) { self.name = name }

    /// Records and prints one trial's figures, with whatever else the harness counted.
    func trial(_ n: Int, seed: UInt64, _ figures: KillLoop.Figures, extra: String = "") {
        lock.lock()
        lines.append((figures.kills, figures.restarts, figures.seconds))
        lock.unlock()
        print("\(name) trial \(n) seed \(seed): \(figures.kills) kills, \(figures.restarts) restarts, "
              + String(format: "%.1f s", figures.seconds) + (extra.isEmpty ? "" : ", " + extra))
    }

    /// One line over every trial: trials, kills (total, least, most), restarts, time.
    func summary(extra: String = "") {
        lock.lock()
        defer { lock.unlock() }
        let kills = lines.map(\.kills), time = lines.map(\.seconds).reduce(0, +)
        print("\(name) summary: \(lines.count) trials, \(kills.reduce(0, +)) kills (\(kills.min() ?? 0)–\(kills.max() ?? 0) a trial), "
              + "\(lines.map(\.restarts).reduce(0, +)) restarts, " + String(format: "%.0f s in all", time)
              + (extra.isEmpty ? "" : ", " + extra))
    }
}
