import GRDB
import GRDBSQLite

/// Binds a statement's parameters in order through SQLite's C API, for the bulk write
/// paths: no existential boxing per value. Text and blobs are copied once: into
/// SQLite's own memory (`SQLITE_TRANSIENT`, a `malloc` and a `free` a value), or, given
/// a `BindArena`, into the arena, which SQLite then reads in place.
struct RawBinder {
    let raw: OpaquePointer
    private var index: Int32 = 1
    private let arena: BindArena?

    /// Resets the statement and clears earlier bindings (unbound parameters are NULL).
    /// With `arena`, the arena is emptied for this statement's values: run the statement
    /// (`run`) before any other binder uses the arena.
    init(_ statement: Statement, arena: BindArena? = nil) {
        raw = statement.sqliteStatement
        sqlite3_reset(raw)
        sqlite3_clear_bindings(raw)
        self.arena = arena
        arena?.reset()
    }

    mutating func bind(_ text: String?) {
        if var text {
            text.withUTF8 { buf in
                let (bytes, destructor) = place(UnsafeRawBufferPointer(buf))
                _ = sqlite3_bind_text(raw, index, bytes?.assumingMemoryBound(to: CChar.self), Int32(buf.count), destructor)
            }
        }
        index += 1
    }

    /// A blob; empty binds a zero-length blob, not NULL.
    mutating func bind(bytes: [UInt8]) {
        bytes.withUnsafeBytes { buf in
            let (bytes, destructor) = place(buf)
            _ = sqlite3_bind_blob(raw, index, bytes ?? UnsafeRawPointer(bitPattern: 1), Int32(buf.count), destructor)
        }
        index += 1
    }

    /// `buffer[range]` as text or a blob, read by SQLite in place: run the statement
    /// while `buffer` stays where it is.
    mutating func bind(inPlace buffer: UnsafeRawBufferPointer, _ range: Range<Int>, text: Bool) {
        // Never a null pointer: that would bind NULL, not an empty value.
        let start = buffer.baseAddress.map { $0 + range.lowerBound } ?? UnsafeRawPointer(bitPattern: 1)!
        if text {
            _ = sqlite3_bind_text(raw, index, start.assumingMemoryBound(to: CChar.self), Int32(range.count), RawBinder.static)
        } else {
            _ = sqlite3_bind_blob(raw, index, start, Int32(range.count), RawBinder.static)
        }
        index += 1
    }

    /// Where SQLite should read `buf` from, and whether it must copy it: the arena's
    /// copy, read in place, when it has room; else `buf` itself, copied by SQLite now.
    private func place(_ buf: UnsafeRawBufferPointer) -> (UnsafeRawPointer?, sqlite3_destructor_type?) {
        if let arena, let copy = arena.copy(buf) { return (copy, RawBinder.static) }
        return (buf.baseAddress, RawBinder.transient)
    }

    mutating func bind(_ value: Int64?) {
        if let value { sqlite3_bind_int64(raw, index, value) }
        index += 1
    }

    mutating func bind(_ value: Int?) { bind(value.map(Int64.init)) }

    /// SQLite's SQLITE_TRANSIENT (copy the bytes now): a C macro Swift cannot import.
    static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
    /// SQLite's SQLITE_STATIC (the bytes stay put until the statement next runs).
    static let `static`: sqlite3_destructor_type? = nil

    /// Runs a statement that returns no rows.
    static func run(_ statement: Statement, in db: Database) throws {
        if try RawStep.next(statement, in: db) { RawStep.finish(statement) }
    }
}
