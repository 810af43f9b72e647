import EHCCore
import Foundation
import GRDB
import GRDBSQLite

/// Applies observations inside one open write transaction (SPEC §4): links a provider's
/// record to its request, plans it with the `Reconciler`, writes the record, its
/// conflicts, its immediate notices and its audit row. Made per file or page by the
/// store's apply operations (`AppDatabase.applyFile`, `applyPage`); not shared. Its
/// statements are in `RawSQLite/ObservationApplier+Statements.swift`, and a first
/// load's machinery (batched audit rows, indexes built at the end) in `FirstLoad/`.
public final class ObservationApplier {
    /// Counts of what happened to the observations it was given.
    public struct Counts: Sendable, Equatable {
        public var applied = 0, unchanged = 0, stale = 0, unmatched = 0, identityMismatch = 0, linked = 0
        public init() {}
    }

    let db: Database
    let feedID: Int64
    let role: Role
    let reconciler: Reconciler
    let now: Timestamp
    let today: CivilDate
    public private(set) var counts = Counts()
    /// When set, notices that a change makes due at once (an immediate conflict, a
    /// dispute) are recorded in the same transaction as the change (SPEC §2).
    public var notices: ImmediateNotices?

    /// An applier for feed `feedID` in the open write transaction `db`. Internal: outside
    /// the store an applier comes from `AppDatabase.applyFile` or `applyPage`.
    init(db: Database, feedID: Int64, role: Role, rules: AdviceRules, now: Timestamp, today: CivilDate) {
        self.db = db
        self.feedID = feedID
        self.role = role
        self.reconciler = Reconciler(rules: rules)
        self.now = now
        self.today = today
    }

    /// The statements of `Query`, each prepared at its first use (`statement(_:)`).
    var prepared = [Statement?](repeating: nil, count: Query.allCases.count)
    /// Where the per-record writes' text and blobs are bound from (`BindArena`).
    let arena = BindArena()
    /// The audit rows and marks of planned records not yet written, while a first load
    /// runs (`bulk`); nil otherwise, when each record's are written with it.
    var plannedRows: PlannedRowBatch?

    /// Set when the store held no record and this feed no mark as the file began (a
    /// first load): the reading thread then plans each request's first row itself
    /// (`freshPlanning`), and only its repeats are looked up.
    var freshStore = false

    /// What a first load's reading thread needs to plan a record it has not seen
    /// before in the file (`RecordPreparer`): nil unless the store was empty as the
    /// file began (after `loadKnownRows`).
    var freshPlanning: FreshPlanning? {
        freshStore && role == .la ? FreshPlanning(reconciler: reconciler, today: today, now: now) : nil
    }

    /// The core's planner of a first load's new LA records (`freshPlanning`).
    typealias FreshPlanning = FreshRecordPlanner

    /// A plan the reading thread made ahead (`applyPlanned`).
    typealias Planned = FreshRecordPlan

    /// Applies an LA record its reading thread planned as new (`FreshPlanning`): the
    /// store was empty as the file began and no earlier row of the file named the
    /// request, so there is nothing to look up.
    func applyPlanned(_ obs: Observation, _ planned: Planned, source: String, rowHash: Int64, observed: [UInt8]?) throws {
        guard freshStore, let requestID = obs.requestID else {
            return try apply(obs, source: source, rowHash: rowHash, observed: observed)
        }
        noteUpdatedAt(obs.updatedAt)
        try applyLinked(obs, requestID: requestID, linkedBy: nil, source: source, rowHash: rowHash, observationID: nil,
                        observed: observed, planned: planned)
    }

    /// This feed's stored row hashes, loaded once for a large file: a row found here
    /// is unchanged without any query (its hash covers the request id).
    public internal(set) var knownRows: RowHashSet?

    /// The indexes a first load has set aside and not yet made again, with their
    /// definitions, in `indexesBuiltAfterFirstLoad` order.
    var deferredIndexes: [(name: String, sql: String)] = []

