/// Reads CSV as RFC 4180 describes it and as Excel and local authority case systems really
/// write it, one chunk at a time.
///
/// The rules, where RFC 4180 leaves room or real exports stray from it:
/// - Records end at CRLF, LF or a lone CR. Quoted fields may hold delimiters, `""` escapes and
///   line breaks; a line break inside quotes is kept as written, and still counts as a physical
///   line, so the rows after it report the line a text editor shows.
/// - The first record is the header. Lines that are empty, or hold only spaces and tabs, are
///   skipped everywhere (a padded blank line is not a row of one empty field). A record of
///   delimiters only (`,,,`) is a row.
/// - Unquoted fields lose leading and trailing spaces and tabs (exports pad them; a tab is kept
///   when it is the delimiter); quoted content is kept exactly. Spaces before an opening quote
///   are dropped too, so `a, "b, c"` has the two fields `a` and `b, c`.
/// - Lenient, because real files contain them: a quote inside an unquoted field is a literal
///   character (`5'10"`), and text after a closing quote is appended to the field (`"abc"x` is
///   `abcx`; trailing spaces after the closing quote are dropped as padding).
/// - A data row with fewer or more fields than the header is `.bad`, except that extra fields
///   which are all empty or whitespace are dropped (Excel pads rows out to the widest row).
/// - Whole-file faults (`FileDecodingError`): no header, a duplicate header name, bytes that
///   are not the declared encoding, a NUL byte, a quote still open at end of file, a record
///   longer than `maxRecordBytes`, and a UTF-8 byte order mark on a file declared
///   Windows-1252 or ISO-8859-1 (the file is UTF-8, whatever the feed says).
///
/// The scanner works on raw bytes: the delimiter, quote and line breaks are ASCII and never
/// occur inside a UTF-8 multi-byte sequence, so fields are found first and each is decoded to a
/// `String` once, whole, however the chunks split its characters. The record buffer and the
/// field list are reused from row to row.
public struct CSVDecoder: RecordDecoder {
    private enum ScanState {
        /// Between records: line breaks here are blank lines.
        case recordStart
        /// At the start of a field: padding is skipped; a quote opens a quoted field.
        case fieldStart
        /// Inside an unquoted field, or the text after a closing quote.
        case unquoted
        /// Inside quotes.
        case quoted
        /// Just after a quote inside quotes: a second quote is an escaped quote, anything else closes.
        case quoteInQuoted
    }

    /// A field's bytes in the record buffer, padding already trimmed.
    private struct FieldSpan {
        var start: Int
        var end: Int
        var isEmpty: Bool { start == end }
    }

    private let delimiter: UInt8
    private let encoding: TextEncoding
    private let maxRecordBytes: Int
    private let trimsSpaces: Bool
    private let trimsTabs: Bool

    private var byteOrderMark = ByteOrderMarkFilter()
    private var state = ScanState.recordStart
    /// The physical line of the byte being scanned.
    private var line = 1
    /// The last byte of the previous piece scanned, to see a CRLF split across chunks.
    private var previousByte: UInt8 = 0
    /// Bytes scanned before the current piece (after the byte order mark).
    private var streamOffset = 0

    private var recordLine = 1
    private var recordStartOffset = 0
    private var recordHasQuote = false
    /// The line of the quote that opened the current quoted field, for the end-of-file error.
    private var quoteLine = 1
    /// The current record's field contents, unescaped, back to back.
    private var buffer: [UInt8] = []
    private var fields: [FieldSpan] = []
    private var fieldStart = 0
    /// Trailing padding is trimmed back to here and no further: quoted content is kept as is.
    private var protectedEnd = 0
    /// The number of header names, once the header has been read.
    private var headerWidth: Int?

    /// - Parameters:
    ///   - delimiter: the byte between fields (`,` `;` tab `|` …); must be ASCII and not a quote or line break.
    ///   - encoding: the declared encoding; UTF-8 is validated, the single-byte encodings map every byte.
    ///   - maxRecordBytes: the longest record accepted, in bytes as written; bounds memory.
    public init(delimiter: UInt8 = UInt8(ascii: ","), encoding: TextEncoding = .utf8, maxRecordBytes: Int = 1 << 20) {
        self.delimiter = delimiter
        self.encoding = encoding
        self.maxRecordBytes = maxRecordBytes
        trimsSpaces = delimiter != ASCII.space
        trimsTabs = delimiter != ASCII.tab
        buffer.reserveCapacity(4096)
        fields.reserveCapacity(64)
    }

