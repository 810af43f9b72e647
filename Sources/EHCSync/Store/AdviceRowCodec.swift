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

    /// One record's bound values for `upsertSQL`/`insertSQL`, worked out from its state:
    /// pure, so a first load works them out on the thread that read the record.
    struct RowValues: Sendable {
        var requestID: String
        var la: [UInt8], provider: [UInt8]
        var searched: [String?]
        var laStatus: String?, providerStatus: String?, providerStatusOn: String?, answeredOn: String?
        var awaitingAmendment: Int64
        var cancelledAt: Int64?, providerReportedAt: Int64?
        var status: String
        var dueOn: String?, workingDueOn: String?

        init(_ s: AdviceState, rules: AdviceRules) {
            requestID = s.requestID
            la = PackedValues.pack(s.la)
            provider = PackedValues.pack(s.provider)
            searched = searchedFields.map { s.la[$0] }
            laStatus = s.laStatus?.rawValue
            providerStatus = s.providerStatus?.rawValue
            providerStatusOn = s.providerStatusOn?.description
            answeredOn = s.answeredOn?.description
            awaitingAmendment = s.awaitingAmendment ? 1 : 0
            cancelledAt = s.cancelledAt?.millis
            providerReportedAt = s.providerReportedAt?.millis
            status = s.status
            dueOn = s.statutoryDueOn(rules)?.description
            workingDueOn = s.workingDueOn(rules)?.description
        }
    }

    /// Binds `upsertSQL`'s parameters and runs it, through SQLite's C API: GRDB's
    /// `StatementArguments` boxes each value as an existential, which the
    /// profile put at a tenth of a first load.
    static func upsert(_ statement: Statement, _ s: AdviceState, rules: AdviceRules, now: Timestamp, in db: Database) throws {
        try upsert(statement, RowValues(s, rules: rules), now: now, in: db)
    }

    static func upsert(_ statement: Statement, _ v: RowValues, now: Timestamp, in db: Database) throws {
        var b = RawBinder(statement)
        b.bind(v.requestID)
        b.bind(bytes: v.la)
        b.bind(bytes: v.provider)
        for value in v.searched { b.bind(value) }
        b.bind(v.laStatus)
        b.bind(v.providerStatus)
        b.bind(v.providerStatusOn)
        b.bind(v.answeredOn)
        b.bind(v.awaitingAmendment)
        b.bind(v.cancelledAt)
        b.bind(v.providerReportedAt)
        b.bind(v.status)
        b.bind(v.dueOn)
        b.bind(v.workingDueOn)
        b.bind(now.millis)
        b.bind(now.millis)
        try RawBinder.run(statement, in: db)
    }
}
