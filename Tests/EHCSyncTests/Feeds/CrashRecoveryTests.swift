import EHCCore
import Foundation
import Testing
@testable import EHCSync

/// SPEC §4: "applied per observation, in one transaction with the feed's progress (file
/// moved or cursor advanced), so that a crash never loses or doubles an observation".
/// A real `ehcsync sync` is killed with SIGKILL part-way through a batch of files,
/// several times, then run to the end; the store must hold every row exactly once and
/// agree with an oracle computed here, and SQLite must find the file intact.
@Suite struct CrashRecoveryTests {
    static let fileCount = 24
    static let rowsPerFile = 500
    /// Each file starts this many ids after the previous one, so ids overlap two files.
    static let idStride = 250
    static let now = "2026-03-10T09:00:00Z"
    static let today = "2026-03-10"

    /// The newest row for one request id: what the store must end up holding.
    struct Expected: Equatable {
        var caseRef: String
        var requestedOn: String
        var updatedAtMillis: Int64
    }

    static func name(_ file: Int) -> String { "batch-" + (file < 10 ? "0" : "") + String(file) + ".csv" }

    /// Writes the batch and returns the oracle. Files are dated (mtime) in a shuffled
    /// order, so some older exports are taken after newer ones and must be stale.
    static func writeBatch(into place: TestPlace, rng: inout SeededRandom) throws -> [String: Expected] {
        var oracle: [String: Expected] = [:]
        let base = try TestPlace.timestamp("2026-03-01T08:00:00Z")
        let dir = place.folder("la-cases")
        var order = Array(0..<fileCount)
        order.shuffle(using: &rng)
        for file in 0..<fileCount {
            let updated = base.adding(seconds: file * 600)
            var lines = [SampleExport.laHeader]
            lines.reserveCapacity(rowsPerFile + 1)
            for row in 0..<rowsPerFile {
                let n = file * idStride + row
                let id = "REQ-" + String(100_000 + n)
                let caseRef = "EHC/\(n)/v\(file)"
                let requestedOn = "2026-02-" + String(10 + file % 18)
                lines.append(SampleExport.laRow(id, caseRef: caseRef, nhs: SampleExport.nhs[n % SampleExport.nhs.count],
                                                requestedOn: requestedOn, updatedAt: updated.description))
                if (oracle[id]?.updatedAtMillis ?? .min) < updated.millis {
                    oracle[id] = Expected(caseRef: caseRef, requestedOn: requestedOn, updatedAtMillis: updated.millis)
                }
            }
            let path = dir + "/" + name(file)
            try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: false, encoding: .utf8)
            let position = order.firstIndex(of: file) ?? file
            try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(Double(position * 10 - 3_600))],
                                                  ofItemAtPath: path)
        }
        return oracle
    }

    @Test(.timeLimit(.minutes(3)))
    func killedSyncNeitherLosesNorDoublesAnObservation() throws {
        let seed = UInt64(Date().timeIntervalSince1970 * 1000)
        var rng = SeededRandom(seed: seed)
        let place = try TestPlace()
        try place.configure([.la()])
        let oracle = try Self.writeBatch(into: place, rng: &rng)
        let allNames = (0..<Self.fileCount).map(Self.name)
        let processed = place.processed("la-cases", on: Self.today)
        func taken() -> Int { place.names(in: processed).filter { $0.hasPrefix("batch-") && $0.hasSuffix(".csv") }.count }
        let arguments = ["sync", "--config", place.configPath, "--now", Self.now]

        // Kill rounds: let each run make some progress, then SIGKILL it at a random moment.
        var kills = 0
        for _ in 0..<8 {
            let before = taken()
            if before == Self.fileCount { break }
            let child = try EHCSyncBinary.start(arguments)
            let deadline = Date().addingTimeInterval(30)
            while child.process.isRunning && taken() <= before && Date() < deadline {
                Thread.sleep(forTimeInterval: 0.01)
            }
            Thread.sleep(forTimeInterval: Double(rng.next() % 500) / 1000)
            if child.process.isRunning {
                kill(child.process.processIdentifier, SIGKILL)
                kills += 1
            }
            child.process.waitUntilExit()
            let result = try child.finish()
            #expect(result.killedBySignal || result.status == 0, "seed \(seed): \(result)")
        }
        #expect(kills >= 1, "seed \(seed): no run was killed part-way; the batch is too small for this machine")

        let last = try EHCSyncBinary.run(arguments)
        #expect(last.status == 0, "seed \(seed): \(last)")

        // Files: none left behind, each in processed exactly once, none rejected.
        #expect(place.names(in: place.folder("la-cases")) == ["processed"], "seed \(seed)")
        #expect(place.names(in: place.folder("la-cases") + "/processed") == [Self.today])
        #expect(place.names(in: processed) == allNames, "seed \(seed): every file once, none lost or doubled")

        // Store: each file applied once; every row observed once; one 'created' per request.
        let store = try AppDatabase(path: place.storePath)
        #expect(try store.integrityCheck() == "ok", "seed \(seed)")
        let applied = try place.rows("SELECT name, count(*) FROM source_file WHERE outcome = 'applied' GROUP BY name ORDER BY name")
        #expect(applied == allNames.map { [$0, "1"] }, "seed \(seed): each file has exactly one 'applied' row")
        #expect(try place.int("SELECT count(*) FROM source_file WHERE outcome = 'rejected'") == 0)
        #expect(try place.int("SELECT count(*) FROM observation") == Self.fileCount * Self.rowsPerFile,
                "seed \(seed): every row of every file is observed exactly once")
        #expect(try place.int("SELECT count(*) FROM (SELECT request_id FROM observation WHERE outcome = 'created' GROUP BY request_id HAVING count(*) > 1)") == 0,
                "seed \(seed): no request was created twice")
        #expect(try place.int("SELECT count(*) FROM observation WHERE outcome = 'created'") == oracle.count)
        #expect(try place.int("SELECT count(*) FROM advice") == oracle.count)

        // Values: the newest row per request id, whatever order the files were taken in.
        let records = try place.records(today: Self.today)
        let stored = try place.rows("SELECT a.request_id, f.updated_at FROM advice a JOIN advice_feed f ON f.advice_id = a.id")
        var wrong: [String] = []
        for row in stored {
            let id = row[0] ?? ""
            let la = records[id]?.state.la ?? FieldValues()
            let actual = Expected(caseRef: la[.case_ref] ?? "", requestedOn: la[.requested_on] ?? "",
                                  updatedAtMillis: Int64(row[1] ?? "") ?? 0)
            if oracle[id] != actual { wrong.append("\(id): \(actual) expected \(String(describing: oracle[id]))") }
        }
        #expect(stored.count == oracle.count)
        #expect(wrong.isEmpty, "seed \(seed): \(wrong.count) records differ from the oracle, e.g. \(wrong.prefix(3))")

        // And running again changes nothing.
        let before = try place.appliedState()
        let idle = try EHCSyncBinary.run(arguments)
        #expect(idle.status == 0, "\(idle)")
        #expect(try place.appliedState() == before)
    }
}
