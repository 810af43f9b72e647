import Testing
@testable import EHCCore

@Suite struct RecordSortKeyTests {
    /// The packed integers order ids exactly as their bytes do, long ids and short
    /// prefixes included.
    @Test func ordersByDayThenRequestIDLikeStrings() {
        let ids = ["R-2", "R-10", "R-1", "REQUEST-0000000000000002", "REQUEST-0000000000000001", "REQUEST-000000000000000",
                   "REQUEST-0000000000000001a", "a", "A", "", "R-1 ", "Z9", "REQUEST-00000000"]
        var keys: [RecordSortKey] = []
        for (i, id) in ids.enumerated() {
            keys.append(RecordSortKey(day: i % 3, id: id, index: i))
        }
        let expected = keys.sorted { ($0.day, $0.id) < ($1.day, $1.id) }.map(\.index)
        #expect(keys.sorted().map(\.index) == expected)
    }

    @Test func aSectionListsRecordsWithoutCopyingThemAndCountsTheirConflicts() {
        let records = [AdviceSamples.record("B", due: "2026-11-01", today: "2026-11-23"),
                       AdviceSamples.record("A", due: "2026-11-02", today: "2026-11-23")]
        let list = DigestRecordList(records: records, order: [1, 0], openConflicts: ["B": 2])
        #expect(list.map(\.requestID) == ["A", "B"])
        #expect(list.map(\.openConflicts) == [0, 2])
        #expect(list.count == 2)
    }
}
