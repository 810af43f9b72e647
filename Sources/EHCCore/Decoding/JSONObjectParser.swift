/// Parses one complete JSON value, a record candidate, into what a record needs: the JSON and
/// NDJSON decoders both hand each record's bytes here, so the two read objects the same way.
///
/// A small parser of its own rather than JSONSerialization, because numbers must come out as
/// written (`9434765919`, `1.50`, `1e3`) and JSONSerialization goes through NSNumber. It is a
/// strict RFC 8259 parser: number grammar, string escapes (a `\u` surrogate must be paired),
/// no raw control characters in strings, no trailing commas. Nested arrays and objects are
/// checked for syntax and skipped, and only their kind is kept.
struct JSONObjectParser {
    /// A syntax fault at a byte offset in the record's bytes.
    struct SyntaxError: Error {
        var offset: Int
        var message: String
    }

    /// What one top-level value turned out to be.
    enum Value {
        case object([String: JSONFieldValue])
        case string(String)
        /// Any other kind, as a phrase for a message: "a JSON number", "JSON null".
        case other(String)
    }

    /// The outcome of decoding one record: a record to emit (an object, or `.bad` for a valid
    /// value that is not an object), or a syntax error that the caller weighs: a whole-file
    /// fault inside a JSON array, one bad line in NDJSON.
    enum Outcome {
        case record(DecodedRecord)
        case syntaxError(line: Int, message: String)
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private let maxDepth: Int
    private var i = 0

    private init(_ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    /// Decodes the bytes of one record that starts on `line`. Invalid UTF-8 is a whole-file fault
    /// (RFC 8259 text is UTF-8), thrown as `FileDecodingError`; anything else is an `Outcome`.
    static func decodeRecord(_ bytes: UnsafeBufferPointer<UInt8>, line: Int, maxDepth: Int) throws(FileDecodingError) -> Outcome {
        if let bad = TextEncoding.firstInvalidUTF8Offset(bytes) {
            throw FileDecodingError(line: line + lineFeeds(bytes, before: bad), message: "not valid UTF-8 (JSON must be UTF-8)")
        }
        do throws(SyntaxError) {
            switch try parse(bytes, maxDepth: maxDepth) {
            case .object(let fields): return .record(.object(line: line, fields: fields))
            case .string: return .record(.bad(line: line, message: "record is a JSON string, not an object"))
            case .other(let kind): return .record(.bad(line: line, message: "record is \(kind), not an object"))
            }
        } catch {
            return .syntaxError(line: line + lineFeeds(bytes, before: error.offset), message: error.message)
        }
    }

    /// Parses exactly one JSON value, with only whitespace around it. The bytes must be valid UTF-8.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) throws(SyntaxError) -> Value {
        var parser = JSONObjectParser(bytes, maxDepth: maxDepth)
        return try parser.parseWhole()
    }

    /// The number of LF bytes before `offset`: JSON lines end in LF (or CRLF).
    static func lineFeeds(_ bytes: UnsafeBufferPointer<UInt8>, before offset: Int) -> Int {
        var count = 0
        for byte in bytes[0..<min(offset, bytes.count)] where byte == ASCII.lf { count += 1 }
        return count
    }

    /// The byte, named for an error message: `"<"`, or `0xC3` when it is not printable ASCII.
    static func describe(_ byte: UInt8) -> String {
        if byte > 0x20, byte < 0x7F { return "\"\(Character(Unicode.Scalar(byte)))\"" }
        let hex = String(byte, radix: 16, uppercase: true)
        return "byte 0x\(hex.count == 1 ? "0" : "")\(hex)"
    }

    // MARK: - Values

