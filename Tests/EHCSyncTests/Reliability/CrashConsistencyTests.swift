import EHCCore
import Foundation
import GRDB
import Testing
@testable import EHCSync

/// Issue 6, crash consistency: the real `ehcsync` is SIGKILLed at random moments and
/// restarted until its work is done, and what it leaves is checked against an
/// independent oracle (`CrashOracle`): nothing lost, nothing doubled, every file taken
/// once, SQLite intact, the audit trail complete; for a drop folder, for an HTTP feed
/// walked page by page, and for notices leaving through a webhook.
///
/// A few small trials run in the normal test run; `EHCSYNC_RELIABILITY=full` runs the
/// issue's 50 full-size trials of each and prints every trial's figures and a summary.
/// `EHCSYNC_SEED=N EHCSYNC_TRIALS=1` replays the trial a failure names.
@Suite(.serialized) struct CrashConsistencyTests {
    /// Drop-folder trial size: files, rows a file, and the pool request ids are drawn
    /// from (so most requests appear in several files).
    struct FolderSize { var files: Int, rows: Int, pool: Int }

    static var folderSize: FolderSize {
        ReliabilityScale.isFull ? FolderSize(files: 100, rows: 1_000, pool: 20_000) : FolderSize(files: 12, rows: 250, pool: 1_000)
    }

    static let now = "2026-03-10T09:00:00Z"
    static let today = "2026-03-10"
    static let services = ["salt", "ot", "physio"]
    static let requestDates = ["2026-02-02", "2026-02-09", "2026-02-16"]

    static func fileName(_ index: Int) -> String { String(format: "drop-%03d.csv", index) }

    /// The trial's files, seeded. Each file names `rows` distinct requests from the
    /// pool; file `f`'s rows are updated around `f` × 10 minutes, give or take 50
    /// minutes, so a later file often holds a row older than an earlier file's for the
    /// same request (rule 2 must then keep the newer). No request repeats an `updated_at`.
    static func generate(_ size: FolderSize, rng: inout SeededRandom) -> [[CrashOracle.Row]] {
        let base = CrashOracle.seconds("2026-03-01", hour: 8)
        var used: [Int: Set<Int64>] = [:]
        var files: [[CrashOracle.Row]] = []
        for f in 0..<size.files {
            var chosen: [Int] = []
            var taken = Set<Int>()
            while chosen.count < size.rows {
                let n = Int(rng.next() % UInt64(size.pool))
                if taken.insert(n).inserted { chosen.append(n) }
            }
            var rows: [CrashOracle.Row] = []
            for n in chosen {
                var t: Int64
                repeat { t = base + Int64(f * 600) + Int64(rng.next() % 6_001) - 3_000 } while used[n]?.contains(t) == true
                used[n, default: []].insert(t)
                rows.append(CrashOracle.Row(
                    requestID: String(format: "CC-%05d", n), caseRef: "EHC/\(n)/v\(rng.next() % 3)",
                    service: services[Int(rng.next() % 3)], requestedOn: requestDates[Int(rng.next() % 3)],
                    status: rng.next() % 4 == 0 ? "cancelled" : "requested", updatedAt: t))
            }
            files.append(rows)
        }
        return files
    }

    static func nhs(_ requestID: String) -> String {
        SampleExport.nhs[(Int(requestID.dropFirst(3)) ?? 0) % SampleExport.nhs.count]
    }

    @Test(.timeLimit(.minutes(300)))
    func dropFolderNeitherLosesNorDoublesUnderRandomKills() throws {
        let report = TrialReport("drop-folder")
        let base = ReliabilityScale.baseSeed
        for trial in 0..<ReliabilityScale.trials(short: 2, full: 50) {
            try folderTrial(trial, seed: base &+ UInt64(trial), report: report)
        }
        report.summary()
    }

    /// Large files take other paths: from 256 KiB a file is read on a second thread
    /// while the writer applies it; from 4 MB its rows are checked against the feed's
    /// marks in memory, and the first into an empty store is written through a rollback
    /// journal with its indexes built at its end (`AppDatabase.firstLoad`). Kills land
    /// on those paths here: a few files of 3,500 rows (short), or of 50,000 (full).
    static var largeFolderSize: FolderSize {
        ReliabilityScale.isFull ? FolderSize(files: 6, rows: 50_000, pool: 150_000) : FolderSize(files: 3, rows: 3_500, pool: 8_000)
    }

