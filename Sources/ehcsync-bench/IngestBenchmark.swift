import EHCCore
import EHCSync
import Foundation
import Logging

/// The benchmark of the issue: a first load of a full LA export into a fresh store,
/// then the next day's full re-export with 1% of rows changed, both through the
/// service's real sync cycle, each timed and measured, then the store checked.
struct IngestBenchmark {
    let options: BenchOptions
    /// The day the generated dates are relative to: fixed, so every run writes the same bytes.
    static let reference = CivilDate(year: 2026, month: 3, day: 2) ?? CivilDate(daysSinceEpoch: 20_514)

    /// The targets of the issue, on the 2-core reference machine.
    static let firstLoadTarget = 110_000.0  // the top of the Python csv + sqlite3 baseline's range
    static let reExportTarget = 400_000.0
    static let peakTargetBytes = 100_000_000

    /// Runs both passes; returns false when the store does not hold what was ingested.
    func run() async throws -> Bool {
        let place = try BenchPlace.make(options.dir)
        defer { if place.isTemporary && !options.keep { place.remove() } }
        let config = try place.loadConfig()
        let db: AppDatabase
        do { db = try AppDatabase(path: place.storePath) } catch { throw BenchError("\(error)") }
        StderrLogHandler.bootstrap(level: .info)
        let engine = SyncEngine(config: config, db: db, logger: Logger(label: "ehcsync-bench"))
        let writer = LAExportWriter(rows: options.rows, seed: options.seed, reference: Self.reference)

        say("ehcsync-bench \(EHCSyncVersion.string): \(options.rows) rows, seed \(options.seed), in \(place.dir)")
        say("machine: \(Self.machine)")
        say()

        let first = try await pass("first load (fresh store)", file: "la-export-day1.csv", nextDay: false,
                             writer: writer, place: place, engine: engine)
        let second = try await pass("re-export, 1% changed", file: "la-export-day2.csv", nextDay: true,
                              writer: writer, place: place, engine: engine)

        let figures = try StoreFigures.read(db)
        figures.lines.forEach { say($0) }
        say("  process peak RSS after the check: \(megabytes(ResourceUsage.now().processPeakBytes))")
        say()
        let ok = check(figures, first: first, second: second)
        say()
        try NoticeBenchmark(db: db, config: config, today: Self.reference.adding(days: 2)).run().lines.forEach { say($0) }
        say()
        say("targets (issue): first load > \(Int(Self.firstLoadTarget)) rows/s (Python csv + sqlite3 baseline), "
              + "re-export >= \(Int(Self.reExportTarget)) rows/s, peak RSS < \(megabytes(Self.peakTargetBytes))")
        say("  first load      " + String(format: "%.0f rows/s", first.rowsPerSecond) + verdict(first.rowsPerSecond > Self.firstLoadTarget))
        say("  re-export       " + String(format: "%.0f rows/s", second.rowsPerSecond) + verdict(second.rowsPerSecond >= Self.reExportTarget))
        // The higher of the two passes' peaks (each pass resets the kernel's count).
        let peak = [first, second].map { $0.after.peakSinceResetBytes ?? $0.after.processPeakBytes }.max() ?? 0
        say("  peak RSS        \(megabytes(peak))" + verdict(peak < Self.peakTargetBytes))
        if options.keep || !place.isTemporary { say("\nkept: \(place.dir) (ehcsync status --config \(place.configPath))") }
        return ok
    }

    private func pass(_ label: String, file: String, nextDay: Bool, writer: LAExportWriter, place: BenchPlace,
                      engine: SyncEngine) async throws -> IngestPass {
        let clock = ContinuousClock()
        let start = clock.now
        let bytes = try writer.write(to: place.stagingFolder + "/" + file, nextDay: nextDay)
        try place.drop(file)
        let took = start.duration(to: clock.now).components
        say("wrote \(file): \(megabytes(bytes)) in " + String(format: "%.1f s", Double(took.seconds) + Double(took.attoseconds) / 1e18)
              + " (not timed)")
        say("load average before the pass: \(Self.loadAverage)")
        let result = try await IngestPass.run(label: label, rows: options.rows, fileBytes: bytes, engine: engine)
        result.lines.forEach { say($0) }
        say()
        return result
    }

    /// Checks that the timed work really happened: every row in the store, every row of
    /// the first load audited, and exactly the changed rows of the re-export applied.
    private func check(_ f: StoreFigures, first: IngestPass, second: IngestPass) -> Bool {
        let n = options.rows
        let changed = (0..<n).filter(SyntheticRequest.isChangedNextDay).count
        var problems: [String] = []
        if f.advice != n { problems.append("advice holds \(f.advice) records, expected \(n)") }
        if f.count("created") != n { problems.append("\(f.count("created")) created observations, expected \(n)") }
        if f.count("updated") != changed { problems.append("\(f.count("updated")) updated observations, expected \(changed)") }
        if (first.poll?.rowsFailed ?? 0) + (second.poll?.rowsFailed ?? 0) != 0 { problems.append("rows failed validation") }
        if second.poll?.counts.unchanged != n - changed {
            problems.append("re-export: \(second.poll?.counts.unchanged ?? 0) rows unchanged, expected \(n - changed)")
        }
        say("check: " + (problems.isEmpty
            ? "ok — \(n) records, \(n) created and \(changed) updated observations, \(n - changed) rows skipped as unchanged"
            : problems.joined(separator: "; ")))
        return problems.isEmpty
    }

    private func verdict(_ met: Bool) -> String { met ? "  met" : "  NOT MET" }

    static var loadAverage: String {
        ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "n/a").split(separator: " ").prefix(3).joined(separator: " ")
    }

    /// Cores, CPU model and memory, for the report.
    static var machine: String {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .map { $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "" } ?? "unknown CPU"
        let memory = ProcessInfo.processInfo.physicalMemory
        return "\(ProcessInfo.processInfo.activeProcessorCount) cores, \(model), \(megabytes(Int(memory))) memory"
    }
}
