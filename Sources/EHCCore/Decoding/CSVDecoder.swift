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
/// occur inside a UTF-8 multi-byte sequence. It only marks where each field lies in the record
/// as written; a record that lies within one chunk is never copied, and one that spans chunks
/// is gathered in a reused carry buffer. Each field becomes a `String` once, whole, however
/// the chunks split its characters; the record is validated once, not field by field.
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

    private let delimiter: UInt8
    private let encoding: TextEncoding
    private let maxRecordBytes: Int
    /// Turns each finished record into a header, row or bad row; knows the header once read.
    private var assembler: CSVRecordAssembler

    private var byteOrderMark = ByteOrderMarkFilter()
    private var state = ScanState.recordStart
    /// The physical line of the byte being scanned.
    private var line = 1
    /// The last byte of the previous piece scanned, to see a CRLF split across chunks.
    private var previousByte: UInt8 = 0

    private var recordLine = 1
    /// The index in the current piece where the record starts; negative (minus the carried
    /// bytes) when it started in an earlier piece. Offsets in the record are `index - recordOrigin`.
    private var recordOrigin = 0
    /// The bytes of a record that started in an earlier piece.
    private var carry: [UInt8] = []
    private var fields: [CSVFieldSpan] = []
    private var fieldStart = 0
    private var closingQuote = -1
    private var hasEscapedQuotes = false
    /// The line of the quote that opened the current quoted field, for the end-of-file error.
    private var quoteLine = 1

    /// - Parameters:
    ///   - delimiter: the byte between fields (`,` `;` tab `|` …); must be ASCII and not a quote or line break.
    ///   - encoding: the declared encoding; UTF-8 is validated, the single-byte encodings map every byte.
    ///   - maxRecordBytes: the longest record accepted, in bytes as written; bounds memory.
    ///   - rowFilter: recognises rows already known from their bytes; each is handed on as `.known`.
    public init(delimiter: UInt8 = UInt8(ascii: ","), encoding: TextEncoding = .utf8, maxRecordBytes: Int = 1 << 20,
                rowFilter: CSVRowFilter? = nil) {
        self.delimiter = delimiter
        self.encoding = encoding
        self.maxRecordBytes = maxRecordBytes
        assembler = CSVRecordAssembler(encoding: encoding, delimiter: delimiter)
        assembler.rowFilter = rowFilter
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
        // Every byte of an open record is in `carry` now: end it as a line break would.
        let end = carry.count
        switch state {
        case .recordStart:
            break
        case .quoted:
            throw FileDecodingError(line: quoteLine, message: "unterminated quoted field starting on this line")
        case .fieldStart:
            fieldStart = end
            closingQuote = -1
            hasEscapedQuotes = false
            endField(at: end)
        case .unquoted:
            endField(at: end)
        case .quoteInQuoted:
            closingQuote = end - 1
            endField(at: end)
        }
        if state != .recordStart {
            state = .recordStart
            let record = carry
            try record.withUnsafeBufferPointer { try endRecord($0, emit: emit) }
            carry.removeAll()
        }
        if !assembler.hasHeader { throw FileDecodingError(line: nil, message: "the file is empty: no header row") }
    }

    /// The state machine over one piece of the file: it finds where fields and records end,
    /// counting lines, and copies nothing except the start of a record that continues in the
    /// next piece.
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
                    recordOrigin = i
                    fields.removeAll(keepingCapacity: true)
                    state = .fieldStart
                }

            case .fieldStart:
                // Unquoted fields, the common case, are read here one after another without
                // going back through the state switch.
                fields: while true {
                    var byte = base[i]
                    while isPadding(byte) {
                        i += 1
                        if i == n { break scanning }
                        byte = base[i]
                    }
                    closingQuote = -1
                    hasEscapedQuotes = false
                    if byte == quote {
                        quoteLine = line
                        fieldStart = i + 1 - recordOrigin
                        state = .quoted
                        i += 1
                        break fields
                    }
                    fieldStart = i - recordOrigin
                    if byte != delimiter, byte != lf, byte != cr {
                        i = Self.firstOf(delimiter, lf, cr, in: base, from: i, to: n)
                        if i == n {
                            state = .unquoted
                            break scanning
                        }
                        byte = base[i]
                    }
                    endField(at: i - recordOrigin)
                    if byte != delimiter {
                        try endRecord(in: base, at: i, emit: emit)
                        i += 1
                        break fields
                    }
                    i += 1
                    if i == n { break scanning }
                }

            case .unquoted:
                i = Self.firstOf(delimiter, lf, cr, in: base, from: i, to: n)
                if i == n { break scanning }
                endField(at: i - recordOrigin)
                if base[i] == delimiter {
                    state = .fieldStart
                } else {
                    try endRecord(in: base, at: i, emit: emit)
                }
                i += 1

            case .quoted:
                while true {
                    i = Self.firstOf(quote, lf, cr, in: base, from: i, to: n)
                    if i == n || base[i] == quote { break }
                    if base[i] == cr || (i > 0 ? base[i - 1] : previousByte) != cr { line += 1 }
                    i += 1
                }
                if i == n { break scanning }
                state = .quoteInQuoted
                i += 1

            case .quoteInQuoted:
                let byte = base[i]
                if byte == quote {
                    hasEscapedQuotes = true
                    state = .quoted
                    i += 1
                    continue scanning
                }
                closingQuote = i - 1 - recordOrigin
                if byte == delimiter {
                    endField(at: i - recordOrigin)
                    state = .fieldStart
                    i += 1
                } else if byte == lf || byte == cr {
                    endField(at: i - recordOrigin)
                    try endRecord(in: base, at: i, emit: emit)
                    i += 1
                } else {
                    state = .unquoted
                }
            }
        }
        previousByte = base[n - 1]
        if state != .recordStart {
            if n - recordOrigin > maxRecordBytes { throw oversizeError() }
            carry.append(contentsOf: UnsafeBufferPointer(start: base + max(recordOrigin, 0), count: n - max(recordOrigin, 0)))
            recordOrigin = -carry.count
        }
    }

    /// The index of the first of three bytes in `base[from..<to]`, or `to`. Eight bytes at a
    /// time: a byte equal to `b` is a zero byte of `word ^ b…b`, and the classic zero-byte test
    /// flags the lowest such byte exactly (higher flags may be false, so only the lowest is used).
    @inline(__always)
    private static func firstOf(
        _ a: UInt8, _ b: UInt8, _ c: UInt8, in base: UnsafePointer<UInt8>, from start: Int, to end: Int
    ) -> Int {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let maskA = ones &* UInt64(a), maskB = ones &* UInt64(b), maskC = ones &* UInt64(c)
        var i = start
        while i + 8 <= end {
            let word = UInt64(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
            let xa = word ^ maskA, xb = word ^ maskB, xc = word ^ maskC
            let found = ((xa &- ones) & ~xa | (xb &- ones) & ~xb | (xc &- ones) & ~xc) & highs
            if found != 0 { return i + found.trailingZeroBitCount / 8 }
            i += 8
        }
        while i < end {
            let byte = base[i]
            if byte == a || byte == b || byte == c { return i }
            i += 1
        }
        return end
    }

    private func isPadding(_ byte: UInt8) -> Bool {
        assembler.isPadding(byte)
    }

    private mutating func endField(at end: Int) {
        fields.append(CSVFieldSpan(start: fieldStart, end: end, closingQuote: closingQuote, hasEscapedQuotes: hasEscapedQuotes))
    }

    private func oversizeError() -> FileDecodingError {
        FileDecodingError(line: recordLine, message: "record is longer than \(maxRecordBytes) bytes")
    }

    /// The line break at `base[i]` ends the record: count the line, gather the record's bytes
    /// (in place, or the carried start plus this piece's part) and hand the record on.
    private mutating func endRecord(in base: UnsafePointer<UInt8>, at i: Int, emit: (DecodedRecord) throws -> Void) throws {
        line += 1
        state = .recordStart
        if i - recordOrigin > maxRecordBytes { throw oversizeError() }
        if recordOrigin >= 0 {
            try endRecord(UnsafeBufferPointer(start: base + recordOrigin, count: i - recordOrigin), emit: emit)
        } else {
            carry.append(contentsOf: UnsafeBufferPointer(start: base, count: i))
            let record = carry
            try record.withUnsafeBufferPointer { try endRecord($0, emit: emit) }
            carry.removeAll(keepingCapacity: true)
        }
    }

    /// Hands on the record made from the record's bytes as written and its field spans.
    private mutating func endRecord(_ bytes: UnsafeBufferPointer<UInt8>, emit: (DecodedRecord) throws -> Void) throws {
        if let record = try assembler.record(bytes, fields: fields, line: recordLine) { try emit(record) }
    }
}
