import EHCCore
import Foundation
import GRDB

extension AppDatabase {
    /// Tries every parked provider observation again, after all feeds were read this
    /// cycle, so that feed order never changes the outcome (SPEC §4 rule 1).
    /// Returns how many linked.
    @discardableResult
    public func retryUnmatched(rules: AdviceRules, now: Timestamp, today: CivilDate, zone: TimeZone,
                               notices: ImmediateNotices? = nil) throws -> Int {
        try pool.write { db in
            let pending = try Row.fetchAll(db, sql: """
                SELECT p.observation_id, p.feed_id, p.conflict_id, o.observed, o.source, o.line, o.updated_at
                FROM pending_observation p JOIN observation o ON o.id = p.observation_id ORDER BY p.observation_id
                """)
            var linked = 0
            var appliers: [Int64: ObservationApplier] = [:]
            for row in pending {
                let feedID: Int64 = row[1]
                let observed = [UInt8](row[3] as Data)
                var obs = PackedValues.observation(observed, updatedAt: (row[6] as Int64?).map(Timestamp.init(millis:)), role: .provider)
                obs.line = row[5]
                let applier = appliers[feedID] ?? ObservationApplier(db: db, feedID: feedID, role: .provider, rules: rules, now: now, today: today)
                applier.notices = notices
                appliers[feedID] = applier
                let link = try applier.link(obs)
                guard let requestID = link.requestID else { continue }
                var hash = RowHash()
                observed.withUnsafeBufferPointer { hash.combine(bytes: $0) }
                try applier.applyLinked(obs, requestID: requestID, linkedBy: link.how ?? "request_id", source: row[4],
                                        rowHash: hash.signed, observationID: row[0])
                try db.execute(sql: "DELETE FROM pending_observation WHERE observation_id = ?", arguments: [row[0] as Int64])
                try ObservationApplier.closeConflict(db, id: row[2], by: "rules",
                                                     note: "linked to request \(requestID) by \(link.how ?? "request_id")", at: now)
                try db.execute(sql: "UPDATE conflict SET request_id = ? WHERE id = ?", arguments: [requestID, row[2] as Int64])
                linked += 1
            }
            return linked
        }
    }

    /// Re-evaluates the conflicts that the calendar alone can open (advice submitted but
    /// not logged as received within the grace days). Returns how many opened.
    @discardableResult
    public func sweepClock(rules: AdviceRules, now: Timestamp, today: CivilDate, notices: ImmediateNotices? = nil) throws -> Int {
        try pool.write { db in
            let statement = try db.makeStatement(sql: AdviceRowCodec.select(
                where: "provider_status = 'submitted' AND la_advice_received_on IS NULL"))
            var candidates: [(AdviceState, conflictsEver: Int)] = []
            while try RawStep.next(statement, in: db) { candidates.append(AdviceRowCodec.state(raw: statement.sqliteStatement)) }
            var opened = 0
            let applier = ObservationApplier(db: db, feedID: 0, role: .la, rules: rules, now: now, today: today)
            for (state, ever) in candidates {
                let existing = ever > 0 ? try applier.storedConflicts(state.requestID) : []
                let ops = DerivedConflicts.reconcile(
                    DerivedConflicts.evaluate(state, rules: rules, today: today), with: existing)
                    .filter { if case .open(let d) = $0 { return d.kind == .advice_not_received } else { return false } }
                let new = try applier.applyConflictOps(ops, requestID: state.requestID, feedID: nil)
                if let notices, !new.isEmpty { try notices.record(db, state: state, opened: new, today: today, now: now) }
                opened += ops.count
            }
            return opened
        }
    }
}