    public mutating func consume(_ chunk: UnsafeRawBufferPointer, emit: (DecodedRecord) throws -> Void) throws {
        let (replay, rest) = byteOrderMark.filter(chunk)
        if byteOrderMark.foundMark, encoding != .utf8 {
            throw FileDecodingError(
                line: 1, message: "starts with a UTF-8 byte order mark, but the declared encoding is \(encoding.rawValue)")
        }
        if !replay.isEmpty { try replay.withUnsafeBytes { try scan($0, emit: emit) } }
        try scan(rest, emit: emit)
    }

    public mutating func finish(emit: (DecodedRecord) throws -> Void) throws {
        let replay = byteOrderMark.finish()
        if !replay.isEmpty { try replay.withUnsafeBytes { try scan($0, emit: emit) } }
        let rawLength = streamOffset - recordStartOffset
        switch state {
        case .recordStart:
            break
        case .quoted:
            throw FileDecodingError(line: quoteLine, message: "unterminated quoted field starting on this line")
        case .fieldStart, .unquoted:
            endField()
            try endRecord(rawLength: rawLength, emit: emit)
        case .quoteInQuoted:
            protectedEnd = buffer.count
            endField()
            try endRecord(rawLength: rawLength, emit: emit)
        }
        state = .recordStart
        if headerWidth == nil { throw FileDecodingError(line: nil, message: "the file is empty: no header row") }
    }

