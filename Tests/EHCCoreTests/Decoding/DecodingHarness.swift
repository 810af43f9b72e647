import Testing
@testable import EHCCore

/// Everything a decoder produced for one file: the records in order, then the whole-file fault, if any.
struct DecodeOutcome: Equatable, CustomStringConvertible {
    var records: [DecodedRecord]
    var error: FileDecodingError?

    var description: String { "\(records) error: \(error.map(String.init(describing:)) ?? "none")" }
}

/// Feeds `bytes` to a fresh copy of `decoder` in chunks of `chunkSize` bytes, then finishes.
func decode(_ decoder: some RecordDecoder, _ bytes: [UInt8], chunkSize: Int) -> DecodeOutcome {
    var decoder = decoder
    var records: [DecodedRecord] = []
    do {
        try bytes.withUnsafeBytes { raw in
            var start = 0
            while start < raw.count {
                let end = min(start + chunkSize, raw.count)
                try decoder.consume(UnsafeRawBufferPointer(rebasing: raw[start..<end])) { records.append($0) }
                start = end
            }
        }
        try decoder.finish { records.append($0) }
        return DecodeOutcome(records: records, error: nil)
    } catch let error as FileDecodingError {
        return DecodeOutcome(records: records, error: error)
    } catch {
        Issue.record("unexpected error \(error)")
        return DecodeOutcome(records: records, error: nil)
    }
}

/// Decodes the file as one chunk, then byte by byte and in a few odd chunk sizes, expects the
/// same outcome every time (chunking must never change what comes out), and returns it.
func decodeEveryWay(_ decoder: some RecordDecoder, _ bytes: [UInt8],
                    sourceLocation: SourceLocation = #_sourceLocation) -> DecodeOutcome {
    let whole = decode(decoder, bytes, chunkSize: max(bytes.count, 1))
    for chunkSize in [1, 2, 3, 5, 64] {
        let chunked = decode(decoder, bytes, chunkSize: chunkSize)
        #expect(chunked == whole, "chunks of \(chunkSize) bytes", sourceLocation: sourceLocation)
    }
    return whole
}

func decodeEveryWay(_ decoder: some RecordDecoder, _ text: String,
                    sourceLocation: SourceLocation = #_sourceLocation) -> DecodeOutcome {
    decodeEveryWay(decoder, Array(text.utf8), sourceLocation: sourceLocation)
}

/// Thrown by a test's `emit` to check that the decoder passes it through untouched.
struct StopReading: Error, Equatable {}
