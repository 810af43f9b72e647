/// A JSON value as far as a record needs it: scalars become text; anything else is named for the error message.
///
/// Numbers stay text, exactly as written in the source (`9434765919`, `1.50`, `1e3`), so an
/// NHS number or a zero-padded reference never passes through a binary floating point value.
public enum JSONFieldValue: Sendable, Equatable {
    /// A JSON string, or a JSON number rendered exactly as written in the source (e.g. "9434765919", "12.5").
    case text(String)
    case null
    case bool(Bool)
    /// "array" or "object": a type the caller will report as a field error.
    case nested(String)
}

/// What a decoder hands on, in file order.
public enum DecodedRecord: Sendable, Equatable {
    /// CSV only: the header row (first record), field names trimmed of surrounding spaces, BOM removed.
    case header(line: Int, names: [String])
    /// CSV: one data row, values in header order, `line` = the 1-based physical line where the row starts.
    case row(line: Int, fields: [String])
    /// JSON/NDJSON: one object; keys in any order; `line` = the 1-based line where the object starts.
    case object(line: Int, fields: [String: JSONFieldValue])
    /// A record that could not be read but does not spoil the file (e.g. a CSV row with the wrong
    /// number of fields, a JSON array element that is not an object, an NDJSON line that is not
    /// valid JSON). The caller lists it as a row error.
    case bad(line: Int, message: String)
    /// CSV only: a data row the decoder's `CSVRowFilter` knew already, from its bytes; no
    /// field of it was made into a string.
    case known(line: Int)
}

/// A fault that makes the whole file unreadable: nothing of the file may be applied.
///
/// The message never repeats the line number; `description` puts it in front
/// (`line 12: not valid UTF-8 (declared encoding utf-8)`), so the caller can write either.
public struct FileDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The 1-based physical line the fault was found on, when there is one.
    public var line: Int?
    public var message: String

    public init(line: Int?, message: String) {
        self.line = line
        self.message = message
    }

    /// `line N: message`, or just the message for a fault of the whole file (e.g. an empty file).
    public var description: String {
        if let line { return "line \(line): \(message)" }
        return message
    }
}

/// A push decoder: the caller reads the file in chunks of any size (even 1 byte) and passes each
/// chunk in; records come out through `emit` as soon as they are complete. Memory stays bounded
/// by the longest single record, never by the file.
///
/// Errors thrown by `emit` propagate unchanged, so a caller can stop early by throwing. After any
/// error the decoder is spent: start a new one for the next file.
public protocol RecordDecoder {
    /// Feeds the next bytes of the file.
    mutating func consume(_ chunk: UnsafeRawBufferPointer, emit: (DecodedRecord) throws -> Void) throws
    /// End of file: flush the last record, or throw FileDecodingError if the file ended inside a quoted field / inside JSON.
    mutating func finish(emit: (DecodedRecord) throws -> Void) throws
}
