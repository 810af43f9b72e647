/// Reads a JSON feed body, `[ {…}, {…} ]` or `{"records": [ … ], "next": "…"}`, one record at
/// a time, without holding the file.
///
/// A byte-level scanner follows the outer structure (the top-level array, or the top-level
/// object's keys) and cuts out each value whole, tracking strings, escapes, nesting depth and
/// lines; each record's bytes then go to `JSONObjectParser`, which checks them strictly and keeps
/// numbers as written. Top-level keys other than `records` and `next` are checked and skipped.
///
/// Whole-file faults (`FileDecodingError`): not JSON (an HTML error page), a top-level value that
/// is neither an array nor an object, an object without a `records` array (or with two), invalid
/// UTF-8, a syntax error anywhere (inside one record too: the array around it is then broken),
/// the file ending inside the structure, nesting deeper than `maxDepth` (counted from the
/// top-level value, which is level 1), a value longer than `maxRecordBytes`, and anything but
/// whitespace after the top-level value. An element that is valid JSON but not an object is
/// only a `.bad` record. A UTF-8 byte order mark at the start is tolerated, as RFC 8259 allows.
public struct JSONRecordDecoder: RecordDecoder {
    /// Where the scanner is in the outer structure.
    private enum Phase: Equatable {
        case start
        case firstKeyOrEnd, key, colon, memberValue, memberCommaOrEnd
        case firstElementOrEnd, element, elementCommaOrEnd
        case capturing
        case end
    }

    /// What a value being cut out is for.
    private enum Target {
        case key, element, next, skipped
    }

    /// How the end of a value being cut out is found.
    private enum Shape {
        case container, string, scalar
    }

    /// The top-level `"next"` string (the URL of the next page), once it has been read.
    public private(set) var next: String?

    private let maxRecordBytes: Int
    private let maxDepth: Int

    private var byteOrderMark = ByteOrderMarkFilter()
    private var phase = Phase.start
    private var line = 1
    private var topLevelIsObject = false
    private var sawRecords = false
    /// The top-level key whose value comes next.
    private var key = ""

    // The value being cut out.
    private var buffer: [UInt8] = []
    private var target = Target.element
    private var shape = Shape.scalar
    private var valueLine = 1
    private var baseDepth = 1
    private var depth = 0
    private var inString = false
    private var escaped = false

    /// - Parameters:
    ///   - maxRecordBytes: the longest single record (or other top-level value) accepted; bounds memory.
    ///   - maxDepth: the deepest nesting accepted, the top-level array or object being level 1.
    public init(maxRecordBytes: Int = 1 << 20, maxDepth: Int = 32) {
        self.maxRecordBytes = maxRecordBytes
        self.maxDepth = maxDepth
    }

    public mutating func consume(_ chunk: UnsafeRawBufferPointer, emit: (DecodedRecord) throws -> Void) throws {
        let (replay, rest) = byteOrderMark.filter(chunk)
        if !replay.isEmpty { try replay.withUnsafeBytes { try scan($0, emit: emit) } }
        try scan(rest, emit: emit)
    }

    public mutating func finish(emit: (DecodedRecord) throws -> Void) throws {
        let replay = byteOrderMark.finish()
        if !replay.isEmpty { try replay.withUnsafeBytes { try scan($0, emit: emit) } }
        if phase == .capturing, shape == .scalar { try completeValue(emit: emit) }  // `[1` ends a scalar
        switch phase {
        case .end:
            return
        case .start:
            throw FileDecodingError(line: nil, message: "the file is empty: no JSON")
        default:
            let structure = topLevelIsObject ? "object" : "array"
            throw FileDecodingError(line: line, message: "truncated JSON: the file ends before the top-level \(structure) is closed")
        }
    }

    private mutating func scan(_ piece: UnsafeRawBufferPointer, emit: (DecodedRecord) throws -> Void) throws {
        let n = piece.count
        guard n > 0, let base = piece.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        var i = 0
        while i < n {
            if phase == .capturing {
                i = try capture(base, from: i, count: n, emit: emit)
                continue
            }
            let byte = base[i]
            if byte == ASCII.space || byte == ASCII.tab || byte == ASCII.cr || byte == ASCII.lf {
                if byte == ASCII.lf { line += 1 }
                i += 1
                continue
            }
            try step(byte, emit: emit)
            if phase != .capturing { i += 1 }  // a value starting here is cut out from this byte on
        }
    }