    /// Counts a row found unchanged in `knownRows` (by `RecordPreparer`, on any thread).
    func countKnownUnchanged() { counts.unchanged += 1 }

    /// The fast path for full re-exports: true when this feed's last row for the
    /// request hashed the same, so the row says nothing new and needs no validation.
    public func isUnchanged(requestID: String, rowHash: Int64) throws -> Bool {
        let mark = try feedMark(requestID)
        guard let stored = mark?.rowHash, stored == rowHash else { return false }
        counts.unchanged += 1
        noteUpdatedAt(mark?.updatedAt)  // the same row, so the same updated_at
        return true
    }

    /// The last lookup of `advice_feed`, kept so that the repeat check and the apply
    /// that follows it read the row once.
    private var lastMark: (requestID: String, mark: (rowHash: Int64, updatedAt: Timestamp?)?)?

    /// This feed's mark for `requestID` (its last row's hash and `updated_at`), if any.
    func feedMark(_ requestID: String) throws -> (rowHash: Int64, updatedAt: Timestamp?)? {
        try flushPlannedRows()
        if let last = lastMark, last.requestID == requestID { return last.mark }
        try needRequestIndex()
        var mark: (rowHash: Int64, updatedAt: Timestamp?)?
        let stmt = try statement(.mark)
        var b = RawBinder(stmt)
        b.bind(feedID); b.bind(requestID)
        if try RawStep.next(stmt, in: db) {
            let raw = stmt.sqliteStatement
            mark = (rowHash: sqlite3_column_int64(raw, 0),
                    updatedAt: sqlite3_column_type(raw, 1) == SQLITE_NULL ? nil : Timestamp(millis: sqlite3_column_int64(raw, 1)))
            RawStep.finish(stmt)
        }
        lastMark = (requestID, mark)
        return mark
    }

    /// The greatest `updated_at` among the observations given to `apply` and the rows
    /// found unchanged by `isUnchanged`: an HTTP feed's walk cursor advances to it in
    /// the same transaction (and its cursor when the walk completes). (Rows found in
    /// `knownRows` are not counted: the in-memory set has no times, and a cursor that
    /// lags only re-reads.)
    public private(set) var greatestUpdatedAt: Timestamp?

    private func noteUpdatedAt(_ t: Timestamp?) {
        if let t, greatestUpdatedAt.map({ $0 < t }) ?? true { greatestUpdatedAt = t }
    }

    /// Set once this applier has moved `advice_clock` to `now`: every record it writes
    /// gets `changed_at = now`, so once is enough.
    private var clockAdvanced = false

    /// Keeps `advice_clock` at the newest `changed_at` of any record, in the transaction
    /// that writes the record (`NoticeCycle.stamp` reads it).
    private func advanceClock() throws {
        guard !clockAdvanced else { return }
        try db.execute(sql: """
            INSERT INTO advice_clock(id, changed_at) VALUES (1, ?)
            ON CONFLICT(id) DO UPDATE SET changed_at = max(changed_at, excluded.changed_at)
            """, arguments: [now.millis])
        clockAdvanced = true
    }

    /// Links, plans and applies one observation (SPEC §4), recording it in the audit trail.
    /// `observed`, when given, is `PackedValues.pack(obs)` made ahead (on the thread
    /// that validated the record).
    public func apply(_ obs: Observation, source: String, rowHash: Int64, observed: [UInt8]? = nil) throws {
        try flushPlannedRows()
        try needRequestIndex()
        noteUpdatedAt(obs.updatedAt)
        let link = try self.link(obs)
        guard let requestID = link.requestID else {
            try park(obs, source: source, reason: link.reason ?? "no open request matches", observed: observed)
            return
        }
        _ = try applyLinked(obs, requestID: requestID, linkedBy: link.how, source: source, rowHash: rowHash, observationID: nil,
                            observed: observed)
    }

    struct Link { var requestID: String?; var how: String?; var reason: String? }

