import EHCCore
import Foundation
import Testing
@testable import EHCSync

/// One run of the whole bad-input corpus through a real place: good files in every feed,
/// a cycle, then every bad input at once, a cycle (through the engine, or through the
/// real `ehcsync sync` so that a crash shows as a failed process), then more good files
/// and a last cycle. What became of every file is kept as plain values, so the
/// parameterised tests can each check their own entry of one shared run.
struct CorpusRun: Sendable {
    enum Via: Sendable { case engine, binary }

    /// Where an entry ended up after the last cycle.
    enum Placement: Sendable, Equatable {
        case leftInPlace, processed, rejected, nowhere
        /// In more than one of those places: a file copied, not moved.
        case several
    }

    /// What became of one file.
    struct Entry: Sendable {
        var placement: Placement
        /// `rejected/NAME.error.txt`.
        var errorText: String?
        /// `processed/DATE/NAME.errors.txt`.
        var rowErrorsText: String?
        /// The lines of this file recorded as observations, in order.
        var observedLines: [Int]
        /// `source_file.outcome` of each time the file was taken.
        var sourceOutcomes: [String]
    }

    static let today = "2026-03-10"
    static let cycleTimes = ["2026-03-10T09:00:00Z", "2026-03-10T09:05:00Z", "2026-03-10T09:10:00Z"]

    /// By `BadInput.testDescription` (`FEED/NAME`), for every bad input and good file.
    var entries: [String: Entry] = [:]
    /// Feed-level errors any cycle reported (a bad file must never fail its feed).
    var feedErrors: [String] = []
    /// `PRAGMA integrity_check` after the last cycle.
    var integrity: [String] = []
    /// Every `GOOD-*` record: request id → provider status (`-` when none).
    var goodRecords: [String: String] = [:]
    /// Every record a bad input made: request ids starting `BI-` or `RT-`.
    var badInputRecords: Set<String> = []
    /// `ehcsync sync` on the bad inputs, when run through the binary.
    var binary: CommandResult?

    /// The corpus through the engine, run once for all the tests that read it.
    static let viaEngine = Task { try await CorpusRun.perform(via: .engine) }
    /// The same through the `ehcsync` executable.
    static let viaBinary = Task { try await CorpusRun.perform(via: .binary) }

    /// Runs the corpus in a fresh place and reads what became of each file.
    static func perform(via: Via) async throws -> CorpusRun {
        let place = try TestPlace()
        try place.configure(CorpusFeed.specs)
        let committed = try BadInput.manifest().filter { $0.feed != "config" }
        var run = CorpusRun()
        try GoodFile.drop(.before, into: place)
        run.feedErrors += try await place.cycle(cycleTimes[0]).feeds.compactMap(\.error)

        for input in committed { try place.drop(input.name, into: input.feed, bytes: try input.bytes()) }
        for made in MadeAtRunTime.allCases { try made.make(in: place) }
        switch via {
        case .engine:
            run.feedErrors += try await place.cycle(cycleTimes[1]).feeds.compactMap(\.error)
        case .binary:
            run.binary = try EHCSyncBinary.run(["sync", "--config", place.configPath, "--now", cycleTimes[1]])
        }

        try GoodFile.drop(.after, into: place)
        run.feedErrors += try await place.cycle(cycleTimes[2]).feeds.compactMap(\.error)

        let inputs = committed + MadeAtRunTime.allCases.map(\.entry) + GoodFile.all.map(\.entry)
        for input in inputs { run.entries[input.testDescription] = try entry(input, in: place) }
        run.integrity = try place.rows("PRAGMA integrity_check").map { $0.first.flatMap { $0 } ?? "" }
        for (id, item) in try place.records(today: today) {
            if id.hasPrefix("GOOD-") { run.goodRecords[id] = item.state.providerStatus?.rawValue ?? "-" }
            if id.hasPrefix("BI-") || id.hasPrefix("RT-") { run.badInputRecords.insert(id) }
        }
        return run
    }

    /// Reads where one file went, its error lists and what the store recorded of it.
    private static func entry(_ input: BadInput, in place: TestPlace) throws -> Entry {
        func present(_ path: String) -> Bool {
            var st = stat()
            return lstat(path, &st) == 0
        }
        let name = input.name, feed = input.feed
        let processed = place.processed(feed, on: today) + "/" + name
        let rejected = place.rejected(feed) + "/" + name
        let found: [(Placement, Bool)] = [
            (.leftInPlace, present(place.folder(feed) + "/" + name)), (.processed, present(processed)), (.rejected, present(rejected)),
        ]
        let places = found.filter(\.1).map(\.0)
        let lines = try place.rows("""
            SELECT o.line FROM observation o JOIN feed f ON f.id = o.feed_id WHERE f.name = ? AND o.source = ? ORDER BY o.line
            """, [feed, name]).compactMap { $0.first.flatMap { $0 }.flatMap { Int($0) } }
        let outcomes = try place.rows("""
            SELECT s.outcome FROM source_file s JOIN feed f ON f.id = s.feed_id WHERE f.name = ? AND s.name = ? ORDER BY s.id
            """, [feed, name]).map { $0.first.flatMap { $0 } ?? "" }
        return Entry(placement: places.count > 1 ? .several : places.first ?? .nowhere,
                     errorText: try? place.text(rejected + ".error.txt"),
                     rowErrorsText: try? place.text(processed + ".errors.txt"),
                     observedLines: lines, sourceOutcomes: outcomes)
    }
}

