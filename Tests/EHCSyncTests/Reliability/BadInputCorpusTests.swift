import EHCCore
import Foundation
import Testing
@testable import EHCSync

/// Issue 6, the bad-input corpus: every malformed input of `Fixtures/bad-input/`
/// (listed with its documented outcome in `MANIFEST.tsv`) and every one made at run
/// time (`MadeAtRunTime`) is dropped at once, between good files, into a real place
/// with a real SQLite store. Each must end as documented (SPEC §7: rejected whole with
/// its reason, or its bad rows listed by line and field while the rest apply; SPEC §8:
/// every config error at once by line and key path), while the service keeps running
/// and the good files keep flowing. One run through the engine and one through the
/// `ehcsync` executable are shared by all the checks.
@Suite struct BadInputCorpusTests {
    /// Every row of the manifest (empty when it cannot be read: `manifestCoversEveryFixture` then fails).
    static let manifest: [BadInput] = (try? BadInput.manifest()) ?? []
    static let files = manifest.filter { $0.feed != "config" }
    static let configs = manifest.filter { $0.feed == "config" }

    @Test func manifestCoversEveryFixture() throws {
        let listed = try BadInput.manifest()
        let committed = try FileManager.default.contentsOfDirectory(atPath: try BadInput.folder().path)
            .filter { $0 != "MANIFEST.tsv" && !$0.hasPrefix(".") }  // not .gitattributes
        #expect(Set(listed.map(\.name)) == Set(committed), "each committed fixture has exactly one manifest entry")
        #expect(listed.count == Set(listed.map(\.name)).count, "no fixture is listed twice")
        #expect(committed.count >= 40, "issue 6 asks for at least 40 committed malformed inputs")
        let feeds = Set(CorpusFeed.specs.map(\.name) + ["config"])
        #expect(listed.allSatisfy { feeds.contains($0.feed) }, "every entry names a corpus feed or config")
    }

    @Test(arguments: files)
    func committedFileEndsAsDocumented(_ input: BadInput) async throws {
        try Self.check(input, in: try await CorpusRun.viaEngine.value)
        try Self.check(input, in: try await CorpusRun.viaBinary.value)
    }

    @Test(arguments: MadeAtRunTime.allCases)
    func entryMadeAtRunTimeEndsAsDocumented(_ made: MadeAtRunTime) async throws {
        try Self.check(made.entry, in: try await CorpusRun.viaEngine.value)
        try Self.check(made.entry, in: try await CorpusRun.viaBinary.value)
    }

    @Test func goodFilesBeforeAndAfterTheBadOnesAllApply() async throws {
        for run in [try await CorpusRun.viaEngine.value, try await CorpusRun.viaBinary.value] {
            for file in GoodFile.all { try Self.check(file.entry, in: run) }
            #expect(run.goodRecords == GoodFile.records)
        }
    }

    @Test func serviceKeepsRunningAndTheStoreStaysSound() async throws {
        let engine = try await CorpusRun.viaEngine.value
        let binary = try await CorpusRun.viaBinary.value
        for run in [engine, binary] {
            #expect(run.feedErrors.isEmpty, "a bad file is its own problem, never its feed's: \(run.feedErrors)")
            #expect(run.integrity == ["ok"])
        }
        let sync = try #require(binary.binary)
        #expect(sync.status == 0 && !sync.killedBySignal, "ehcsync sync over the corpus: \(sync)")
        #expect(engine.badInputRecords == binary.badInputRecords, "the executable applies what the engine applies")
        #expect(!sync.stderr.contains(SampleExport.badCheckDigit), "no NHS number in the log")
        let forged = sync.stderr.split(separator: "\n").filter { $0.hasPrefix("break.csv") || $0.hasPrefix("<3>forged") }
        #expect(forged.isEmpty, "a file name with a line break splits no log line: \(forged)")
    }

