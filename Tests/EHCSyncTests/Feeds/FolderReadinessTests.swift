import EHCCore
import Foundation
import Testing
@testable import EHCSync

/// SPEC §7, which files a drop folder takes: only ready ones (`ready: stable` after
/// `settle_seconds`, `ready: marker` with `NAME.done` or MESH `NAME.ctl`), and never
/// hidden or temporary names, symlinks, subfolders or FIFOs.
@Suite struct FolderReadinessTests {
    static let now = "2026-03-10T09:00:00Z"
    static let today = "2026-03-10"

    @Test func stableFileIsTakenOnlyOnceSettled() async throws {
        let place = try TestPlace()
        var feed = FeedSpec.la()
        feed.settleSeconds = 60
        try place.configure([feed])
        let dir = place.folder("la-cases")
        try SampleExport.laCSV([SampleExport.laRow("LA-1")]).write(toFile: dir + "/fresh.csv", atomically: false, encoding: .utf8)
        try SampleExport.laCSV([SampleExport.laRow("LA-2")]).write(toFile: dir + "/settled.csv", atomically: false, encoding: .utf8)
        try place.age(dir + "/settled.csv", seconds: 120)

        try await place.cycle(Self.now)
        #expect(place.exists(dir + "/fresh.csv"), "a file modified just now must wait for settle_seconds")
        #expect(place.names(in: place.processed("la-cases", on: Self.today)) == ["settled.csv"])
        #expect(try place.records(today: Self.today).keys.sorted() == ["LA-2"])

        try place.age(dir + "/fresh.csv", seconds: 120)
        try await place.cycle(Self.now)
        #expect(!place.exists(dir + "/fresh.csv"))
        #expect(place.names(in: place.processed("la-cases", on: Self.today)) == ["fresh.csv", "settled.csv"])
        #expect(try place.records(today: Self.today).keys.sorted() == ["LA-1", "LA-2"])
    }

    @Test func markerFileIsTakenOnlyWithItsMarkerAndTheMarkerMovesWithIt() async throws {
        let place = try TestPlace()
        var feed = FeedSpec.la()
        feed.ready = "marker"
        feed.settleSeconds = 3_600  // the marker decides, not the file's age
        try place.configure([feed])
        let dir = place.folder("la-cases")
        try place.drop("waiting.csv", into: "la-cases", SampleExport.laCSV([SampleExport.laRow("LA-1")]))
        try place.drop("done.csv", into: "la-cases", SampleExport.laCSV([SampleExport.laRow("LA-2")]))
        try place.drop("done.csv.done", into: "la-cases", "")
        try place.drop("mesh.csv", into: "la-cases", SampleExport.laCSV([SampleExport.laRow("LA-3")]))
        try place.drop("mesh.ctl", into: "la-cases", "<DTSControl><MessageType>Data</MessageType></DTSControl>\n")

        try await place.cycle(Self.now)
        let processed = place.processed("la-cases", on: Self.today)
        #expect(place.names(in: dir).filter { $0 != "processed" } == ["waiting.csv"], "no marker, not taken")
        #expect(place.names(in: processed) == ["done.csv", "done.csv.done", "mesh.csv", "mesh.ctl"])
        #expect(try place.records(today: Self.today).keys.sorted() == ["LA-2", "LA-3"])

        try place.drop("waiting.csv.done", into: "la-cases", "")
        try await place.cycle(Self.now)
        #expect(place.names(in: dir).filter { $0 != "processed" } == [])
        #expect(place.names(in: processed).contains("waiting.csv.done"))
        #expect(try place.records(today: Self.today).keys.sorted() == ["LA-1", "LA-2", "LA-3"])
    }

    @Test func hiddenTemporaryLinkedAndSpecialEntriesAreNeverTaken() async throws {
        let place = try TestPlace()
        var feed = FeedSpec.la()
        feed.pattern = "*"  // the glob matches everything: the rules alone must keep these out
        try place.configure([feed])
        let dir = place.folder("la-cases")
        let outside = place.root + "/outside.csv"
        try SampleExport.laCSV([SampleExport.laRow("LA-9")]).write(toFile: outside, atomically: false, encoding: .utf8)
        let untaken = [".hidden.csv", "export.csv.tmp", "export.csv.part", "export.tmp", "download.part"]
        for (i, name) in untaken.enumerated() {
            try place.drop(name, into: "la-cases", SampleExport.laCSV([SampleExport.laRow("LA-\(10 + i)")]))
        }
        try FileManager.default.createSymbolicLink(atPath: dir + "/link.csv", withDestinationPath: outside)
        try FileManager.default.createDirectory(atPath: dir + "/folder.csv", withIntermediateDirectories: false)
        try SampleExport.laCSV([SampleExport.laRow("LA-20")]).write(toFile: dir + "/folder.csv/inner.csv", atomically: false, encoding: .utf8)
        #expect(mkfifo(dir + "/pipe.csv", 0o600) == 0, "mkfifo failed: errno \(errno)")
        try place.drop("good.csv", into: "la-cases", SampleExport.laCSV([SampleExport.laRow("LA-1")]))

        let report = try await place.cycle(Self.now)
        #expect(report.feeds.first?.error == nil)
        #expect(report.feeds.first?.result?.filesApplied == 1)
        #expect(try place.records(today: Self.today).keys.sorted() == ["LA-1"])
        #expect(place.names(in: place.processed("la-cases", on: Self.today)) == ["good.csv"])
        #expect(place.names(in: dir) == (untaken + ["folder.csv", "link.csv", "pipe.csv", "processed"]).sorted())
        #expect(place.names(in: dir + "/folder.csv") == ["inner.csv"])
        #expect(!place.exists(place.rejected("la-cases")), "nothing was even tried")

        // A second cycle over the same leftovers is just as quiet.
        let again = try await place.cycle(Self.now)
        #expect(again.feeds.first?.error == nil)
        #expect(again.feeds.first?.result == FeedPollResult())
    }
}
