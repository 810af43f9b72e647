/// One section's records, in order, without copying them: the input's records are
/// shared and the section keeps only their positions. A digest over a million records
/// with half of them overdue would otherwise copy hundreds of megabytes.
public struct DigestRecordList: RandomAccessCollection, Sendable {
    private let records: [(AdviceState, DeadlineView)]
    private let order: [Int]
    private let openConflicts: [String: Int]

    /// `order` holds positions in `records`; `openConflicts` counts open conflicts by request id.
    public init(records: [(AdviceState, DeadlineView)], order: [Int], openConflicts: [String: Int] = [:]) {
        self.records = records
        self.order = order
        self.openConflicts = openConflicts
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { order.count }

    public subscript(position: Int) -> DigestRecord {
        let (state, view) = records[order[position]]
        return DigestRecord(state: state, view: view,
                            openConflicts: openConflicts.isEmpty ? 0 : openConflicts[state.requestID] ?? 0)
    }
}