    /// The state machine over one piece of the file. Runs of ordinary bytes are found with a
    /// tight inner loop and copied into the record buffer as one slice.
    private mutating func scan(_ piece: UnsafeRawBufferPointer, emit: (DecodedRecord) throws -> Void) throws {
        let n = piece.count
        guard n > 0, let base = piece.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        let delimiter = self.delimiter, lf = ASCII.lf, cr = ASCII.cr, quote = ASCII.quote
        var i = 0
        scanning: while i < n {
            switch state {
            case .recordStart:
                let byte = base[i]
                if byte == lf {
                    if (i > 0 ? base[i - 1] : previousByte) != cr { line += 1 }
                    i += 1
                } else if byte == cr {
                    line += 1
                    i += 1
                } else {
                    recordLine = line
                    recordStartOffset = streamOffset + i
                    recordHasQuote = false
                    buffer.removeAll(keepingCapacity: true)
                    fields.removeAll(keepingCapacity: true)
                    fieldStart = 0
                    state = .fieldStart
                }

            case .fieldStart:
                var byte = base[i]
                while isPadding(byte) {
                    i += 1
                    if i == n { break scanning }
                    byte = base[i]
                }
                if byte == quote {
                    recordHasQuote = true
                    quoteLine = line
                    state = .quoted
                    i += 1
                } else if byte == delimiter {
                    fields.append(FieldSpan(start: fieldStart, end: fieldStart))
                    i += 1
                } else if byte == lf || byte == cr {
                    fields.append(FieldSpan(start: fieldStart, end: fieldStart))
                    try endRecord(rawLength: streamOffset + i - recordStartOffset, emit: emit)
                    line += 1
                    i += 1
                    state = .recordStart
                } else {
                    protectedEnd = fieldStart
                    state = .unquoted
                }

            case .unquoted:
                let runStart = i
                while i < n {
                    let byte = base[i]
                    if byte == delimiter || byte == lf || byte == cr { break }
                    i += 1
                }
                if i > runStart { buffer.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: i - runStart)) }
                if i == n { break scanning }
                endField()
                if base[i] == delimiter {
                    fieldStart = buffer.count
                    state = .fieldStart
                } else {
                    try endRecord(rawLength: streamOffset + i - recordStartOffset, emit: emit)
                    line += 1
                    state = .recordStart
                }
                i += 1

            case .quoted:
                let runStart = i
                while i < n {
                    let byte = base[i]
                    if byte == quote { break }
                    if byte == lf {
                        if (i > 0 ? base[i - 1] : previousByte) != cr { line += 1 }
                    } else if byte == cr {
                        line += 1
                    }
                    i += 1
                }
                if i > runStart { buffer.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: i - runStart)) }
                if i == n { break scanning }
                state = .quoteInQuoted
                i += 1

            case .quoteInQuoted:
                let byte = base[i]
                if byte == quote {
                    buffer.append(quote)
                    state = .quoted
                    i += 1
                    continue scanning
                }
                protectedEnd = buffer.count
                if byte == delimiter {
                    endField()
                    fieldStart = buffer.count
                    state = .fieldStart
                    i += 1
                } else if byte == lf || byte == cr {
                    endField()
                    try endRecord(rawLength: streamOffset + i - recordStartOffset, emit: emit)
                    line += 1
                    state = .recordStart
                    i += 1
                } else {
                    state = .unquoted
                }
            }
        }
        previousByte = base[n - 1]
        streamOffset += n
        if state != .recordStart, streamOffset - recordStartOffset > maxRecordBytes { throw oversizeError() }
    }

    private func isPadding(_ byte: UInt8) -> Bool {
        (byte == ASCII.space && trimsSpaces) || (byte == ASCII.tab && trimsTabs)
    }

    /// Closes the current field, trimming trailing padding back to `protectedEnd`.
    private mutating func endField() {
        var end = buffer.count
        while end > protectedEnd, isPadding(buffer[end - 1]) { end -= 1 }
        fields.append(FieldSpan(start: fieldStart, end: end))
    }

    private func oversizeError() -> FileDecodingError {
        FileDecodingError(line: recordLine, message: "record is longer than \(maxRecordBytes) bytes")
    }

    /// Turns the finished record into a header, a row or a bad row, and emits it.
    private mutating func endRecord(rawLength: Int, emit: (DecodedRecord) throws -> Void) throws {
        if rawLength > maxRecordBytes { throw oversizeError() }
        if fields.count == 1, !recordHasQuote, fields[0].isEmpty { return }  // a line of padding only
        let record = try buffer.withUnsafeBufferPointer { try decode($0) }
        if case .header(_, let names) = record { headerWidth = names.count }
        try emit(record)
    }

    private func decode(_ bytes: UnsafeBufferPointer<UInt8>) throws -> DecodedRecord {
        if let nul = Self.firstNUL(bytes) {
            throw FileDecodingError(
                line: recordLine + TextEncoding.lineBreaks(in: bytes, before: nul),
                message: "contains a NUL byte: not a text file")
        }
        guard let width = headerWidth else {
            let names = try strings(bytes, count: fields.count).map(Self.trimmingPadding)
            var seen = Set<String>()
            for name in names where !name.isEmpty {
                if !seen.insert(name).inserted {
                    throw FileDecodingError(line: recordLine, message: "duplicate column \"\(name)\" in the header")
                }
            }
            return .header(line: recordLine, names: names)
        }
        let count = fields.count
        if count == width || (count > width && fields[width...].allSatisfy { isBlank(bytes, $0) }) {
            return .row(line: recordLine, fields: try strings(bytes, count: width))
        }
        if encoding == .utf8, let bad = TextEncoding.firstInvalidUTF8Offset(bytes) { throw invalidText(bytes, at: bad) }
        return .bad(line: recordLine, message: "expected \(width) fields, found \(count)")
    }

    /// The first `count` fields as strings, each built once from its bytes.
    private func strings(_ bytes: UnsafeBufferPointer<UInt8>, count: Int) throws -> [String] {
        var result: [String] = []
        result.reserveCapacity(count)
        for field in fields[0..<count] {
            if field.isEmpty {
                result.append("")
                continue
            }
            let slice = UnsafeBufferPointer(rebasing: bytes[field.start..<field.end])
            guard let text = encoding.string(slice) else {
                throw invalidText(bytes, at: field.start + (TextEncoding.firstInvalidUTF8Offset(slice) ?? 0))
            }
            result.append(text)
        }
        return result
    }

    private func invalidText(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> FileDecodingError {
        FileDecodingError(
            line: recordLine + TextEncoding.lineBreaks(in: bytes, before: offset),
            message: "not valid UTF-8 (declared encoding \(encoding.rawValue))")
    }

    /// Empty, or spaces and tabs only (a quoted `" "` counts: an extra field holds no data).
    private func isBlank(_ bytes: UnsafeBufferPointer<UInt8>, _ field: FieldSpan) -> Bool {
        bytes[field.start..<field.end].allSatisfy { $0 == ASCII.space || $0 == ASCII.tab }
    }

    private static func trimmingPadding(_ name: String) -> String {
        let isPadding: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = name.firstIndex(where: { !isPadding($0) }),
              let last = name.lastIndex(where: { !isPadding($0) }) else { return "" }
        return String(name[first...last])
    }

    /// The offset of the first zero byte, eight bytes at a time.
    private static func firstNUL(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        let n = bytes.count
        var i = 0
        while i + 8 <= n {
            let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            if (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080 != 0 { break }
            i += 8
        }
        while i < n {
            if base[i] == 0 { return i }
            i += 1
        }
        return nil
    }
}
