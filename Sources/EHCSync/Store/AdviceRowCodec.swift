import EHCCore
import GRDB
import GRDBSQLite

/// Maps `AdviceState` to and from the `advice` table's columns: each side's values
/// packed in one column (`PackedValues`), and beside them copies of the few LA values
/// that SQL searches by (linking a provider's record, the clock's sweep).
enum AdviceRowCodec {
    /// LA values kept in their own columns as well, for indexes and `WHERE` clauses.
    static let searchedFields: [CanonicalField] = [.nhs_number, .provider_ods, .service, .advice_received_on, .dispute]

    /// Every stored column of `advice`, in one fixed order used by select and upsert.
    static let stateColumns: [String] =
        ["la_values", "pr_values"] + searchedFields.map { Schema.column(.la, $0) }
        + ["la_status", "provider_status", "provider_status_on", "answered_on", "awaiting_amendment", "cancelled_at",
           "provider_reported_at"]

    /// The columns `state(raw:)` reads (request_id, conflicts_ever, `stateColumns`),
    /// then `extra` columns, from `advice` with an optional `WHERE`.
    static func select(extra: [String] = [], where condition: String? = nil) -> String {
        "SELECT " + (["request_id", "conflicts_ever"] + stateColumns + extra).joined(separator: ", ") + " FROM advice"
            + (condition.map { " WHERE " + $0 } ?? "")
    }

    /// Columns bound by `upsert(_:_:rules:now:in:)`, in order.
    private static let writtenColumns = ["request_id"] + stateColumns + ["status", "due_on", "working_due_on", "created_at", "changed_at"]

    static let upsertSQL: String = {
        let updates = (stateColumns + ["status", "due_on", "working_due_on", "changed_at"]).map { "\($0) = excluded.\($0)" }
        return insertSQL + " ON CONFLICT(request_id) DO UPDATE SET " + updates.joined(separator: ", ")
    }()

    /// A record known to be new: a plain insert, a shorter program for SQLite than
    /// the upsert. Bound exactly as `upsertSQL`.
    static let insertSQL: String =
        "INSERT INTO advice(" + writtenColumns.joined(separator: ", ") + ") VALUES ("
            + Array(repeating: "?", count: writtenColumns.count).joined(separator: ", ") + ")"

    /// Decodes the state columns of the current row of a raw statement, starting at
    /// `first` (request_id, conflicts_ever, then `stateColumns`). Reads each column
    /// through SQLite's C API: GRDB's `Row` costs several microseconds a row on the
    /// bulk paths (the applier's load, `advice list`, the digest, the planner).
    static func state(raw: OpaquePointer, first: Int32 = 0) -> (AdviceState, conflictsEver: Int) {
        func text(_ i: Int32) -> String? {
            guard sqlite3_column_type(raw, i) != SQLITE_NULL, let p = sqlite3_column_text(raw, i) else { return nil }
            return String(decoding: UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(raw, i))), as: UTF8.self)
        }
        func int(_ i: Int32) -> Int64? {
            sqlite3_column_type(raw, i) == SQLITE_NULL ? nil : sqlite3_column_int64(raw, i)
        }
        func packed(_ i: Int32) -> FieldValues {
            guard let p = sqlite3_column_blob(raw, i) else { return FieldValues() }
            return PackedValues.unpack(UnsafeRawBufferPointer(start: p, count: Int(sqlite3_column_bytes(raw, i))))
        }
        let la = packed(first + 2)
        let provider = packed(first + 3)
        let i = first + 4 + Int32(searchedFields.count)
        let state = AdviceState(
            requestID: text(first) ?? "", la: la, provider: provider,
            laStatus: text(i).flatMap(LAStatus.init(rawValue:)), providerStatus: text(i + 1).flatMap(ProviderStatus.init(rawValue:)),
            providerStatusOn: text(i + 2).flatMap { CivilDate(iso: $0) }, answeredOn: text(i + 3).flatMap { CivilDate(iso: $0) },
            awaitingAmendment: int(i + 4) == 1, cancelledAt: int(i + 5).map(Timestamp.init(millis:)),
            providerReportedAt: int(i + 6).map(Timestamp.init(millis:)))
        return (state, Int(int(first + 1) ?? 0))
    }

    /// Number of columns `state(raw:)` reads.
    static var stateColumnCount: Int32 { Int32(2 + stateColumns.count) }

    /// Binds `upsertSQL`'s (or `insertSQL`'s) parameters from the record's state and
    /// runs it, through SQLite's C API: GRDB's `StatementArguments` boxes each value as
    /// an existential, which the profile put at a tenth of a first load. `packedLA` is
    /// `PackedValues.pack(s.la)` when made ahead.
    static func upsert(_ statement: Statement, _ s: AdviceState, packedLA: [UInt8]?, rules: AdviceRules, now: Timestamp,
                       in db: Database, arena: BindArena) throws {
        var b = RawBinder(statement, arena: arena)
        b.bind(s.requestID)
        b.bind(bytes: packedLA ?? PackedValues.pack(s.la))
        b.bind(bytes: PackedValues.pack(s.provider))
        for field in searchedFields { b.bind(s.la[field]) }
        b.bind(s.laStatus?.rawValue)
        b.bind(s.providerStatus?.rawValue)
        b.bind(s.providerStatusOn?.description)
        b.bind(s.answeredOn?.description)
        b.bind(Int64(s.awaitingAmendment ? 1 : 0))
        b.bind(s.cancelledAt?.millis)
        b.bind(s.providerReportedAt?.millis)
        b.bind(s.status)
        b.bind(s.statutoryDueOn(rules)?.description)
        b.bind(s.workingDueOn(rules)?.description)
        b.bind(now.millis)
        b.bind(now.millis)
        try RawBinder.run(statement, in: db)
    }
}
