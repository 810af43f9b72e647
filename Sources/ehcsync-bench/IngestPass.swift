import EHCCore
import EHCSync
import Foundation

/// One timed ingest: a full sync cycle that finds the dropped export and takes it
/// through the real folder-feed path (scan, SHA-256, decode, map, validate, reconcile,
/// audit, commit, move to `processed/`). Only the cycle is timed; writing the export is not.
struct IngestPass {
    var label: String
    var rows: Int
    var fileBytes: Int
    var seconds: Double
    var userSeconds: Double
    var systemSeconds: Double
    var before: ResourceUsage
    var after: ResourceUsage
    var poll: FeedPollResult?

    var rowsPerSecond: Double { Double(rows) / seconds }

    static func run(label: String, rows: Int, fileBytes: Int, engine: SyncEngine) async throws -> IngestPass {
        ResourceUsage.resetPeak()
        let before = ResourceUsage.now()
        let clock = ContinuousClock()
        let start = clock.now
        let report = await engine.runCycle(now: Timestamp(Date()))
        let elapsed = start.duration(to: clock.now)
        let after = ResourceUsage.now()
        if let failed = report.feeds.first(where: { $0.error != nil }) {
            throw BenchError("feed \(failed.name) failed: \(failed.error ?? "")")
        }
        let poll = report.feeds.first?.result
        guard let poll, poll.filesApplied == 1 else {
            throw BenchError("\(label): expected one file applied, the cycle reported \(String(describing: poll))")
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return IngestPass(label: label, rows: rows, fileBytes: fileBytes, seconds: seconds,
                          userSeconds: after.userSeconds - before.userSeconds,
                          systemSeconds: after.systemSeconds - before.systemSeconds,
                          before: before, after: after, poll: poll)
    }

    /// The pass as the lines the benchmark prints.
    var lines: [String] {
        let counts = poll?.counts ?? ObservationApplier.Counts()
        return [
            "\(label)",
            "  rows            \(rows) (\(megabytes(fileBytes)) CSV)",
            "  wall            " + String(format: "%.2f s", seconds),
            "  rate            " + String(format: "%.0f rows/s (%.0f rows per CPU-second)", rowsPerSecond,
                                              Double(rows) / max(userSeconds + systemSeconds, 1e-9)),
            "  cpu             " + String(format: "%.2f s user, %.2f s system", userSeconds, systemSeconds),
            "  peak RSS        \(megabytes(after.peakSinceResetBytes)) this pass (VmHWM), \(megabytes(after.processPeakBytes)) process (ru_maxrss)",
            "  RSS now         \(megabytes(after.currentBytes)) (before the pass \(megabytes(before.currentBytes)))",
            "  outcome         \(counts.applied) applied, \(counts.unchanged) unchanged, \(counts.stale) stale, "
                + "\(poll?.rowsFailed ?? 0) row errors",
        ]
    }
}