    /// Rule 1: which request a provider observation is about, if any.
    func link(_ obs: Observation) throws -> Link {
        if obs.role == .la { return Link(requestID: obs.requestID, how: nil, reason: nil) }
        if let rid = obs.requestID {
            let stmt = try db.cachedStatement(sql: "SELECT 1 FROM advice WHERE request_id = ?")
            if try Int.fetchOne(stmt, arguments: [rid]) != nil { return Link(requestID: rid, how: nil, reason: nil) }
            return Link(requestID: nil, how: nil, reason: "request_id \(rid) has not been sent by the LA")
        }
        if let ref = obs.values[.provider_ref] {
            let stmt = try db.cachedStatement(sql: "SELECT request_id FROM provider_link WHERE feed_id = ? AND provider_ref = ?")
            if let rid = try String.fetchOne(stmt, arguments: [feedID, ref]) {
                return Link(requestID: rid, how: "provider_ref", reason: nil)
            }
        }
        guard let nhs = obs.values[.nhs_number], let ods = obs.values[.provider_ods], let service = obs.values[.service] else {
            return Link(requestID: nil, how: nil,
                        reason: "no request_id, no provider_ref linked before, and not all of nhs_number, provider_ods and service to match by")
        }
        let stmt = try db.cachedStatement(sql: """
            SELECT request_id FROM advice WHERE la_nhs_number = ? AND la_provider_ods = ? AND la_service = ?
              AND status NOT IN ('cancelled', 'accepted') LIMIT 2
            """)
        let matches = try String.fetchAll(stmt, arguments: [nhs, ods, service])
        switch matches.count {
        case 1: return Link(requestID: matches[0], how: "nhs_number, provider_ods and service", reason: nil)
        case 0: return Link(requestID: nil, how: nil, reason: "no open request for this child from \(ods) for \(service)")
        default: return Link(requestID: nil, how: nil, reason: "several open requests for this child from \(ods) for \(service): not linked by guess")
        }
    }