    private mutating func parseWhole() throws(SyntaxError) -> Value {
        skipWhitespace()
        guard i < bytes.count else { throw SyntaxError(offset: i, message: "no JSON value") }
        let value: Value
        switch bytes[i] {
        case UInt8(ascii: "{"): value = .object(try parseObject(depth: 1))
        case UInt8(ascii: "["): try skipArray(depth: 1); value = .other("a JSON array")
        case ASCII.quote: value = .string(try parseString())
        case UInt8(ascii: "t"), UInt8(ascii: "f"): _ = try parseBool(); value = .other("a JSON boolean")
        case UInt8(ascii: "n"): try parseNull(); value = .other("JSON null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): _ = try parseNumber(); value = .other("a JSON number")
        default: throw unexpected()
        }
        skipWhitespace()
        guard i == bytes.count else { throw SyntaxError(offset: i, message: "unexpected \(Self.describe(bytes[i])) after the value") }
        return value
    }

    private mutating func parseObject(depth: Int) throws(SyntaxError) -> [String: JSONFieldValue] {
        try enter(depth)
        var fields: [String: JSONFieldValue] = [:]
        try forEachMember { (parser: inout JSONObjectParser, key: String) throws(SyntaxError) in
            fields[key] = try parser.parseFieldValue(depth: depth)  // a repeated key: the last one wins
        }
        return fields
    }

    private mutating func parseFieldValue(depth: Int) throws(SyntaxError) -> JSONFieldValue {
        guard i < bytes.count else { throw truncated() }
        switch bytes[i] {
        case ASCII.quote: return .text(try parseString())
        case UInt8(ascii: "{"): try skipObject(depth: depth + 1); return .nested("object")
        case UInt8(ascii: "["): try skipArray(depth: depth + 1); return .nested("array")
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool(try parseBool())
        case UInt8(ascii: "n"): try parseNull(); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .text(try parseNumber())
        default: throw unexpected()
        }
    }

    /// Checks the syntax of any value inside a nested array or object, keeping nothing.
    private mutating func skipValue(depth: Int) throws(SyntaxError) {
        _ = try parseFieldValue(depth: depth)
    }

    private mutating func skipObject(depth: Int) throws(SyntaxError) {
        try enter(depth)
        try forEachMember { (parser: inout JSONObjectParser, _: String) throws(SyntaxError) in
            try parser.skipValue(depth: depth)
        }
    }

    private mutating func skipArray(depth: Int) throws(SyntaxError) {
        try enter(depth)
        i += 1  // [
        skipWhitespace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return }
        while true {
            skipWhitespace()
            try skipValue(depth: depth)
            skipWhitespace()
            guard i < bytes.count else { throw truncated() }
            switch bytes[i] {
            case UInt8(ascii: ","): i += 1
            case UInt8(ascii: "]"): i += 1; return
            default: throw expected("\",\" or \"]\"")
            }
        }
    }

    /// Walks `{ "key": value, … }`, calling `member` with the parser positioned at each value.
    private mutating func forEachMember(
        _ member: (inout JSONObjectParser, String) throws(SyntaxError) -> Void
    ) throws(SyntaxError) {
        i += 1  // {
        skipWhitespace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return }
        while true {
            skipWhitespace()
            guard i < bytes.count else { throw truncated() }
            guard bytes[i] == ASCII.quote else { throw expected("a key in double quotes") }
            let key = try parseString()
            skipWhitespace()
            guard i < bytes.count else { throw truncated() }
            guard bytes[i] == UInt8(ascii: ":") else { throw expected("\":\" after the key") }
            i += 1
            skipWhitespace()
            try member(&self, key)
            skipWhitespace()
            guard i < bytes.count else { throw truncated() }
            switch bytes[i] {
            case UInt8(ascii: ","): i += 1
            case UInt8(ascii: "}"): i += 1; return
            default: throw expected("\",\" or \"}\"")
            }
        }
    }

    private func enter(_ depth: Int) throws(SyntaxError) {
        if depth > maxDepth { throw SyntaxError(offset: i, message: "nesting deeper than \(maxDepth) levels") }
    }

    // MARK: - Scalars

    private mutating func parseString() throws(SyntaxError) -> String {
        i += 1  // opening quote
        let start = i
        while i < bytes.count {
            let byte = bytes[i]
            if byte == ASCII.quote {
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
                i += 1
                return text
            }
            if byte == ASCII.backslash { return try parseEscapedString(from: start) }
            if byte < 0x20 { throw SyntaxError(offset: i, message: "control character \(Self.describe(byte)) inside a string") }
            i += 1
        }
        throw truncated()
    }

    /// The slow path, once a backslash is seen: the string is rebuilt byte by byte.
    private mutating func parseEscapedString(from start: Int) throws(SyntaxError) -> String {
        var out = Array(bytes[start..<i])
        while i < bytes.count {
            let byte = bytes[i]
            switch byte {
            case ASCII.quote:
                i += 1
                return String(decoding: out, as: UTF8.self)
            case ASCII.backslash:
                i += 1
                guard i < bytes.count else { throw truncated() }
                let escape = bytes[i]
                i += 1
                switch escape {
                case ASCII.quote, ASCII.backslash, UInt8(ascii: "/"): out.append(escape)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"): UTF8.encode(try parseUnicodeEscape()) { out.append($0) }
                default: throw SyntaxError(offset: i - 1, message: "invalid escape \"\\\(Character(Unicode.Scalar(escape)))\"")
                }
            case 0x00..<0x20:
                throw SyntaxError(offset: i, message: "control character \(Self.describe(byte)) inside a string")
            default:
                out.append(byte)
                i += 1
            }
        }
        throw truncated()
    }

