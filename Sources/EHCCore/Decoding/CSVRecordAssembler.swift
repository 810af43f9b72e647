/// Where one field lies in a CSV record as written, offsets counted from the record's first byte.
///
/// The scanner only marks fields; the bytes stay where they are until the record is complete.
struct CSVFieldSpan {
    /// The first byte after leading padding, or after the opening quote.
    var start: Int
    /// The delimiter or line break that ends the field.
    var end: Int
    /// The closing quote of a quoted field, or -1 for an unquoted field.
    var closingQuote: Int
    /// The quoted content holds `""` pairs to collapse.
    var hasEscapedQuotes: Bool
}

/// Turns one complete CSV record, its bytes as written plus the spans the scanner marked, into
/// what `CSVDecoder` hands on: the header first, then rows and bad rows checked against it.
///
/// This is where the record is validated (once: NUL bytes, and UTF-8 when declared) and where
/// each field becomes a `String`, once, without a second validation.
struct CSVRecordAssembler {
    private let encoding: TextEncoding
    private let trimsSpaces: Bool
    private let trimsTabs: Bool
    /// The number of header names, once the header has been read.
    private var headerWidth: Int?
    /// Recognises rows already known from their bytes, when set.
    var rowFilter: CSVRowFilter?

    init(encoding: TextEncoding, delimiter: UInt8) {
        self.encoding = encoding
        trimsSpaces = delimiter != ASCII.space
        trimsTabs = delimiter != ASCII.tab
    }

    var hasHeader: Bool { headerWidth != nil }

    /// Padding that unquoted fields lose at both ends: spaces and tabs, unless one is the delimiter.
    func isPadding(_ byte: UInt8) -> Bool {
        (byte == ASCII.space && trimsSpaces) || (byte == ASCII.tab && trimsTabs)
    }

    /// The header, a row or a bad row; `nil` for a line of padding only, which is skipped.
    mutating func record(_ bytes: UnsafeBufferPointer<UInt8>, fields: [CSVFieldSpan], line: Int) throws -> DecodedRecord? {
        if fields.count == 1, fields[0].closingQuote < 0, fields[0].start == fields[0].end { return nil }
        try validate(bytes, line: line)
        guard let width = headerWidth else {
            let names = strings(bytes, fields, count: fields.count).map(Self.trimmingPadding)
            var seen = Set<String>()
            for name in names where !name.isEmpty {
                if !seen.insert(name).inserted {
                    throw FileDecodingError(line: line, message: "duplicate column \"\(name)\" in the header")
                }
            }
            headerWidth = names.count
            return .header(line: line, names: names)
        }
        let count = fields.count
        if count == width || (count > width && fields[width...].allSatisfy { isBlank(bytes, $0) }) {
            if let filter = rowFilter, let columns = filter.columns, filter.known.count > 0 {
                var hash = RowHash(seed: filter.seed)
                for column in columns { combine(bytes, fields[column], into: &hash) }
                if filter.known.contains(hash.signed) { return .known(line: line) }
            }
            return .row(line: line, fields: strings(bytes, fields, count: width))
        }
        return .bad(line: line, message: "expected \(width) fields, found \(count)")
    }

    /// Rejects the file when the record holds a NUL byte (naming UTF-16 when the file starts
    /// with its byte order mark), or is not valid UTF-8 when UTF-8 is declared: once per
    /// record, so that each field can then be decoded without checks.
    private func validate(_ bytes: UnsafeBufferPointer<UInt8>, line: Int) throws {
        if let nul = Self.firstNUL(bytes) {
            // Excel's "Unicode Text" is UTF-16: say so rather than "not a text file".
            if headerWidth == nil, bytes.count >= 2, (bytes[0], bytes[1]) == (0xFF, 0xFE) || (bytes[0], bytes[1]) == (0xFE, 0xFF) {
                throw FileDecodingError(line: 1, message: "is UTF-16 (it starts with a UTF-16 byte order mark): save it as UTF-8")
            }
            throw FileDecodingError(
                line: line + TextEncoding.lineBreaks(in: bytes, before: nul),
                message: "contains a NUL byte: not a text file")
        }
        if encoding == .utf8, let bad = TextEncoding.firstInvalidUTF8Offset(bytes) {
            throw FileDecodingError(
                line: line + TextEncoding.lineBreaks(in: bytes, before: bad),
                message: "not valid UTF-8 (declared encoding \(encoding.rawValue))")
        }
    }

    /// The first `count` fields as strings, each built once from its bytes.
    private func strings(_ bytes: UnsafeBufferPointer<UInt8>, _ fields: [CSVFieldSpan], count: Int) -> [String] {
        var result: [String] = []
        result.reserveCapacity(count)
        for index in 0..<count {
            result.append(string(bytes, fields[index]))
        }
        return result
    }

    /// A field's text: an unquoted field without trailing padding, or a quoted field's content
    /// with `""` collapsed, followed by any text after the closing quote (its trailing padding
    /// dropped).
    private func string(_ bytes: UnsafeBufferPointer<UInt8>, _ field: CSVFieldSpan) -> String {
        withContent(bytes, field) { encoding.string(validated: $0) }
    }

    /// Adds a field's text to `hash` as `string(_:_:)` would make it, without making it:
    /// its bytes are the string's UTF-8 unless they are non-ASCII in a single-byte
    /// encoding, which alone is made into a string first.
    private func combine(_ bytes: UnsafeBufferPointer<UInt8>, _ field: CSVFieldSpan, into hash: inout RowHash) {
        withContent(bytes, field) { text in
            if encoding == .utf8 || TextEncoding.isASCII(text) {
                hash.combine(bytes: text)
            } else {
                hash.combine(encoding.string(validated: text))
            }
        }
    }

    /// Hands `body` the bytes of a field's text in the file's encoding: in place when
    /// nothing collapses, else a scratch copy with `""` collapsed and the text after the
    /// closing quote appended.
    private func withContent<R>(_ bytes: UnsafeBufferPointer<UInt8>, _ field: CSVFieldSpan,
                                _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let isQuoted = field.closingQuote >= 0
        let floor = isQuoted ? field.closingQuote + 1 : field.start
        var end = field.end
        while end > floor, isPadding(bytes[end - 1]) { end -= 1 }
        if !isQuoted { return body(UnsafeBufferPointer(rebasing: bytes[field.start..<end])) }
        if !field.hasEscapedQuotes, end == floor {
            return body(UnsafeBufferPointer(rebasing: bytes[field.start..<field.closingQuote]))
        }
        var text: [UInt8] = []
        text.reserveCapacity(end - field.start)
        var k = field.start
        while k < field.closingQuote {
            text.append(bytes[k])
            k += bytes[k] == ASCII.quote ? 2 : 1  // the content's only quotes are `""` pairs
        }
        text.append(contentsOf: bytes[floor..<end])
        return text.withUnsafeBufferPointer(body)
    }

    /// Empty, or spaces and tabs only (a quoted `" "` counts: an extra field holds no data).
    private func isBlank(_ bytes: UnsafeBufferPointer<UInt8>, _ field: CSVFieldSpan) -> Bool {
        let isSpace: (UInt8) -> Bool = { $0 == ASCII.space || $0 == ASCII.tab }
        if field.closingQuote < 0 { return bytes[field.start..<field.end].allSatisfy(isSpace) }
        return bytes[field.start..<field.closingQuote].allSatisfy(isSpace)
            && bytes[(field.closingQuote + 1)..<field.end].allSatisfy(isSpace)
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