    /// Applies an observation already linked to `requestID`. With `observationID`, the
    /// parked observation of that id is updated instead of a new one recorded.
    @discardableResult
    func applyLinked(_ obs: Observation, requestID: String, linkedBy: String?, source: String, rowHash: Int64,
                     observationID: Int64?, observed: [UInt8]? = nil, planned: Planned? = nil) throws -> ReconcilePlan {
        let mark = planned != nil ? nil : try feedMark(requestID).map { FeedMark(updatedAt: $0.updatedAt) }
        var loaded: (AdviceState, conflictsEver: Int)?
        var adviceID: Int64?
        if planned == nil {
            try needRequestIndex()
            let loadStmt = try statement(.load)
            var b = RawBinder(loadStmt)
            b.bind(requestID)
            if try RawStep.next(loadStmt, in: db) {
                loaded = AdviceRowCodec.state(raw: loadStmt.sqliteStatement)
                adviceID = sqlite3_column_int64(loadStmt.sqliteStatement, AdviceRowCodec.stateColumnCount)
                RawStep.finish(loadStmt)
            }
        }
        let conflicts = (loaded?.conflictsEver ?? 0) > 0 ? try storedConflicts(requestID) : []
        var observation = obs
        if observation.values[.request_id] == nil { observation.values[.request_id] = requestID }
        let plan = planned?.plan
            ?? reconciler.plan(observation, current: loaded?.0, lastFromFeed: mark, conflicts: conflicts, today: today, now: now)

        // A record planned ahead in a first load: its mark and audit row wait for the
        // batch (`plannedRows`).
        let batch = planned != nil && observationID == nil && plan.outcome == .created ? plannedRows : nil
        var notes = plan.notes
        if let linkedBy { notes.insert("linked by \(linkedBy)", at: 0) }
        if plan.outcome != .stale {
            if plan.outcome != .unchanged || !plan.conflicts.isEmpty {
                let upsert = try statement(adviceID == nil ? .insert : .upsert)
                try AdviceRowCodec.upsert(upsert, plan.state, packedLA: planned?.packedLA, rules: reconciler.rules, now: now,
                                          in: db, arena: arena)
                if adviceID == nil { adviceID = db.lastInsertedRowID }
                try advanceClock()
                let opened = try applyConflictOps(plan.conflicts, requestID: requestID, adviceID: adviceID)
                if let notices, !opened.isEmpty || plan.state.isDisputed {
                    try notices.record(db, state: plan.state, opened: opened, today: today, now: now)
                }
            }
            if batch == nil {
                let markUpsert = try statement(.markUpsert)
                var mb = RawBinder(markUpsert, arena: arena)
                mb.bind(feedID); mb.bind(adviceID); mb.bind(obs.updatedAt?.millis); mb.bind(rowHash)
                try RawBinder.run(markUpsert, in: db)
            }
            lastMark = nil
            // Never link a provider's reference to a request whose identity it disputes.
            if obs.role == .provider, plan.outcome != .identityMismatch, let ref = obs.values[.provider_ref] {
                let linkStmt = try db.cachedStatement(sql: "INSERT OR IGNORE INTO provider_link(feed_id, provider_ref, request_id) VALUES (?, ?, ?)")
                try linkStmt.execute(arguments: [feedID, ref, requestID])
            }
        }
        switch plan.outcome {
        case .created, .updated: counts.applied += 1
        case .unchanged: counts.unchanged += 1
        case .stale: counts.stale += 1
        case .identityMismatch: counts.identityMismatch += 1
        }
        if linkedBy != nil || observationID != nil { counts.linked += 1 }
        // A created record's changes are its values, already kept in `observed`: not
        // stored twice (it halves the audit trail's size on a first load).
        let changes = plan.changes.isEmpty || plan.outcome == .created ? nil : Self.changesJSON(plan.changes)
        let noteText = notes.isEmpty ? nil : notes.joined(separator: "; ")
        if let observationID {
            try db.execute(sql: "UPDATE observation SET request_id = ?, advice_id = ?, outcome = ?, changes_json = ?, notes = ? WHERE id = ?",
                           arguments: [requestID, adviceID, plan.outcome.rawValue, changes, noteText, observationID])
        } else if let batch, let adviceID {
            if source != batch.source {
                try flushPlannedRows()  // one source a batch
                batch.source = source
            }
            batch.add(line: obs.line, adviceID: adviceID, updatedAt: obs.updatedAt?.millis, rowHash: rowHash, requestID: requestID,
                      observed: observed ?? PackedValues.pack(obs), notes: noteText)
            if batch.isFull { try flushPlannedRows() }
        } else {
            let insert = try statement(.observationInsert)
            var b = RawBinder(insert, arena: arena)
            b.bind(feedID); b.bind(source); b.bind(obs.line); b.bind(requestID); b.bind(adviceID); b.bind(obs.updatedAt?.millis)
            b.bind(now.millis); b.bind(plan.outcome.rawValue); b.bind(bytes: observed ?? PackedValues.pack(obs)); b.bind(changes); b.bind(noteText)
            try RawBinder.run(insert, in: db)
        }
        return plan
    }