    @Test(.timeLimit(.minutes(120)))
    func largeFilesNeitherLoseNorDoubleUnderRandomKills() throws {
        let report = TrialReport("drop-folder, large files")
        let base = ReliabilityScale.baseSeed &+ 0x1a7e
        for trial in 0..<ReliabilityScale.trials(short: 1, full: 10) {
            try folderTrial(trial, seed: base &+ UInt64(trial), report: report, size: Self.largeFolderSize)
        }
        report.summary()
    }

    func folderTrial(_ trial: Int, seed: UInt64, report: TrialReport, size: FolderSize = folderSize) throws {
        var rng = SeededRandom(seed: seed)
        let files = Self.generate(size, rng: &rng)
        let expected = CrashOracle.replay(files)
        let place = try TestPlace()
        try place.configure([.la()])
        for (i, rows) in files.enumerated() {
            try place.drop(Self.fileName(i), into: "la-cases", SampleExport.laCSV(rows.map { $0.csv(nhs: Self.nhs($0.requestID)) }))
        }
        let folder = place.folder("la-cases")
        func waiting() -> Int { place.names(in: folder).filter { $0.hasSuffix(".csv") }.count }

        // The kill delay is spread over the time the files still waiting should take,
        // learnt from the runs so far (about 20 ms a file of 1,000 rows to start with).
        // A run killed before it took a file says only that a file takes longer: the
        // estimate grows, or on a loaded machine no run would ever take one.
        var perFile = Double(size.rows) / 50_000
        var last: (Date, Int)?
        var loop = KillLoop(arguments: ["sync", "--config", place.configPath, "--now", Self.now], seed: seed, rng: rng)
        let figures = try loop.run(spread: {
            let left = waiting()
            if let (time, before) = last {
                perFile = before > left ? Date().timeIntervalSince(time) / Double(before - left) : perFile * 1.25
            }
            last = (Date(), left)
            return max(0.2, Double(left) * perFile * 1.2)
        }, cap: size.rows >= 10_000 ? 90 : 8, done: { waiting() == 0 })

        let duplicates = try place.int("SELECT count(*) FROM source_file WHERE outcome = 'duplicate'")
        report.trial(trial, seed: seed, figures, extra: "\(duplicates) files found applied but not moved")
        try checkFolder(place, files: files, expected: expected, seed: seed, kills: figures.kills)
    }

