import EHCCore
import Foundation
import GRDB
import GRDBSQLite

extension ObservationApplier {
    /// The statements of the per-record path, prepared once per applier: GRDB's
    /// `cachedStatement(sql:)` hashes the whole SQL text on every call, several
    /// kilobytes a record across its statements.
    enum Query: Int, CaseIterable {
        case mark, load, insert, upsert, markUpsert, observationInsert, markUpsertBatch, observationInsertBatch
        var sql: String {
            switch self {
            case .mark: return """
                SELECT f.row_hash, f.updated_at FROM advice a JOIN advice_feed f ON f.feed_id = ? AND f.advice_id = a.id
                WHERE a.request_id = ?
                """
            case .load: return AdviceRowCodec.select(extra: ["id"], where: "request_id = ?")
            case .insert: return AdviceRowCodec.insertSQL
            case .upsert: return AdviceRowCodec.upsertSQL
            case .markUpsert: return Self.markUpsert(rows: 1)
            case .observationInsert: return Self.observationInsert(rows: 1)
            case .markUpsertBatch: return Self.markUpsert(rows: PlannedRowBatch.size)
            case .observationInsertBatch: return Self.observationInsert(rows: PlannedRowBatch.size)
            }
        }

        private static func values(_ columns: Int, rows: Int) -> String {
            Array(repeating: "(" + Array(repeating: "?", count: columns).joined(separator: ", ") + ")", count: rows)
                .joined(separator: ", ")
        }

        static func markUpsert(rows: Int) -> String {
            "INSERT INTO advice_feed(feed_id, advice_id, updated_at, row_hash) VALUES " + values(4, rows: rows) + """

                ON CONFLICT(feed_id, advice_id) DO UPDATE SET
                  updated_at = max(coalesce(advice_feed.updated_at, excluded.updated_at), coalesce(excluded.updated_at, advice_feed.updated_at)),
                  row_hash = excluded.row_hash
                """
        }

        static func observationInsert(rows: Int) -> String {
            """
            INSERT INTO observation(feed_id, source, line, request_id, advice_id, updated_at, applied_at, outcome, observed,
              changes_json, notes)
            VALUES
            """ + " " + values(11, rows: rows)
        }
    }

    /// The prepared statement of `query`, made at its first use by this applier.
    func statement(_ query: Query) throws -> Statement {
        if let s = prepared[query.rawValue] { return s }
        let s = try db.makeStatement(sql: query.sql)
        prepared[query.rawValue] = s
        return s
    }
}
