import EHCCore
import GRDB
import GRDBSQLite

/// The audit row and feed mark of records a first load planned ahead, held back and
/// written `size` records at a time: one multi-row `INSERT` for the audit rows and one
/// for the marks, instead of two statements a record. Each run of a statement costs
/// SQLite its cursors, record buffers and program set-up, whatever the rows it writes;
/// in a C test of these two statements over a million rows, 16 rows a run took half
/// the CPU of one.
///
/// The rows keep their order (the audit trail's ids follow the file's rows), and the
/// applier writes them out (`ObservationApplier.flushPlannedRows`) before anything
/// else reads or writes those tables. Their text and blobs are copied into one reused
/// buffer, so nothing the reading thread made is kept or freed here.
final class PlannedRowBatch {
    static let size = 16

    struct Row {
        var line: Int64
        var adviceID: Int64
        var updatedAt: Int64?
        var rowHash: Int64
        var requestID: Range<Int>
        var observed: Range<Int>
        var notes: Range<Int>?
    }

    private(set) var rows: [Row] = []
    /// The rows' request ids, observed values and notes, end to end.
    private var bytes: [UInt8] = []
    /// The file or page every row names as its source; change it only when empty.
    var source = ""

    init() {
        rows.reserveCapacity(Self.size)
        bytes.reserveCapacity(Self.size * 512)
    }

    var isEmpty: Bool { rows.isEmpty }
    var isFull: Bool { rows.count >= Self.size }

    func add(line: Int, adviceID: Int64, updatedAt: Int64?, rowHash: Int64, requestID: String, observed: [UInt8], notes: String?) {
        rows.append(Row(line: Int64(line), adviceID: adviceID, updatedAt: updatedAt, rowHash: rowHash,
                        requestID: keep(requestID), observed: keep(observed), notes: notes.map(keep)))
    }

    private func keep(_ text: String) -> Range<Int> { keep(bytes: text.utf8) }

    private func keep(_ blob: [UInt8]) -> Range<Int> { keep(bytes: blob) }

    private func keep(bytes more: some Sequence<UInt8>) -> Range<Int> {
        let start = bytes.count
        bytes.append(contentsOf: more)
        return start..<bytes.count
    }

    func removeAll() {
        rows.removeAll(keepingCapacity: true)
        bytes.removeAll(keepingCapacity: true)
    }

    /// Writes the audit rows of `rows[range]` with `statement`, which inserts as many
    /// (`ObservationApplier.Query.observationInsert`, one row or `size`), bound from the
    /// buffer in place, and the source through `arena` (not copied by SQLite, a
    /// `malloc` a row).
    func writeObservations(_ statement: Statement, _ range: Range<Int>, feedID: Int64, appliedAt: Int64,
                           arena: BindArena, in db: Database) throws {
        try bytes.withUnsafeBytes { all in
            var b = RawBinder(statement, arena: arena)
            for row in rows[range] {
                b.bind(feedID); b.bind(source); b.bind(row.line); b.bind(inPlace: all, row.requestID, text: true)
                b.bind(row.adviceID); b.bind(row.updatedAt); b.bind(appliedAt); b.bind(ReconcilePlan.Outcome.created.rawValue)
                b.bind(inPlace: all, row.observed, text: false); b.bind(nil as String?)
                if let notes = row.notes { b.bind(inPlace: all, notes, text: true) } else { b.bind(nil as String?) }
            }
            try RawBinder.run(statement, in: db)
        }
    }

    /// Writes the marks of `rows[range]` with `statement`, which upserts as many
    /// (`ObservationApplier.Query.markUpsert`, one row or `size`).
    func writeMarks(_ statement: Statement, _ range: Range<Int>, feedID: Int64, in db: Database) throws {
        var b = RawBinder(statement)
        for row in rows[range] {
            b.bind(feedID); b.bind(row.adviceID); b.bind(row.updatedAt); b.bind(row.rowHash)
        }
        try RawBinder.run(statement, in: db)
    }
}
