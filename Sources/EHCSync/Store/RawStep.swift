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

/// Binds a statement's parameters in order through SQLite's C API, for the bulk write
/// paths: no existential boxing per value, and text copied once by SQLite.
struct RawBinder {
    let raw: OpaquePointer
    private var index: Int32 = 1

    /// Resets the statement and clears earlier bindings (unbound parameters are NULL).
    init(_ statement: Statement) {
        raw = statement.sqliteStatement
        sqlite3_reset(raw)
        sqlite3_clear_bindings(raw)
    }

    mutating func bind(_ text: String?) {
        if var text {
            text.withUTF8 { buf in
                _ = sqlite3_bind_text(raw, index, buf.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) },
                                      Int32(buf.count), RawBinder.transient)
            }
        }
        index += 1
    }

    /// A blob; empty binds a zero-length blob, not NULL.
    mutating func bind(bytes: [UInt8]) {
        bytes.withUnsafeBytes { buf in
            _ = sqlite3_bind_blob(raw, index, buf.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(buf.count), RawBinder.transient)
        }
        index += 1
    }

    mutating func bind(_ value: Int64?) {
        if let value { sqlite3_bind_int64(raw, index, value) }
        index += 1
    }

    mutating func bind(_ value: Int?) { bind(value.map(Int64.init)) }

    /// SQLite's SQLITE_TRANSIENT (copy the bytes now): a C macro Swift cannot import.
    static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    /// Runs a statement that returns no rows.
    static func run(_ statement: Statement, in db: Database) throws {
        if try RawStep.next(statement, in: db) { RawStep.finish(statement) }
    }
}
