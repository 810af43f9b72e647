import Foundation
import Testing
@testable import EHCCore

/// The pure half of taking in a record, without a store: what each decoded record is
/// prepared as, and a first load's new LA records planned as the store would plan them.
@Suite struct RecordPreparerTests {
    static let now = Timestamp(millis: 1_773_133_200_000)  // 2026-03-10T09:00:00Z
    static let header = DecodedRecord.header(line: 1, names: ["request_id", "case_ref", "status", "updated_at"])

    static func row(_ line: Int, _ id: String, status: String = "requested") -> DecodedRecord {
        .row(line: line, fields: [id, "EHC/\(line)", status, "2026-03-02T10:00:00Z"])
    }

    static func preparer(known: RowHashSet? = nil, fresh: Bool = false) -> RecordPreparer {
        let mapping = RecordMapping(role: .la)
        return RecordPreparer(mapping: mapping, seed: RecordPreparer.seed(mapping, zone: .gmt), knownRows: known,
                              fresh: fresh ? FreshRecordPlanner(reconciler: Reconciler(), today: now.localDate(in: .gmt), now: now) : nil)
    }

    /// What one prepared record is, in a word, for a table.
    static func word(_ p: RecordPreparer.Prepared) -> String {
        switch p {
        case .nothing: return "nothing"
        case .knownUnchanged: return "known"
        case .failed: return "failed"
        case .planned: return "planned"
        case .row(_, _, .success, _): return "row"
        case .row(_, _, .failure, _): return "row error"
        }
    }

    /// Each kind of decoded record, on a plain load and a first load: a header is
    /// nothing, a bad record fails, a row with no header yet is nothing, a row is a row
    /// (or, on a first load, its request's first row is planned; a repeat is left to
    /// the writer), a row that does not validate is a row error either way.
    @Test(arguments: [
        (false, [header, row(2, "R1"), row(3, "R1"), row(4, "R2", status: "sideways")], ["nothing", "row", "row", "row error"]),
        (true, [header, row(2, "R1"), row(3, "R1"), row(4, "R2", status: "sideways")], ["nothing", "planned", "row", "row error"]),
        (true, [row(2, "R1"), header, .bad(line: 3, message: "3 fields, not 4"), .known(line: 4)], ["nothing", "nothing", "failed", "known"]),
    ])
    func eachRecordIsPreparedByItsKind(fresh: Bool, records: [DecodedRecord], expected: [String]) throws {
        var preparer = Self.preparer(fresh: fresh)
        #expect(try records.map { Self.word(try preparer.prepare($0)) } == expected)
    }

    /// A row whose hash the feed stored before is known unchanged, without validation;
    /// the same row under another mapping's seed is not.
    @Test func aRowHashedBeforeIsKnownUnchanged() throws {
        var first = Self.preparer()
        _ = try first.prepare(Self.header)
        guard case .row(let requestID, let hash, _, let observed) = try first.prepare(Self.row(2, "R1")) else {
            Issue.record("not a row"); return
        }
        #expect(requestID == "R1")
        #expect(observed.map { $0.withUnsafeBytes(PackedValues.unpack)[.case_ref] } == "EHC/2")
        var known = RowHashSet(capacity: 4)
        known.insert(hash)
        var again = Self.preparer(known: known)
        #expect(again.makeRowFilter() != nil)
        _ = try again.prepare(Self.header)
        #expect(again.hashedColumns?.sorted() == [0, 1, 2, 3])
        #expect(Self.word(try again.prepare(Self.row(2, "R1"))) == "known")
        #expect(Self.word(try again.prepare(Self.row(3, "R1"))) == "row", "another line's values")
        let other = RecordMapping(role: .la, defaults: [.service: "salt"])
        #expect(RecordPreparer.seed(other, zone: .gmt) != RecordPreparer.seed(RecordMapping(role: .la), zone: .gmt))
    }

    /// JSON objects hash by key, whatever their order, and refuse a non-text value.
    @Test func jsonObjectsHashByKeyAndRefuseNonText() throws {
        var preparer = Self.preparer()
        let a = try preparer.prepare(.object(line: 1, fields: ["request_id": .text("R1"), "status": .text("requested")]))
        let b = try preparer.prepare(.object(line: 2, fields: ["status": .text("requested"), "request_id": .text("R1")]))
        guard case .row(_, let ha, _, _) = a, case .row(_, let hb, _, _) = b else { Issue.record("not rows"); return }
        #expect(ha == hb)
        #expect(Self.word(try preparer.prepare(.object(line: 3, fields: ["request_id": .bool(true)]))) == "failed")
        #expect(Self.word(try preparer.prepare(.object(line: 4, fields: ["request_id": .nested("array")]))) == "failed")
    }

    /// A planned new record is what the reconciler plans for it with nothing stored,
    /// and its LA bytes are its values' as packed, status apart (a column of its own).
    @Test(arguments: ["requested", "cancelled"])
    func aFreshPlanIsTheReconcilersPlanForANewRecord(status: String) throws {
        var preparer = Self.preparer(fresh: true)
        _ = try preparer.prepare(Self.header)
        guard case .planned(let obs, let planned, _, let observed) = try preparer.prepare(Self.row(2, "R1", status: status)) else {
            Issue.record("not planned"); return
        }
        let expected = Reconciler().plan(obs, current: nil, lastFromFeed: nil, conflicts: [], today: Self.now.localDate(in: .gmt),
                                         now: Self.now, listingValues: false)
        #expect(planned.plan == expected)
        #expect(planned.plan.outcome == .created)
        #expect(observed == PackedValues.pack(obs))
        #expect(planned.packedLA == PackedValues.pack(expected.state.la))
        #expect(planned.packedLA.withUnsafeBytes(PackedValues.unpack)[.status] == nil)
    }
}