    /// Everything a finished trial must show, each fault listed with the seed.
    func checkFolder(_ place: TestPlace, files: [[CrashOracle.Row]], expected: CrashOracle.Expected, seed: UInt64, kills: Int) throws {
        let names = (0..<files.count).map(Self.fileName)
        let folder = place.folder("la-cases")
        let processed = place.processed("la-cases", on: Self.today)

        // Files: each in processed/ once under its own name, none rejected, none left.
        #expect(place.names(in: folder) == ["processed"], "seed \(seed): the folder holds \(place.names(in: folder).prefix(5))")
        #expect(place.names(in: folder + "/processed") == [Self.today], "seed \(seed)")
        #expect(place.names(in: processed) == names, "seed \(seed): processed/ holds \(place.names(in: processed).count) names")
        #expect(!place.exists(place.rejected("la-cases")), "seed \(seed): nothing rejected")

        // SQLite intact, read through a connection of its own.
        #expect(try AppDatabase(path: place.storePath).integrityCheck() == "ok", "seed \(seed)")

        // File bookkeeping: each content applied once, with the oracle's counts; a file
        // killed after its commit and before its move is recorded once more as a duplicate.
        var faults: [String] = []
        let sourceRows = try place.rows("""
            SELECT name, content_sha256, outcome, rows_read, rows_applied, rows_unchanged, rows_stale, rows_failed
            FROM source_file ORDER BY id
            """)
        var applied: [String: [String?]] = [:]
        for row in sourceRows {
            let name = row[0] ?? "", outcome = row[2] ?? ""
            guard let index = names.firstIndex(of: name) else { faults.append("unknown file \(name)"); continue }
            switch outcome {
            case "applied":
                if applied[name] != nil { faults.append("\(name) applied twice") }
                applied[name] = row
                let outcomes = expected.outcomes[index]
                let want = [String(files[index].count), String(outcomes.filter { $0 == .created || $0 == .updated }.count),
                            String(outcomes.filter { $0 == .unchanged }.count), String(outcomes.filter { $0 == .stale }.count), "0"]
                let counts = Array(row[3...]).map { $0 ?? "-" }
                if counts != want { faults.append("\(name) counts \(counts) expected \(want)") }
            case "duplicate":
                if applied[name] == nil { faults.append("\(name) recorded as a duplicate before it was applied") }
                if applied[name]?[1] != row[1] { faults.append("\(name) duplicate of other content") }
            default:
                faults.append("\(name) \(outcome)")
            }
        }
        #expect(Set(applied.keys) == Set(names), "seed \(seed): \(names.count - applied.count) files never applied")
        #expect(Set(applied.values.map { $0[1] }).count == names.count, "seed \(seed): each content once")
        #expect(sourceRows.count - applied.count <= kills, "seed \(seed): more duplicates than kills")

        // Records: exactly the oracle's, field by field.
        let records = try place.records(today: Self.today)
        let marks = Dictionary(try place.rows("SELECT a.request_id, f.updated_at FROM advice a JOIN advice_feed f ON f.advice_id = a.id")
            .map { ($0[0] ?? "", Int64($0[1] ?? "") ?? 0) }, uniquingKeysWith: { a, _ in a })
        #expect(records.count == expected.records.count, "seed \(seed): \(records.count) records, expected \(expected.records.count)")
        for (id, want) in expected.records {
            guard let item = records[id] else { faults.append("\(id) lost"); continue }
            let la = item.state.la
            let got = ["case_ref": la[.case_ref] ?? "-", "service": la[.service] ?? "-", "requested_on": la[.requested_on] ?? "-",
                       "status": item.state.laStatus?.rawValue ?? "-"]
            if got != want.values { faults.append("\(id) holds \(got), expected \(want.values)") }
            if marks[id] != want.updatedAt * 1000 { faults.append("\(id) mark \(marks[id] ?? 0), expected \(want.updatedAt * 1000)") }
        }

        // Audit trail: one observation per row, in the order the files were taken, each
        // with its row's request, updated_at, outcome and values.
        try checkAudit(place, files: files, expected: expected, faults: &faults)
        #expect(faults.isEmpty, "seed \(seed): \(faults.count) faults, e.g. \(faults.prefix(5))")

        // And running again changes nothing.
        let before = try place.appliedState()
        let idle = try EHCSyncBinary.run(["sync", "--config", place.configPath, "--now", Self.now])
        #expect(idle.status == 0, "seed \(seed): \(idle)")
        #expect(try place.appliedState() == before, "seed \(seed)")
    }

    func checkAudit(_ place: TestPlace, files: [[CrashOracle.Row]], expected: CrashOracle.Expected, faults: inout [String]) throws {
        let total = files.map(\.count).reduce(0, +)
        let names = (0..<files.count).map(Self.fileName)
        var seen = 0
        var order: [String] = []
        try place.store().read { db in
            let cursor = try Row.fetchCursor(db, sql: "SELECT source, line, request_id, updated_at, outcome, observed FROM observation ORDER BY id")
            var lines = Set<String>()
            while let row = try cursor.next() {
                seen += 1
                let source: String = row[0], line: Int = row[1]
                if order.last != source { order.append(source) }
                guard let f = names.firstIndex(of: source), line >= 2, line - 2 < files[f].count else {
                    faults.append("observation of \(source) line \(line) matches no row")
                    continue
                }
                if !lines.insert("\(source):\(line)").inserted { faults.append("\(source) line \(line) observed twice") }
                let want = files[f][line - 2]
                let outcome: String = row[4]
                let updatedAt: Int64? = row[3]
                if (row[2] as String?) != want.requestID || updatedAt != want.updatedAt * 1000 || outcome != expected.outcomes[f][line - 2].rawValue {
                    faults.append("\(source) line \(line): \(String(describing: row[2] as String?)) \(updatedAt ?? 0) \(outcome), expected "
                                  + "\(want.requestID) \(want.updatedAt * 1000) \(expected.outcomes[f][line - 2])")
                }
                let observed: [UInt8] = [UInt8](row[5] as Data)
                let json = PackedValues.json(observed, updatedAt: nil)
                let values = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: String] ?? [:]
                if CrashOracle.variedFields.map({ values[$0] }) != CrashOracle.variedFields.map({ want.values[$0] }) {
                    faults.append("\(source) line \(line) recorded \(values), expected \(want.values)")
                }
            }
        }
        if seen != total { faults.append("\(seen) observations for \(total) rows") }
        if order != names { faults.append("observations by file out of order or interleaved: \(order.prefix(8))…") }
    }
}