    /// One structural byte outside any value being cut out.
    private mutating func step(_ byte: UInt8, emit: (DecodedRecord) throws -> Void) throws {
        let openBrace = UInt8(ascii: "{"), closeBrace = UInt8(ascii: "}")
        let openBracket = UInt8(ascii: "["), closeBracket = UInt8(ascii: "]"), comma = UInt8(ascii: ",")
        switch phase {
        case .start:
            if byte == openBracket {
                phase = .firstElementOrEnd
            } else if byte == openBrace {
                topLevelIsObject = true
                phase = .firstKeyOrEnd
            } else {
                throw notJSON(byte)
            }
        case .firstKeyOrEnd where byte == closeBrace:
            try closeTopLevelObject()
        case .firstKeyOrEnd, .key:
            guard byte == ASCII.quote else { throw unexpected(byte, expecting: "a key in double quotes") }
            startValue(byte, target: .key)
        case .colon:
            guard byte == UInt8(ascii: ":") else { throw unexpected(byte, expecting: "\":\" after the key") }
            phase = .memberValue
        case .memberValue where key == "records":
            guard byte == openBracket else {
                throw FileDecodingError(line: line, message: "\"records\" is \(Self.kind(startingWith: byte)), not an array")
            }
            guard !sawRecords else { throw FileDecodingError(line: line, message: "the top-level object has two \"records\" keys") }
            sawRecords = true
            phase = .firstElementOrEnd
        case .memberValue:
            try checkValueStart(byte)
            startValue(byte, target: key == "next" ? .next : .skipped)
        case .memberCommaOrEnd:
            if byte == comma {
                phase = .key
            } else if byte == closeBrace {
                try closeTopLevelObject()
            } else {
                throw unexpected(byte, expecting: "\",\" or \"}\"")
            }
        case .firstElementOrEnd where byte == closeBracket:
            closeRecordsArray()
        case .firstElementOrEnd, .element:
            try checkValueStart(byte)
            startValue(byte, target: .element)
        case .elementCommaOrEnd:
            if byte == comma {
                phase = .element
            } else if byte == closeBracket {
                closeRecordsArray()
            } else {
                throw unexpected(byte, expecting: "\",\" or \"]\"")
            }
        case .end:
            throw FileDecodingError(line: line, message: "unexpected \(JSONObjectParser.describe(byte)) after the end of the JSON")
        case .capturing:
            preconditionFailure("values are cut out by capture(_:from:count:emit:)")
        }
    }

    private mutating func closeTopLevelObject() throws {
        guard sawRecords else { throw FileDecodingError(line: line, message: "the top-level object has no \"records\" array") }
        phase = .end
    }

    private mutating func closeRecordsArray() {
        phase = topLevelIsObject ? .memberCommaOrEnd : .end
    }

    /// A value may start here: anything else (`]` after a comma, `:`) is a syntax error now,
    /// not later.
    private func checkValueStart(_ byte: UInt8) throws {
        switch byte {
        case UInt8(ascii: "{"), UInt8(ascii: "["), ASCII.quote, UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            return
        default:
            throw unexpected(byte, expecting: "a value")
        }
    }

    private mutating func startValue(_ byte: UInt8, target: Target) {
        self.target = target
        buffer.removeAll(keepingCapacity: true)
        valueLine = line
        baseDepth = target == .element && topLevelIsObject ? 2 : 1
        depth = 0
        inString = false
        escaped = false
        switch byte {
        case UInt8(ascii: "{"), UInt8(ascii: "["): shape = .container
        case ASCII.quote: shape = .string
        default: shape = .scalar
        }
        phase = .capturing
    }

