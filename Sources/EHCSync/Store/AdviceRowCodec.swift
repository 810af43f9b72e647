import EHCCore
import GRDB

/// Maps `AdviceState` to and from the `advice` table's columns.
enum AdviceRowCodec {
    /// Every stored column of `advice`, in one fixed order used by select and upsert.
    static let stateColumns: [String] =
        Role.allCases.flatMap { role in Schema.sideFields.map { Schema.column(role, $0) } }
        + ["la_status", "provider_status", "provider_status_on", "answered_on", "awaiting_amendment", "cancelled_at",
           "provider_reported_at"]

    static let selectSQL = "SELECT request_id, conflicts_ever, " + stateColumns.joined(separator: ", ")
        + " FROM advice WHERE request_id = ?"

    static let upsertSQL: String = {
        let cols = ["request_id"] + stateColumns + ["status", "due_on", "working_due_on", "created_at", "changed_at"]
        let updates = (stateColumns + ["status", "due_on", "working_due_on", "changed_at"]).map { "\($0) = excluded.\($0)" }
        return "INSERT INTO advice(" + cols.joined(separator: ", ") + ") VALUES ("
            + Array(repeating: "?", count: cols.count).joined(separator: ", ") + ") ON CONFLICT(request_id) DO UPDATE SET "
            + updates.joined(separator: ", ")
    }()

    /// Decodes a row of `selectSQL` (or any row with the same leading columns).
    static func state(from row: Row) -> (AdviceState, conflictsEver: Int) {
        var la: [CanonicalField: String] = [:]
        var provider: [CanonicalField: String] = [:]
        var i = 2
        for role in Role.allCases {
            for field in Schema.sideFields {
                if let v = row[i] as String? {
                    if role == .la { la[field] = v } else { provider[field] = v }
                }
                i += 1
            }
        }
        let laStatus = (row[i] as String?).flatMap(LAStatus.init(rawValue:))
        let providerStatus = (row[i + 1] as String?).flatMap(ProviderStatus.init(rawValue:))
        let statusOn = (row[i + 2] as String?).flatMap { CivilDate(iso: $0) }
        let answeredOn = (row[i + 3] as String?).flatMap { CivilDate(iso: $0) }
        let awaiting = (row[i + 4] as Int?) == 1
        let state = AdviceState(requestID: row[0], la: la, provider: provider, laStatus: laStatus,
                                providerStatus: providerStatus, providerStatusOn: statusOn,
                                answeredOn: answeredOn, awaitingAmendment: awaiting,
                                cancelledAt: (row[i + 5] as Int64?).map(Timestamp.init(millis:)),
                                providerReportedAt: (row[i + 6] as Int64?).map(Timestamp.init(millis:)))
        return (state, row[1] ?? 0)
    }

    /// Arguments for `upsertSQL`.
    static func arguments(_ s: AdviceState, rules: AdviceRules, now: Timestamp) -> StatementArguments {
        var values: [(any DatabaseValueConvertible)?] = [s.requestID]
        values.reserveCapacity(stateColumns.count + 6)
        for field in Schema.sideFields { values.append(s.la[field]) }
        for field in Schema.sideFields { values.append(s.provider[field]) }
        values.append(s.laStatus?.rawValue)
        values.append(s.providerStatus?.rawValue)
        values.append(s.providerStatusOn?.description)
        values.append(s.answeredOn?.description)
        values.append(s.awaitingAmendment ? 1 : 0)
        values.append(s.cancelledAt?.millis)
        values.append(s.providerReportedAt?.millis)
        values.append(s.status)
        values.append(s.statutoryDueOn(rules)?.description)
        values.append(s.workingDueOn(rules)?.description)
        values.append(now.millis)
        values.append(now.millis)
        return StatementArguments(values)
    }
}
