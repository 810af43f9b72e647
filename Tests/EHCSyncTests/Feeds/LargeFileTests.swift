import EHCCore
import Foundation
import Synchronization
import Testing
@testable import EHCSync

/// Files from `FolderFeed.pipelineThreshold` up are decoded and validated on a second
/// thread while the writer applies them. They must come out exactly as a small file
/// would: every row, row errors with their lines, and a fault anywhere in the file
/// rejecting all of it.
@Suite struct LargeFileTests {
    static let rowCount = 4_000
    /// Lines (1-based, the header is line 1) whose rows are broken on purpose.
    static let badNHSLine = 1_001
    static let badDateLine = 3_500

    static func rows() -> [String] {
        (2...(rowCount + 1)).map { line in
            let id = "LA-\(line - 1)"
            if line == badNHSLine { return SampleExport.laRow(id, nhs: SampleExport.badCheckDigit) }
            if line == badDateLine { return SampleExport.laRow(id, requestedOn: "2026-02-31") }
            return SampleExport.laRow(id, nhs: SampleExport.nhs[line % SampleExport.nhs.count])
        }
    }

    @Test func largeFileAppliesEveryGoodRowAndListsTheBadOnesByLine() async throws {
        let place = try TestPlace()
        try place.configure([.la()])
        // LA-7 comes again at the end, newer: the later row must win, as in a small file.
        var rows = Self.rows()
        rows.append(SampleExport.laRow("LA-7", caseRef: "EHC/7-NEW", updatedAt: "2026-03-03T10:00:00Z"))
        let text = SampleExport.laCSV(rows)
        #expect(Int64(text.utf8.count) >= FolderFeed.pipelineThreshold, "the file must take the two-thread path")
        try place.drop("big.csv", into: "la-cases", text)
        let report = try await place.cycle("2026-03-10T09:00:00Z")

        let poll = try #require(report.feeds.first?.result)
        #expect(poll.filesApplied == 1)
        #expect(poll.rowsRead == Self.rowCount + 1)
        #expect(poll.rowsFailed == 2)
        #expect(try place.int("SELECT count(*) FROM advice") == Self.rowCount - 2)
        #expect(try place.int("SELECT count(*) FROM observation") == Self.rowCount - 1)
        #expect(try place.records(today: "2026-03-10")["LA-7"]?.state.la[.case_ref] == "EHC/7-NEW")
        let errors = try place.text(place.processed("la-cases", on: "2026-03-10") + "/big.csv.errors.txt")
        let listed = errors.split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(listed.count == 2)
        #expect(listed.first?.contains("line \(Self.badNHSLine)") == true, "\(listed)")
        #expect(listed.last?.contains("line \(Self.badDateLine)") == true, "\(listed)")
    }

    @Test func aFaultAtTheEndOfALargeFileRejectsAllOfIt() async throws {
        let place = try TestPlace()
        try place.configure([.la(mapping: "csv:\n  encoding: utf-8")])
        var data = Data(SampleExport.laCSV(Self.rows()).utf8)
        data.append(Data("LA-X,EHC/".utf8) + Data([0xC3, 0x28, 0xFF]) + Data(",9990000018,2016-05-01,RBT,salt,2026-03-02,requested,2026-03-05T10:00:00Z\n".utf8))
        try place.drop("big.csv", into: "la-cases", bytes: data)
        let report = try await place.cycle("2026-03-10T09:00:00Z")
        #expect(report.feeds.first?.result?.filesRejected == 1)
        #expect(try place.int("SELECT count(*) FROM advice") == 0, "thousands of rows were written before the fault; none may stay")
        #expect(try place.int("SELECT count(*) FROM observation") == 0)
        #expect(place.names(in: place.rejected("la-cases")) == ["big.csv", "big.csv.error.txt"])
    }
}

@Suite struct RecordPipelineTests {
    struct Boom: Error, Equatable { var at: Int }

    final class Sink: @unchecked Sendable { var items: [Int] = [] }

