import Foundation
import Testing
@testable import EHCSync

extension ServiceLifecycleTests {
    static let stopFiles = 6
    static let rowsPerStopFile = 3_000

    /// SIGTERM while files are being taken: the service stops within 10 s with exit 0,
    /// every file is either wholly applied (and moved) or wholly untouched (and still in
    /// the drop folder), and a later sync takes the rest: no record is lost or halved.
    @Test(.timeLimit(.minutes(3)))
    func sigtermMidBatchExitsZeroWithoutLosingARecord() async throws {
        let place = try TestPlace()
        try place.configure([FeedSpec(name: "la-cases", role: "la", format: "csv", every: "1s")])
        for file in 0..<Self.stopFiles {
            let first = file * Self.rowsPerStopFile
            try place.drop("batch-\(file).csv", into: "la-cases", Self.laFile(first...(first + Self.rowsPerStopFile - 1)))
        }
        let service = try ServiceProcess(config: place.configPath)
        try await service.waitReady()
        let processedRoot = place.folder("la-cases") + "/processed"
        func processed() -> [String] {
            place.names(in: processedRoot).flatMap { day in place.names(in: processedRoot + "/" + day) }.filter { $0.hasSuffix(".csv") }
        }
        try await waitFor("the first file taken", seconds: 60) { !processed().isEmpty }
        let stop = try await service.stop(seconds: 10)
        #expect(stop.result.status == 0, "\(stop.result)")
        #expect(stop.took < 10)
        #expect(stop.result.stderr.contains("stopping: finishing the work in hand"))

        let taken = Set(processed())
        let waiting = Set(place.names(in: place.folder("la-cases")).filter { $0.hasSuffix(".csv") })
        #expect(taken.count + waiting.count == Self.stopFiles && taken.isDisjoint(with: waiting), "taken \(taken), waiting \(waiting)")
        #expect(waiting.count > 0, "SIGTERM came after every file was taken; the test proved nothing (make the batch bigger)")
        for file in 0..<Self.stopFiles {
            let name = "batch-\(file).csv"
            let observed = try place.int("SELECT count(*) FROM observation WHERE source = ?", [name])
            #expect(observed == (taken.contains(name) ? Self.rowsPerStopFile : 0), "\(name): \(observed) rows observed, taken: \(taken.contains(name))")
        }
        let rest = try EHCSyncBinary.run(["sync", "--config", place.configPath])
        #expect(rest.status == 0, "\(rest)")
        #expect(try place.int("SELECT count(*) FROM advice") == Self.stopFiles * Self.rowsPerStopFile)
        #expect(try place.store().integrityCheck() == "ok")
    }
}

extension ServiceLifecycleTests {
    /// SIGTERM while one file far too big to finish in time is being taken: 7 s after
    /// the signal the store is interrupted, the file's transaction rolls back whole,
    /// and the service still exits 0 within 10 s. The file stays in the drop folder
    /// with nothing of it applied, and is taken whole by the next run.
    @Test(.timeLimit(.minutes(5)))
    func sigtermDuringOneLongFileRollsItBackWhole() async throws {
        // Large enough that even a release build on a quiet machine cannot take it in 8 s.
        let rows = 400_000
        let place = try TestPlace()
        try place.configure([FeedSpec(name: "la-cases", role: "la", format: "csv", every: "1s")])
        try place.drop("big.csv", into: "la-cases", Self.laFile(0...(rows - 1)))
        let service = try ServiceProcess(config: place.configPath)
        try await service.waitReady()
        try await Task.sleep(for: .seconds(1))
        let stop = try await service.stop(seconds: 10)
        #expect(stop.result.status == 0, "\(stop.result)")
        #expect(stop.result.stderr.contains("shutdown: polling feed la-cases is still running: interrupting it"),
                "the file finished within 7 s; the test proved nothing (make it bigger): \(stop.result.stderr)")
        #expect(place.names(in: place.folder("la-cases")) == ["big.csv"])
        #expect(try place.int("SELECT count(*) FROM observation") == 0)
        #expect(try place.int("SELECT count(*) FROM advice") == 0)
        #expect(try place.store().integrityCheck() == "ok")

        let rest = try EHCSyncBinary.run(["sync", "--config", place.configPath])
        #expect(rest.status == 0, "\(rest)")
        #expect(try place.int("SELECT count(*) FROM advice") == rows)
    }
}