    /// Keeps an observation that links to nothing yet, with an open `unmatched_response`.
    func park(_ obs: Observation, source: String, reason: String, observed: [UInt8]? = nil) throws {
        try flushPlannedRows()
        let values = Data(observed ?? PackedValues.pack(obs))
        let dup = try db.cachedStatement(sql: """
            SELECT 1 FROM pending_observation p JOIN observation o ON o.id = p.observation_id
            WHERE p.feed_id = ? AND o.observed = ? AND o.updated_at IS ?
            """)
        if try Int.fetchOne(dup, arguments: [feedID, values, obs.updatedAt?.millis]) != nil {
            counts.unchanged += 1
            return
        }
        try db.execute(sql: """
            INSERT INTO observation(feed_id, source, line, request_id, updated_at, applied_at, outcome, observed, notes)
            VALUES (?, ?, ?, NULL, ?, ?, 'unmatched', ?, ?)
            """, arguments: [feedID, source, obs.line, obs.updatedAt?.millis, now.millis, values, reason])
        let observationID = db.lastInsertedRowID
        let ref = obs.values[.provider_ref].map { " (provider_ref \($0))" } ?? ""
        try db.execute(sql: """
            INSERT INTO conflict(kind, request_id, feed_id, key, field, detail, fingerprint, status, opened_at)
            VALUES ('unmatched_response', ?, ?, ?, NULL, ?, 0, 'open', ?)
            """, arguments: [obs.requestID, feedID, "unmatched_response:obs\(observationID)",
                             "provider record\(ref) could not be linked: \(reason)", now.millis])
        try db.execute(sql: "INSERT INTO pending_observation(observation_id, feed_id, conflict_id) VALUES (?, ?, ?)",
                       arguments: [observationID, feedID, db.lastInsertedRowID])
        counts.unmatched += 1
    }

    func storedConflicts(_ requestID: String) throws -> [ConflictRef] {
        let stmt = try db.cachedStatement(sql: "SELECT id, kind, key, status, fingerprint FROM conflict WHERE request_id = ?")
        return try Row.fetchAll(stmt, arguments: [requestID]).compactMap { row in
            ConflictKind(rawValue: row[1]).map {
                ConflictRef(id: row[0], kind: $0, key: row[2], isOpen: (row[3] as String) == "open", fingerprint: row[4])
            }
        }
    }

    @discardableResult
    func applyConflictOps(_ ops: [ConflictOp], requestID: String, adviceID: Int64? = nil) throws -> [OpenConflict] {
        try applyConflictOps(ops, requestID: requestID, feedID: feedID, adviceID: adviceID)
    }

    /// Opens and closes conflicts of one record; `feedID` nil for conflicts the clock
    /// raised. The record is found by `adviceID` when given, else by its request id.
    /// Returns the conflicts it opened.
    @discardableResult
    func applyConflictOps(_ ops: [ConflictOp], requestID: String, feedID: Int64?, adviceID: Int64? = nil) throws -> [OpenConflict] {
        var opened: [OpenConflict] = []
        for op in ops {
            switch op {
            case .open(let draft):
                let stmt = try db.cachedStatement(sql: """
                    INSERT INTO conflict(kind, request_id, feed_id, key, field, detail, fingerprint, status, opened_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?)
                    """)
                try stmt.execute(arguments: [draft.kind.rawValue, requestID, feedID ?? nil, draft.key, draft.field, draft.detail,
                                             draft.fingerprint, now.millis])
                opened.append(OpenConflict(id: db.lastInsertedRowID, kind: draft.kind, requestID: requestID))
                if let adviceID {
                    try db.execute(sql: "UPDATE advice SET conflicts_ever = conflicts_ever + 1 WHERE id = ?", arguments: [adviceID])
                } else {
                    try needRequestIndex()
                    try db.execute(sql: "UPDATE advice SET conflicts_ever = conflicts_ever + 1 WHERE request_id = ?", arguments: [requestID])
                }
            case .close(let id, let reason):
                try Self.closeConflict(db, id: id, by: "rules", note: reason, at: now)
            }
        }
        return opened
    }

    static func closeConflict(_ db: Database, id: Int64, by: String, note: String, at now: Timestamp) throws {
        let stmt = try db.cachedStatement(sql: """
            UPDATE conflict SET status = 'resolved', closed_at = ?, closed_by = ?, close_note = ? WHERE id = ? AND status = 'open'
            """)
        try stmt.execute(arguments: [now.millis, by, note, id])
    }

    static func changesJSON(_ changes: [FieldChange]) -> String {
        "[" + changes.map { c in
            "{\"field\":" + JSONText.quoted(c.field) + ",\"old\":" + (c.old.map(JSONText.quoted) ?? "null")
                + ",\"new\":" + (c.new.map(JSONText.quoted) ?? "null") + "}"
        }.joined(separator: ",") + "]"
    }
}