    /// After `\u`: four hex digits, and for a high surrogate the `\uDC00`–`\uDFFF` that must follow.
    private mutating func parseUnicodeEscape() throws(SyntaxError) -> Unicode.Scalar {
        let escapeStart = i - 2
        let first = try parseHex4()
        var value = first
        if (0xD800...0xDBFF).contains(first) {
            guard i + 1 < bytes.count, bytes[i] == ASCII.backslash, bytes[i + 1] == UInt8(ascii: "u") else {
                throw SyntaxError(offset: escapeStart, message: "unpaired surrogate in a \\u escape")
            }
            i += 2
            let second = try parseHex4()
            guard (0xDC00...0xDFFF).contains(second) else {
                throw SyntaxError(offset: escapeStart, message: "unpaired surrogate in a \\u escape")
            }
            value = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
        }
        guard let scalar = Unicode.Scalar(value) else {
            throw SyntaxError(offset: escapeStart, message: "unpaired surrogate in a \\u escape")
        }
        return scalar
    }

    private mutating func parseHex4() throws(SyntaxError) -> UInt32 {
        guard i + 4 <= bytes.count else { throw truncated() }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[i]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw SyntaxError(offset: i, message: "invalid hex digit \(Self.describe(byte)) in a \\u escape")
            }
            value = value << 4 | UInt32(digit)
            i += 1
        }
        return value
    }

    /// A number, checked against RFC 8259's grammar and returned exactly as written.
    private mutating func parseNumber() throws(SyntaxError) -> String {
        let start = i
        if bytes[i] == UInt8(ascii: "-") { i += 1 }
        guard isDigit() else { throw invalidNumber(start) }
        if bytes[i] == UInt8(ascii: "0") { i += 1 } else { skipDigits() }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard isDigit() else { throw invalidNumber(start) }
            skipDigits()
        }
        if i < bytes.count, bytes[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard isDigit() else { throw invalidNumber(start) }
            skipDigits()
        }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
    }

    private func isDigit() -> Bool {
        i < bytes.count && bytes[i] >= UInt8(ascii: "0") && bytes[i] <= UInt8(ascii: "9")
    }

    private mutating func skipDigits() {
        while isDigit() { i += 1 }
    }

    private func invalidNumber(_ start: Int) -> SyntaxError {
        SyntaxError(offset: start, message: "invalid number")
    }

    private mutating func parseBool() throws(SyntaxError) -> Bool {
        if try matchLiteral("true") { return true }
        if try matchLiteral("false") { return false }
        throw unexpected()
    }

    private mutating func parseNull() throws(SyntaxError) {
        guard try matchLiteral("null") else { throw unexpected() }
    }

    private mutating func matchLiteral(_ literal: StaticString) throws(SyntaxError) -> Bool {
        let count = literal.utf8CodeUnitCount
        let text = UnsafeBufferPointer(start: literal.utf8Start, count: count)
        var k = 0
        while k < count, i + k < bytes.count, bytes[i + k] == text[k] { k += 1 }
        if k == count { i += count; return true }
        if i + k == bytes.count, k > 0 { throw truncated() }
        return false
    }

    private mutating func skipWhitespace() {
        while i < bytes.count {
            switch bytes[i] {
            case ASCII.space, ASCII.tab, ASCII.lf, ASCII.cr: i += 1
            default: return
            }
        }
    }

    // MARK: - Errors

    private func unexpected() -> SyntaxError {
        guard i < bytes.count else { return truncated() }
        return SyntaxError(offset: i, message: "unexpected \(Self.describe(bytes[i]))")
    }

    private func expected(_ what: String) -> SyntaxError {
        guard i < bytes.count else { return truncated() }
        return SyntaxError(offset: i, message: "expected \(what), found \(Self.describe(bytes[i]))")
    }

    private func truncated() -> SyntaxError {
        SyntaxError(offset: bytes.count, message: "the value ends too early")
    }
}