    @Test func itemsArriveInOrderAcrossManyBatches() throws {
        var seen: [Int] = []
        try RecordPipeline<Int>.run(capacity: 2, batchSize: 7, produce: { emit in
            for i in 0..<10_000 { try emit(i) }
        }, consume: { seen.append($0) })
        #expect(seen == Array(0..<10_000))
    }

    @Test func aProducerErrorComesAfterTheItemsBeforeIt() {
        var seen: [Int] = []
        #expect(throws: Boom(at: 500)) {
            try RecordPipeline<Int>.run(capacity: 2, batchSize: 16, produce: { emit in
                for i in 0..<500 { try emit(i) }
                throw Boom(at: 500)
            }, consume: { seen.append($0) })
        }
        #expect(seen == Array(0..<500))
    }

    @Test func aConsumerErrorStopsAProducerThatWouldNeverEnd() {
        var seen = 0
        #expect(throws: Boom(at: 100)) {
            try RecordPipeline<Int>.run(capacity: 2, batchSize: 8, produce: { emit in
                var i = 0
                while true { try emit(i); i += 1 }
            }, consume: { i in
                seen += 1
                if i == 100 { throw Boom(at: 100) }
            })
        }
        #expect(seen == 101)
    }

    /// Counts the instances alive, so a test can see each item freed exactly once.
    final class Tracked: Sendable {
        static let alive = Atomic<Int>(0)
        let n: Int
        init(_ n: Int) { self.n = n; Self.alive.add(1, ordering: .relaxed) }
        deinit { Self.alive.subtract(1, ordering: .relaxed) }
    }

    /// Counts where items are freed: on the thread that made them, or elsewhere.
    final class Placed: @unchecked Sendable {
        static let onProducer = Atomic<Int>(0)
        static let elsewhere = Atomic<Int>(0)
        let n: Int
        let madeOn = pthread_self()
        init(_ n: Int) { self.n = n }
        deinit {
            if pthread_equal(madeOn, pthread_self()) != 0 { Self.onProducer.add(1, ordering: .relaxed) }
            else { Self.elsewhere.add(1, ordering: .relaxed) }
        }
    }

    /// The consumer borrows items and gives each batch back: all but the last few
    /// batches' items are freed on the producer's thread, where they were made.
    @Test func itemsAreFreedOnTheThreadThatMadeThem() throws {
        var sum = 0
        try RecordPipeline<Placed>.run(capacity: 2, batchSize: 8, produce: { emit in
            for i in 0..<10_000 { try emit(Placed(i)) }
        }, consume: { item in sum += item.n })
        #expect(sum == 10_000 * 9_999 / 2)
        let elsewhere = Placed.elsewhere.load(ordering: .relaxed)
        #expect(elsewhere + Placed.onProducer.load(ordering: .relaxed) == 10_000)
        #expect(elsewhere <= 8 * 8, "only batches given back after the producer's last are freed on the consumer's thread")
    }

    /// Items are moved through the batches by hand (`Batch`): every one is freed once,
    /// whether it was consumed, or left in a batch or in the queue when the consumer stopped.
    @Test func everyItemIsFreedOnceWhetherTakenOrLeft() {
        var taken: [Int] = []
        try? RecordPipeline<Tracked>.run(capacity: 2, batchSize: 8, produce: { emit in
            for i in 0..<1_000 { try emit(Tracked(i)) }
        }, consume: { item in taken.append(item.n) })
        #expect(taken == Array(0..<1_000))
        #expect(Tracked.alive.load(ordering: .relaxed) == 0)

        var held: [Tracked] = []
        #expect(throws: Boom(at: 11)) {
            try RecordPipeline<Tracked>.run(capacity: 3, batchSize: 8, produce: { emit in
                for i in 0..<1_000 { try emit(Tracked(i)) }
            }, consume: { item in
                held.append(copy item)
                if item.n == 11 { throw Boom(at: 11) }
            })
        }
        #expect(held.map(\.n) == Array(0...11))
        #expect(Tracked.alive.load(ordering: .relaxed) == 12)
        held.removeAll()
        #expect(Tracked.alive.load(ordering: .relaxed) == 0)
    }
}