    @Test(arguments: configs)
    func configReportsEveryMistakeAtOnce(_ input: BadInput) throws {
        guard case .configErrors(let expected) = input.outcome else {
            Issue.record("\(input.name) is listed for config without config-error rows")
            return
        }
        let path = try BadInput.folder().appendingPathComponent(input.name).path
        guard case .failure(let errors) = ConfigLoader.load(path: path, environment: [:]) else {
            Issue.record("\(input.name) was accepted")
            return
        }
        let found = errors.issues.map(\.description).joined(separator: "\n")
        #expect(errors.issues.map { "\($0.line) \($0.keyPath)" } == expected.map { "\($0.line) \($0.keyPath)" }, "got:\n\(found)")
        for (issue, wanted) in zip(errors.issues, expected) {
            #expect(issue.message.contains(wanted.fragment), "\(issue)")
        }
        #expect(!found.contains("not-here"), "an inline secret is never echoed")

        let check = try EHCSyncBinary.run(["check", "--config", path])
        #expect(check.status == 78, "\(check)")
        for issue in expected {
            let prefix = issue.keyPath.isEmpty ? "\(path):\(issue.line): " : "\(path):\(issue.line): \(issue.keyPath): "
            #expect(check.stderr.contains(prefix), "ehcsync check names \(prefix)\n\(check)")
        }
    }

    /// Checks one entry against its documented outcome in one run.
    static func check(_ input: BadInput, in run: CorpusRun, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let seen = try #require(run.entries[input.testDescription], "\(input.testDescription) was not looked at")
        let via = run.binary == nil ? "engine" : "binary"
        switch input.outcome {
        case .rejected(let reason):
            #expect(seen.placement == .rejected, "\(via)", sourceLocation: sourceLocation)
            #expect(seen.errorText?.contains(reason) == true, "\(via): error.txt must say '\(reason)':\n\(seen.errorText ?? "none")",
                    sourceLocation: sourceLocation)
            let lines = (seen.errorText ?? "").split(separator: "\n")
            #expect(lines.count == 2 && lines[0].hasPrefix("# "), "\(via): error.txt is a header and the reason", sourceLocation: sourceLocation)
            #expect(seen.rowErrorsText == nil, "\(via)", sourceLocation: sourceLocation)
            #expect(seen.sourceOutcomes == ["rejected"], "\(via)", sourceLocation: sourceLocation)
        case .rowErrors(let faults):
            #expect(seen.placement == .processed, "\(via): \(seen.errorText ?? "")", sourceLocation: sourceLocation)
            let listed = (seen.rowErrorsText ?? "").split(separator: "\n").filter { !$0.hasPrefix("#") }.map(String.init)
            #expect(listed.count == faults.count && zip(listed, faults).allSatisfy { Self.lists($0, $1) },
                    "\(via): expected rows \(faults), listed:\n\(seen.rowErrorsText ?? "none")", sourceLocation: sourceLocation)
            #expect(!(seen.rowErrorsText ?? "").contains("999000"), "no NHS number echoed", sourceLocation: sourceLocation)
            #expect(seen.sourceOutcomes == ["applied"], "\(via)", sourceLocation: sourceLocation)
        case .applied:
            #expect(seen.placement == .processed, "\(via): \(seen.errorText ?? "")", sourceLocation: sourceLocation)
            #expect(seen.rowErrorsText == nil, "\(via): \(seen.rowErrorsText ?? "")", sourceLocation: sourceLocation)
            #expect(seen.sourceOutcomes == ["applied"], "\(via)", sourceLocation: sourceLocation)
        case .ignored:
            #expect(seen.placement == .leftInPlace, "\(via)", sourceLocation: sourceLocation)
            #expect(seen.sourceOutcomes.isEmpty, "\(via)", sourceLocation: sourceLocation)
        case .configErrors:
            Issue.record("\(input.testDescription): a config is not dropped into a feed", sourceLocation: sourceLocation)
        }
        #expect(seen.observedLines == input.appliedLines, "\(via): the rows recorded from the file", sourceLocation: sourceLocation)
    }

    /// True when an errors-list line is the fault's: `line N: FIELD…`, or for a record
    /// that could not be read at all, `line N: ` followed by no field name.
    static func lists(_ line: String, _ fault: RowFault) -> Bool {
        guard line.hasPrefix(fault.listedPrefix) else { return false }
        if fault.field != nil { return true }
        let rest = line.dropFirst(fault.listedPrefix.count)
        return !CanonicalField.allCases.contains { rest.hasPrefix($0.rawValue + ":") || rest.hasPrefix($0.rawValue + " (") }
    }
}
