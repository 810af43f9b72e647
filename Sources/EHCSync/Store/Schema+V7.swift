import EHCCore
import Foundation
import GRDB

extension Schema {
    /// Registers migrations v7 on, after v1 to v6 (`migrator`), in the order they shipped.
    static func registerMigrationsFromV7(_ m: inout DatabaseMigrator) {
        // A CHECK of `x IN ('a', 'b', 'c')` makes SQLite build a temporary B-tree of the
        // list each time a statement runs (lists of more than two constants), so every
        // record inserted paid for two or three of them: about a third of SQLite's work
        // on a first load. The same constraints, written as comparisons, cost nothing
        // like it. SQLite cannot change a CHECK in place, so the tables written per
        // record or per notice are rebuilt with their rows, ids and indexes.
        m.registerMigration("v7-checks-without-lists") { db in
            let noticeKinds = NoticeKind.allCases.map { "'\($0.rawValue)'" }
            try db.execute(sql: """
            CREATE TABLE advice_v7 (
              id INTEGER PRIMARY KEY,
              request_id TEXT NOT NULL UNIQUE CHECK (length(request_id) BETWEEN 1 AND 64),
              la_values BLOB NOT NULL DEFAULT x'',
              pr_values BLOB NOT NULL DEFAULT x'',
              la_nhs_number TEXT,
              la_provider_ods TEXT,
              la_service TEXT,
              la_advice_received_on TEXT,
              la_dispute TEXT,
              la_status TEXT CHECK (\(oneOf("la_status", ["'requested'", "'cancelled'", "'accepted'", "'returned'"]))),
              provider_status TEXT CHECK (\(oneOf("provider_status", ["'acknowledged'", "'in_progress'", "'submitted'", "'not_known'"]))),
              provider_status_on TEXT,
              answered_on TEXT,
              awaiting_amendment INTEGER NOT NULL DEFAULT 0 CHECK (awaiting_amendment IN (0, 1)),
              cancelled_at INTEGER,
              provider_reported_at INTEGER,
              status TEXT NOT NULL,
              due_on TEXT,
              working_due_on TEXT,
              conflicts_ever INTEGER NOT NULL DEFAULT 0,
              created_at INTEGER NOT NULL,
              changed_at INTEGER NOT NULL
            );
            INSERT INTO advice_v7 SELECT * FROM advice;
            DROP TABLE advice;
            ALTER TABLE advice_v7 RENAME TO advice;
            CREATE INDEX advice_child ON advice(la_nhs_number)
              WHERE la_nhs_number IS NOT NULL AND status NOT IN ('cancelled', 'accepted');
            CREATE INDEX advice_submitted ON advice(provider_status) WHERE provider_status = 'submitted' AND la_advice_received_on IS NULL;
            CREATE INDEX advice_changed ON advice(changed_at);

            CREATE TABLE observation_v7 (
              id INTEGER PRIMARY KEY,
              feed_id INTEGER NOT NULL REFERENCES feed(id),
              source TEXT NOT NULL,
              line INTEGER NOT NULL,
              request_id TEXT,
              updated_at INTEGER,
              applied_at INTEGER NOT NULL,
              outcome TEXT NOT NULL CHECK (\(oneOf("outcome", ["'created'", "'updated'", "'unchanged'", "'stale'", "'identity_mismatch'", "'unmatched'"]))),
              observed BLOB NOT NULL,
              changes_json TEXT,
              notes TEXT,
              advice_id INTEGER REFERENCES advice(id)
            );
            """)
            // The values an observation stated, packed as a record's are (`PackedValues`)
            // rather than as JSON text with every key spelled out: they were the largest
            // part of the store. `advice show` still gives them as JSON.
            let read = try db.makeStatement(sql: """
                SELECT id, feed_id, source, line, request_id, updated_at, applied_at, outcome, values_json, changes_json, notes, advice_id
                FROM observation ORDER BY id
                """)
            let write = try db.makeStatement(sql: """
                INSERT INTO observation_v7(id, feed_id, source, line, request_id, updated_at, applied_at, outcome, observed, changes_json,
                  notes, advice_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            let rows = try Row.fetchCursor(read)
            while let row = try rows.next() {
                var values = FieldValues()
                let json: String = row[8]
                if let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: String] {
                    for (key, value) in object where key != CanonicalField.updated_at.rawValue {
                        if let field = CanonicalField(rawValue: key) { values[field] = value }
                    }
                }
                var arguments: [DatabaseValue] = (0..<12).map { row[$0] }
                arguments[8] = Data(PackedValues.pack(values)).databaseValue
                try write.execute(arguments: StatementArguments(arguments))
            }
            try db.execute(sql: """
            DROP TABLE observation;
            ALTER TABLE observation_v7 RENAME TO observation;
            CREATE INDEX observation_advice ON observation(advice_id) WHERE advice_id IS NOT NULL;

            CREATE TABLE notice_item_v7 (
              id INTEGER PRIMARY KEY,
              key TEXT NOT NULL UNIQUE,
              kind TEXT NOT NULL CHECK (\(oneOf("kind", noticeKinds))),
              recipient TEXT NOT NULL,
              request_id TEXT,
              conflict_id INTEGER REFERENCES conflict(id),
              reason TEXT NOT NULL,
              exception TEXT,
              suppressed INTEGER NOT NULL DEFAULT 0 CHECK (suppressed IN (0, 1)),
              planned_at INTEGER NOT NULL
            );
            INSERT INTO notice_item_v7 SELECT * FROM notice_item;
            DROP TABLE notice_item;
            ALTER TABLE notice_item_v7 RENAME TO notice_item;
            CREATE INDEX notice_item_request ON notice_item(request_id) WHERE request_id IS NOT NULL;
            """)
        }
        // `request_id` was UNIQUE in the table's definition, and SQLite never drops the
        // index such a constraint makes. As an index of its own, `advice_request`, it
        // can be set aside for a first load like the others and built once, sorted, at
        // its end: kept, it took a random insert a record, the only one left on that
        // path, and most of the page reads and rewrites of a large load.
        m.registerMigration("v8-request-index") { db in
            try db.execute(sql: """
            CREATE TABLE advice_v8 (
              id INTEGER PRIMARY KEY,
              request_id TEXT NOT NULL CHECK (length(request_id) BETWEEN 1 AND 64),
              la_values BLOB NOT NULL DEFAULT x'',
              pr_values BLOB NOT NULL DEFAULT x'',
              la_nhs_number TEXT,
              la_provider_ods TEXT,
              la_service TEXT,
              la_advice_received_on TEXT,
              la_dispute TEXT,
              la_status TEXT CHECK (\(oneOf("la_status", ["'requested'", "'cancelled'", "'accepted'", "'returned'"]))),
              provider_status TEXT CHECK (\(oneOf("provider_status", ["'acknowledged'", "'in_progress'", "'submitted'", "'not_known'"]))),
              provider_status_on TEXT,
              answered_on TEXT,
              awaiting_amendment INTEGER NOT NULL DEFAULT 0 CHECK (awaiting_amendment IN (0, 1)),
              cancelled_at INTEGER,
              provider_reported_at INTEGER,
              status TEXT NOT NULL,
              due_on TEXT,
              working_due_on TEXT,
              conflicts_ever INTEGER NOT NULL DEFAULT 0,
              created_at INTEGER NOT NULL,
              changed_at INTEGER NOT NULL
            );
            INSERT INTO advice_v8 SELECT * FROM advice;
            DROP TABLE advice;
            ALTER TABLE advice_v8 RENAME TO advice;
            CREATE UNIQUE INDEX advice_request ON advice(request_id);
            CREATE INDEX advice_child ON advice(la_nhs_number)
              WHERE la_nhs_number IS NOT NULL AND status NOT IN ('cancelled', 'accepted');
            CREATE INDEX advice_submitted ON advice(provider_status) WHERE provider_status = 'submitted' AND la_advice_received_on IS NULL;
            CREATE INDEX advice_changed ON advice(changed_at);
            """)
        }
        // `since_cursor`: the `since_param` value sent, one walk behind `cursor` (see
        // `HTTPFeedState.sinceCursor`). An upgraded store sends what it sent before for
        // its first walk.
        m.registerMigration("v9-since-cursor") { db in
            try db.execute(sql: """
            ALTER TABLE http_feed ADD COLUMN since_cursor INTEGER;
            UPDATE http_feed SET since_cursor = cursor;
            """)
        }
        // The newest `changed_at` of any record, kept in one row (`advice_clock`), in place
        // of the index on `advice(changed_at)` that served only `max(changed_at)`: the
        // notice cycle asks it every minute, and a first load built the index over every
        // record (0.45 s at a million) for that one question.
        m.registerMigration("v10-advice-clock") { db in
            try db.execute(sql: """
            CREATE TABLE advice_clock (
              id INTEGER PRIMARY KEY CHECK (id = 1),
              changed_at INTEGER NOT NULL
            );
            INSERT INTO advice_clock(id, changed_at) SELECT 1, coalesce(max(changed_at), 0) FROM advice;
            DROP INDEX advice_changed;
            """)
        }
        // Nothing dropped quietly (SPEC §7): an applied file keeps the first reason one of
        // its rows was skipped, and each file in a drop folder that the feed's pattern
        // never takes is remembered, so it is logged once and counted while it is there.
        m.registerMigration("v11-feed-problems") { db in
            try db.execute(sql: """
            ALTER TABLE source_file ADD COLUMN first_row_error TEXT;
            CREATE TABLE folder_stray (
              feed_id INTEGER NOT NULL REFERENCES feed(id),
              name TEXT NOT NULL,
              reason TEXT NOT NULL,
              seen_at INTEGER NOT NULL,
              PRIMARY KEY (feed_id, name)
            ) WITHOUT ROWID;
            CREATE INDEX source_file_taken ON source_file(feed_id, taken_at);
            """)
        }
    }
}