    /// Cuts out the value in progress from `base[start...]`; returns where scanning resumes.
    private mutating func capture(
        _ base: UnsafePointer<UInt8>, from start: Int, count n: Int, emit: (DecodedRecord) throws -> Void
    ) throws -> Int {
        var i = start
        var complete = false
        // The value may grow by `room` more bytes: checked byte by byte, so that an oversized
        // value fails at the same byte however the file is cut into chunks.
        let room = maxRecordBytes - buffer.count
        switch shape {
        case .scalar:
            while i < n {
                let byte = base[i]
                let isScalarByte = (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                    || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                    || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                    || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".")
                if !isScalarByte { complete = true; break }  // the delimiter is not part of the value
                if i - start == room { throw oversizeError() }
                i += 1
            }
        case .string, .container:
            let isString = shape == .string
            while i < n {
                if i - start == room { throw oversizeError() }
                let byte = base[i]
                i += 1
                if byte == ASCII.lf { line += 1 }
                if inString {
                    if escaped {
                        escaped = false
                    } else if byte == ASCII.backslash {
                        escaped = true
                    } else if byte == ASCII.quote {
                        inString = false
                        if isString { complete = true; break }
                    }
                } else if byte == ASCII.quote {
                    inString = true
                } else if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
                    depth += 1
                    if baseDepth + depth > maxDepth {
                        throw FileDecodingError(line: line, message: "nesting deeper than \(maxDepth) levels")
                    }
                } else if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") {
                    depth -= 1
                    if depth == 0 { complete = true; break }
                }
            }
        }
        buffer.append(contentsOf: UnsafeBufferPointer(start: base + start, count: i - start))
        if complete { try completeValue(emit: emit) }
        return i
    }

    private func oversizeError() -> FileDecodingError {
        let what = target == .element ? "record" : "value"
        return FileDecodingError(line: valueLine, message: "\(what) is longer than \(maxRecordBytes) bytes")
    }

    /// A whole value has been cut out: parse it and hand it on.
    private mutating func completeValue(emit: (DecodedRecord) throws -> Void) throws {
        let valueDepth = maxDepth - baseDepth
        let target = self.target
        switch target {
        case .element:
            phase = .elementCommaOrEnd
            let outcome = try buffer.withUnsafeBufferPointer { bytes in
                try JSONObjectParser.decodeRecord(bytes, line: valueLine, maxDepth: valueDepth)
            }
            switch outcome {
            case .record(let record): try emit(record)
            case .syntaxError(let line, let message): throw FileDecodingError(line: line, message: "not valid JSON: \(message)")
            }
        case .key, .next, .skipped:
            phase = target == .key ? .colon : .memberCommaOrEnd
            let value = try parseValue(maxDepth: valueDepth)
            switch (target, value) {
            case (.key, .string(let text)): key = text
            case (.next, .string(let text)): next = text
            default: break  // `"next": null`, or a top-level key this decoder has no use for
            }
        }
    }

    /// Checks and parses a top-level key or member value that is not a record.
    private func parseValue(maxDepth: Int) throws -> JSONObjectParser.Value {
        try buffer.withUnsafeBufferPointer { bytes in
            if let bad = TextEncoding.firstInvalidUTF8Offset(bytes) {
                throw FileDecodingError(
                    line: valueLine + JSONObjectParser.lineFeeds(bytes, before: bad), message: "not valid UTF-8 (JSON must be UTF-8)")
            }
            do throws(JSONObjectParser.SyntaxError) {
                return try JSONObjectParser.parse(bytes, maxDepth: maxDepth)
            } catch {
                throw FileDecodingError(
                    line: valueLine + JSONObjectParser.lineFeeds(bytes, before: error.offset),
                    message: "not valid JSON: \(error.message)")
            }
        }
    }

    private func notJSON(_ byte: UInt8) -> FileDecodingError {
        switch byte {
        case UInt8(ascii: "<"):
            FileDecodingError(line: line, message: "not JSON: the file starts with \"<\", like an HTML or XML page")
        case ASCII.quote, UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "t"), UInt8(ascii: "f"),
             UInt8(ascii: "n"):
            FileDecodingError(
                line: line,
                message: "the top-level JSON value is \(Self.kind(startingWith: byte)), not an array of records or an object with a \"records\" array")
        default:
            FileDecodingError(line: line, message: "not JSON: the file starts with \(JSONObjectParser.describe(byte))")
        }
    }

    private func unexpected(_ byte: UInt8, expecting what: String) -> FileDecodingError {
        FileDecodingError(line: line, message: "not valid JSON: expected \(what), found \(JSONObjectParser.describe(byte))")
    }

    /// The kind of JSON value that starts with `byte`, for a message.
    private static func kind(startingWith byte: UInt8) -> String {
        switch byte {
        case UInt8(ascii: "{"): "an object"
        case UInt8(ascii: "["): "an array"
        case ASCII.quote: "a string"
        case UInt8(ascii: "t"), UInt8(ascii: "f"): "a boolean"
        case UInt8(ascii: "n"): "null"
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): "a number"
        default: JSONObjectParser.describe(byte)
        }
    }
}
