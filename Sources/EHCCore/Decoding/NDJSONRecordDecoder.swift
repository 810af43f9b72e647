/// Reads newline-delimited JSON: one object per line, LF or CRLF.
///
/// Unlike a JSON array, one broken line does not break the file: a line that is not valid JSON,
/// or valid JSON that is not an object, is a `.bad` record and the other lines still flow. Lines
/// that are empty or whitespace only are skipped, and a UTF-8 byte order mark at the start is
/// dropped. Whole-file faults (`FileDecodingError`): invalid UTF-8, and a line longer than
/// `maxRecordBytes`. Each line is decoded by `JSONObjectParser`, exactly as the JSON decoder
/// decodes an array element.
public struct NDJSONRecordDecoder: RecordDecoder {
    private let maxRecordBytes: Int
    private let maxDepth: Int

    private var byteOrderMark = ByteOrderMarkFilter()
    /// The start of a line whose end has not arrived yet.
    private var partialLine: [UInt8] = []
    /// The line number of the line being read.
    private var line = 1

    /// - Parameters:
    ///   - maxRecordBytes: the longest line accepted; bounds memory.
    ///   - maxDepth: the deepest nesting accepted inside one line, the record object being level 1.
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
        if !partialLine.isEmpty {
            try partialLine.withUnsafeBufferPointer { try decodeLine($0, emit: emit) }
            partialLine.removeAll()
        }
    }

    /// Cuts the piece at LF bytes. A line wholly inside the piece is decoded in place; only the
    /// start of a line that continues in the next chunk is copied.
    private mutating func scan(_ piece: UnsafeRawBufferPointer, emit: (DecodedRecord) throws -> Void) throws {
        let bytes = piece.assumingMemoryBound(to: UInt8.self)
        var lineStart = 0
        var i = 0
        while i < bytes.count {
            guard bytes[i] == ASCII.lf else { i += 1; continue }
            let tail = UnsafeBufferPointer(rebasing: bytes[lineStart..<i])
            if partialLine.isEmpty {
                try decodeLine(tail, emit: emit)
            } else {
                try checkLength(partialLine.count + tail.count)
                partialLine.append(contentsOf: tail)
                try partialLine.withUnsafeBufferPointer { try decodeLine($0, emit: emit) }
                partialLine.removeAll(keepingCapacity: true)
            }
            line += 1
            i += 1
            lineStart = i
        }
        let rest = UnsafeBufferPointer(rebasing: bytes[lineStart...])
        try checkLength(partialLine.count + rest.count)
        partialLine.append(contentsOf: rest)
    }

    private func checkLength(_ count: Int) throws {
        if count > maxRecordBytes {
            throw FileDecodingError(line: line, message: "line is longer than \(maxRecordBytes) bytes")
        }
    }

    /// One complete line, without its LF.
    private func decodeLine(_ bytes: UnsafeBufferPointer<UInt8>, emit: (DecodedRecord) throws -> Void) throws {
        try checkLength(bytes.count)
        guard bytes.contains(where: { $0 != ASCII.space && $0 != ASCII.tab && $0 != ASCII.cr }) else { return }
        switch try JSONObjectParser.decodeRecord(bytes, line: line, maxDepth: maxDepth) {
        case .record(let record): try emit(record)
        case .syntaxError(_, let message): try emit(.bad(line: line, message: "not valid JSON: \(message)"))
        }
    }
}
