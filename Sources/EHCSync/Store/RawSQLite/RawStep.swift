import GRDB
import GRDBSQLite

/// Steps a GRDB statement through SQLite's C API, for the bulk read paths that read
/// columns directly (see `AdviceRowCodec.state(raw:)`). Arguments are bound with
/// GRDB's `setArguments` first; errors become GRDB's `DatabaseError`.
enum RawStep {
    /// True while there is a row to read; false at the end (the statement is then reset).
    static func next(_ statement: Statement, in db: Database) throws -> Bool {
        let rc = sqlite3_step(statement.sqliteStatement)
        switch rc {
        case SQLITE_ROW:
            return true
        case SQLITE_DONE:
            sqlite3_reset(statement.sqliteStatement)
            return false
        default:
            let message = db.sqliteConnection.map { String(cString: sqlite3_errmsg($0)) } ?? "SQLite error \(rc)"
            sqlite3_reset(statement.sqliteStatement)
            throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: message, sql: statement.sql)
        }
    }

    /// Ends a read that stopped before the last row, so the statement holds no cursor.
    static func finish(_ statement: Statement) { sqlite3_reset(statement.sqliteStatement) }
}
