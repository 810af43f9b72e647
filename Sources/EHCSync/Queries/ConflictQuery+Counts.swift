import EHCCore
import Foundation
import GRDB

extension ConflictQuery {
    /// Open conflicts counted by kind (kinds this version does not know are left out),
    /// for the service's status line and metrics.
    public static func openByKind(_ db: AppDatabase) throws -> [ConflictKind: Int] {
        try db.read { db in
            var out: [ConflictKind: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT kind, count(*) FROM conflict WHERE status = 'open' GROUP BY kind") {
                if let kind = ConflictKind(rawValue: row[0]) { out[kind] = row[1] }
            }
            return out
        }
    }
}
