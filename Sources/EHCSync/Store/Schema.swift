import EHCCore
import Foundation
import GRDB

/// The store's schema, as named migrations. A shipped migration is never edited:
/// a change is a new migration, so every older store upgrades itself on open.
enum Schema {
    /// Fields each side may state: one column per side up to v3 (`la_case_ref`, `pr_received_on` …),
    /// packed into `la_values` and `pr_values` from v4.
    static let sideFields: [CanonicalField] = CanonicalField.allCases.filter { $0 != .status && $0 != .updated_at }

    /// The v1-v3 column of one side's field (`la_case_ref`, `pr_received_on` …).
    static func column(_ role: Role, _ field: CanonicalField) -> String {
        (role == .la ? "la_" : "pr_") + field.rawValue
    }

    /// Every migration, in the order they shipped: v1 to v6 here, v7 on in `Schema+V7.swift`.
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-core") { db in
            let sideColumns = Role.allCases.flatMap { role in sideFields.map { "\(column(role, $0)) TEXT" } }
                .joined(separator: ",\n  ")
            let conflictKinds = ConflictKind.allCases.map { "'\($0.rawValue)'" }.joined(separator: ",")
            try db.execute(sql: """
            CREATE TABLE feed (
              id INTEGER PRIMARY KEY,
              name TEXT NOT NULL UNIQUE,
              role TEXT NOT NULL CHECK (role IN ('la', 'provider')),
              last_attempt_at INTEGER,
              last_success_at INTEGER,
              last_data_at INTEGER,
              last_error TEXT,
              consecutive_failures INTEGER NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0)
            );
            CREATE TABLE source_file (
              id INTEGER PRIMARY KEY,
              feed_id INTEGER NOT NULL REFERENCES feed(id),
              name TEXT NOT NULL,
              content_sha256 TEXT NOT NULL CHECK (length(content_sha256) = 64),
              size INTEGER NOT NULL CHECK (size >= 0),
              outcome TEXT NOT NULL CHECK (outcome IN ('applied', 'duplicate', 'rejected')),
              rows_read INTEGER NOT NULL DEFAULT 0,
              rows_applied INTEGER NOT NULL DEFAULT 0,
              rows_unchanged INTEGER NOT NULL DEFAULT 0,
              rows_stale INTEGER NOT NULL DEFAULT 0,
              rows_unmatched INTEGER NOT NULL DEFAULT 0,
              rows_failed INTEGER NOT NULL DEFAULT 0,
              error TEXT,
              taken_at INTEGER NOT NULL
            );
            CREATE UNIQUE INDEX source_file_once ON source_file(feed_id, content_sha256) WHERE outcome = 'applied';
            CREATE TABLE advice (
              id INTEGER PRIMARY KEY,
              request_id TEXT NOT NULL UNIQUE CHECK (length(request_id) BETWEEN 1 AND 64),
              \(sideColumns),
              la_status TEXT CHECK (la_status IN ('requested', 'cancelled', 'accepted', 'returned')),
              provider_status TEXT CHECK (provider_status IN ('acknowledged', 'in_progress', 'submitted', 'not_known')),
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
            CREATE INDEX advice_link ON advice(la_nhs_number, la_provider_ods, la_service)
              WHERE la_nhs_number IS NOT NULL AND status NOT IN ('cancelled', 'accepted');
            CREATE INDEX advice_submitted ON advice(provider_status) WHERE provider_status = 'submitted' AND la_advice_received_on IS NULL;
            CREATE TABLE advice_feed (
              feed_id INTEGER NOT NULL REFERENCES feed(id),
              request_id TEXT NOT NULL,
              updated_at INTEGER,
              row_hash INTEGER NOT NULL,
              PRIMARY KEY (feed_id, request_id)
            ) WITHOUT ROWID;
            CREATE TABLE provider_link (
              feed_id INTEGER NOT NULL REFERENCES feed(id),
              provider_ref TEXT NOT NULL,
              request_id TEXT NOT NULL,
              PRIMARY KEY (feed_id, provider_ref)
            ) WITHOUT ROWID;
            CREATE TABLE observation (
              id INTEGER PRIMARY KEY,
              feed_id INTEGER NOT NULL REFERENCES feed(id),
              source TEXT NOT NULL,
              line INTEGER NOT NULL,
              request_id TEXT,
              updated_at INTEGER,
              applied_at INTEGER NOT NULL,
              outcome TEXT NOT NULL CHECK (outcome IN ('created', 'updated', 'unchanged', 'stale', 'identity_mismatch', 'unmatched')),
              values_json TEXT NOT NULL,
              changes_json TEXT,
              notes TEXT
            );
            CREATE INDEX observation_request ON observation(request_id) WHERE request_id IS NOT NULL;
            CREATE TABLE pending_observation (
              observation_id INTEGER PRIMARY KEY REFERENCES observation(id),
              feed_id INTEGER NOT NULL REFERENCES feed(id),
              conflict_id INTEGER NOT NULL REFERENCES conflict(id)
            );
            CREATE TABLE conflict (
              id INTEGER PRIMARY KEY,
              kind TEXT NOT NULL CHECK (kind IN (\(conflictKinds))),
              request_id TEXT,
              feed_id INTEGER REFERENCES feed(id),
              key TEXT NOT NULL,
              field TEXT,
              detail TEXT NOT NULL,
              fingerprint INTEGER NOT NULL DEFAULT 0,
              status TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
              opened_at INTEGER NOT NULL,
              closed_at INTEGER,
              closed_by TEXT CHECK (closed_by IN ('rules', 'user')),
              close_note TEXT,
              CHECK ((status = 'open') = (closed_at IS NULL))
            );
            CREATE UNIQUE INDEX conflict_one_open ON conflict(request_id, key) WHERE status = 'open' AND request_id IS NOT NULL;
            CREATE INDEX conflict_request ON conflict(request_id);
            CREATE INDEX conflict_open ON conflict(status) WHERE status = 'open';
            """)
        }
        m.registerMigration("v2-notices") { db in
            let kinds = NoticeKind.allCases.map { "'\($0.rawValue)'" }.joined(separator: ",")
            try db.execute(sql: """
            CREATE TABLE notice_item (
              id INTEGER PRIMARY KEY,
              key TEXT NOT NULL UNIQUE,
              kind TEXT NOT NULL CHECK (kind IN (\(kinds))),
              recipient TEXT NOT NULL,
              request_id TEXT,
              conflict_id INTEGER REFERENCES conflict(id),
              reason TEXT NOT NULL,
              exception TEXT,
              suppressed INTEGER NOT NULL DEFAULT 0 CHECK (suppressed IN (0, 1)),
              planned_at INTEGER NOT NULL
            );
            CREATE INDEX notice_item_request ON notice_item(request_id) WHERE request_id IS NOT NULL;
            CREATE TABLE outbox_message (
              id INTEGER PRIMARY KEY,
              notice_id TEXT NOT NULL UNIQUE,
              kind TEXT NOT NULL CHECK (kind IN (\(kinds))),
              recipient TEXT NOT NULL,
              channel TEXT NOT NULL,
              subject TEXT NOT NULL,
              text_body TEXT NOT NULL,
              html_body TEXT NOT NULL,
              json_body TEXT NOT NULL,
              created_at INTEGER NOT NULL,
              status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
              attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
              next_attempt_at INTEGER NOT NULL,
              give_up_at INTEGER NOT NULL,
              last_error TEXT,
              sent_at INTEGER,
              CHECK ((status = 'sent') = (sent_at IS NOT NULL))
            );
            CREATE INDEX outbox_due ON outbox_message(next_attempt_at) WHERE status = 'pending';
            CREATE TABLE outbox_item (
              message_id INTEGER NOT NULL REFERENCES outbox_message(id),
              item_id INTEGER NOT NULL REFERENCES notice_item(id),
              PRIMARY KEY (message_id, item_id)
            ) WITHOUT ROWID;
            """)
        }
        // Audit rows and feed marks keyed by the record's integer id rather than its
        // request id: a first load then appends to both (ids grow with each new record)
        // instead of inserting into two more B-trees keyed by random text. The index
        // that links a provider's record to an open request holds the NHS number alone
        // (a child has a handful of requests; the rest is checked on the row), half the
        // size of the three-column key.
        m.registerMigration("v3-keys-by-advice-id") { db in
            try db.execute(sql: """
            ALTER TABLE observation ADD COLUMN advice_id INTEGER REFERENCES advice(id);
            UPDATE observation SET advice_id = (SELECT a.id FROM advice a WHERE a.request_id = observation.request_id)
              WHERE request_id IS NOT NULL;
            DROP INDEX observation_request;
            CREATE INDEX observation_advice ON observation(advice_id) WHERE advice_id IS NOT NULL;
            CREATE TABLE advice_feed_v3 (
              feed_id INTEGER NOT NULL REFERENCES feed(id),
              advice_id INTEGER NOT NULL REFERENCES advice(id),
              updated_at INTEGER,
              row_hash INTEGER NOT NULL,
              PRIMARY KEY (feed_id, advice_id)
            ) WITHOUT ROWID;
            INSERT INTO advice_feed_v3(feed_id, advice_id, updated_at, row_hash)
              SELECT f.feed_id, a.id, f.updated_at, f.row_hash FROM advice_feed f JOIN advice a ON a.request_id = f.request_id;
            DROP TABLE advice_feed;
            ALTER TABLE advice_feed_v3 RENAME TO advice_feed;
            DROP INDEX advice_link;
            CREATE INDEX advice_child ON advice(la_nhs_number)
              WHERE la_nhs_number IS NOT NULL AND status NOT IN ('cancelled', 'accepted');
            """)
        }
        // Each side's values packed into one column (`PackedValues`): SQLite builds and
        // writes a record of 21 columns instead of 55, most of them empty, for every
        // record stored. The LA values SQL searches by keep their own columns.
        m.registerMigration("v4-packed-sides") { db in
            let scalars = "la_status, provider_status, provider_status_on, answered_on, awaiting_amendment, cancelled_at, "
                + "provider_reported_at, status, due_on, working_due_on, conflicts_ever, created_at, changed_at"
            let searched = AdviceRowCodec.searchedFields.map { column(.la, $0) }.joined(separator: ", ")
            try db.execute(sql: """
            CREATE TABLE advice_v4 (
              id INTEGER PRIMARY KEY,
              request_id TEXT NOT NULL UNIQUE CHECK (length(request_id) BETWEEN 1 AND 64),
              la_values BLOB NOT NULL DEFAULT x'',
              pr_values BLOB NOT NULL DEFAULT x'',
              la_nhs_number TEXT,
              la_provider_ods TEXT,
              la_service TEXT,
              la_advice_received_on TEXT,
              la_dispute TEXT,
              la_status TEXT CHECK (la_status IN ('requested', 'cancelled', 'accepted', 'returned')),
              provider_status TEXT CHECK (provider_status IN ('acknowledged', 'in_progress', 'submitted', 'not_known')),
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
            INSERT INTO advice_v4(id, request_id, \(searched), \(scalars))
              SELECT id, request_id, \(searched), \(scalars) FROM advice;
            """)
            // Pack the old side columns, record by record.
            let sides = Role.allCases.map { role in sideFields.map { (field: $0, column: column(role, $0)) } }
            let read = try db.makeStatement(sql: "SELECT id, " + sides.joined().map(\.column).joined(separator: ", ") + " FROM advice")
            let write = try db.makeStatement(sql: "UPDATE advice_v4 SET la_values = ?, pr_values = ? WHERE id = ?")
            let rows = try Row.fetchCursor(read)
            while let row = try rows.next() {
                var packed: [[UInt8]] = []
                var i = 1
                for side in sides {
                    var values = FieldValues()
                    for (field, _) in side {
                        values[field] = row[i] as String?
                        i += 1
                    }
                    packed.append(PackedValues.pack(values))
                }
                try write.execute(arguments: [Data(packed[0]), Data(packed[1]), row[0] as Int64])
            }
            try db.execute(sql: """
            DROP TABLE advice;
            ALTER TABLE advice_v4 RENAME TO advice;
            CREATE INDEX advice_child ON advice(la_nhs_number)
              WHERE la_nhs_number IS NOT NULL AND status NOT IN ('cancelled', 'accepted');
            CREATE INDEX advice_submitted ON advice(provider_status) WHERE provider_status = 'submitted' AND la_advice_received_on IS NULL;
            """)
        }
        // The service asks every minute whether anything changed since it last planned
        // notices, and which waiting items are not yet in a message: both by index.
        m.registerMigration("v5-notice-lookups") { db in
            try db.execute(sql: """
            CREATE INDEX advice_changed ON advice(changed_at);
            CREATE INDEX outbox_item_item ON outbox_item(item_id);
            """)
        }
        m.registerMigration("v6-http-feeds") { db in
            // One row per HTTP feed: where its reading stands. Every column but
            // retry_at and last_status changes only in the transaction that applies a
            // page, so a crash resumes exactly where the last commit left it.
            try db.execute(sql: """
            CREATE TABLE http_feed (
              feed_id INTEGER PRIMARY KEY REFERENCES feed(id),
              url TEXT NOT NULL,
              cursor INTEGER,
              walk_cursor INTEGER,
              etag TEXT,
              last_modified TEXT,
              next_url TEXT,
              walk_pages INTEGER NOT NULL DEFAULT 0 CHECK (walk_pages >= 0),
              row_errors TEXT,
              row_error_count INTEGER NOT NULL DEFAULT 0 CHECK (row_error_count >= 0),
              last_status INTEGER,
              retry_at INTEGER
            );
            """)
        }
        registerMigrationsFromV7(&m)
        return m
    }

    /// `column` equal to one of `literals` (SQL literals), as comparisons: the same
    /// constraint as `column IN (…)`, NULL passing as it does there, without the
    /// temporary B-tree SQLite builds for a list of more than two constants.
    static func oneOf(_ column: String, _ literals: [String]) -> String {
        literals.map { "\(column) = \($0)" }.joined(separator: " OR ")
    }
}