/// The feeds of the corpus's place, one for each format and role a bad input can meet.
enum CorpusFeed {
    static let specs: [FeedSpec] = {
        var mesh = FeedSpec.la("la-mesh")
        mesh.pattern = "*.dat"
        mesh.ready = "marker"
        mesh.settleSeconds = 3_600  // the marker decides, not the file's age
        return [
            .la("la-csv"),
            .la("la-1252", mapping: "csv:\n  encoding: windows-1252\n  date_format: dd/MM/yyyy"),
            .la("la-json", format: "json"),
            .provider("trust-ndjson"),
            mesh,
        ]
    }()
}

/// The good files dropped before and after the bad inputs in every feed: each must
/// apply whole, whatever the bad inputs beside it did.
struct GoodFile: Sendable {
    enum When: Sendable { case before, after }

    var when: When
    var entry: BadInput
    var bytes: Data
    /// A marker dropped with it (`ready: marker` feeds).
    var marker: String?

    static let all: [GoodFile] = {
        func la(_ id: String, requestedOn: String = "2026-03-02", updatedAt: String = "2026-03-02T10:00:00Z") -> String {
            SampleExport.laRow(id, requestedOn: requestedOn, updatedAt: updatedAt)
        }
        func file(_ when: When, _ feed: String, _ name: String, _ text: String, lines: [Int], marker: String? = nil,
                  windows1252: Bool = false) -> GoodFile {
            let bytes = windows1252 ? (text.data(using: .windowsCP1252) ?? Data()) : Data(text.utf8)
            return GoodFile(when: when, entry: BadInput(name: name, feed: feed, outcome: .applied, appliedLines: lines),
                            bytes: bytes, marker: marker)
        }
        func provider(_ id: String, _ status: String, _ updatedAt: String) -> String {
            SampleExport.ndjsonLine(["request_id": id, "provider_ref": "RBT-" + id, "status": status,
                                     "received_on": "2026-03-03", "updated_at": updatedAt]) + "\n"
        }
        return [
            file(.before, "la-csv", "good-before.csv", SampleExport.laCSV([la("GOOD-1"), la("GOOD-2")]), lines: [2, 3]),
            file(.before, "la-1252", "good-before.csv", SampleExport.laCSV([la("GOOD-11", requestedOn: "02/03/2026")])
                .replacingOccurrences(of: "EHC/GOOD-11", with: "EHC/Zoë-11"), lines: [2], windows1252: true),
            file(.before, "la-json", "good-before.json",
                 "[\n" + SampleExport.ndjsonLine(["request_id": "GOOD-21", "requested_on": "2026-03-02"]) + "\n]\n", lines: [2]),
            file(.before, "trust-ndjson", "good-before.ndjson", provider("GOOD-1", "acknowledged", "2026-03-04T08:00:00Z"), lines: [1]),
            file(.before, "la-mesh", "good-before.dat", SampleExport.laCSV([la("GOOD-31")]), lines: [2], marker: "good-before.ctl"),
            file(.after, "la-csv", "good-after.csv",
                 SampleExport.laCSV([la("GOOD-1", updatedAt: "2026-03-09T10:00:00Z"), la("GOOD-3")]), lines: [2, 3]),
            file(.after, "la-1252", "good-after.csv", SampleExport.laCSV([la("GOOD-12", requestedOn: "03/03/2026")]), lines: [2]),
            file(.after, "la-json", "good-after.json",
                 "[\n" + SampleExport.ndjsonLine(["request_id": "GOOD-22", "requested_on": "2026-03-03"]) + "\n]\n", lines: [2]),
            file(.after, "trust-ndjson", "good-after.ndjson", provider("GOOD-2", "in_progress", "2026-03-05T08:00:00Z"), lines: [1]),
            file(.after, "la-mesh", "good-after.dat", SampleExport.laCSV([la("GOOD-32")]), lines: [2], marker: "good-after.ctl"),
        ]
    }()

    /// Every `GOOD-*` record the good files make, with the provider status that must stand.
    static let records = ["GOOD-1": "acknowledged", "GOOD-2": "in_progress", "GOOD-3": "-", "GOOD-11": "-", "GOOD-12": "-",
                          "GOOD-21": "-", "GOOD-22": "-", "GOOD-31": "-", "GOOD-32": "-"]

    /// Drops the good files of `when` into their feeds (with their markers).
    static func drop(_ when: When, into place: TestPlace) throws {
        for file in all where file.when == when {
            try place.drop(file.entry.name, into: file.entry.feed, bytes: file.bytes)
            if let marker = file.marker { try place.drop(marker, into: file.entry.feed, "") }
        }
    }
}
