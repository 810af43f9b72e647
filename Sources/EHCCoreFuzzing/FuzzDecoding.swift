import EHCCore

/// Everything a decoder produced for one input: the records in order, then the whole-file
/// fault that stopped it, if any. Two runs over the same bytes must give equal outcomes.
public struct FuzzDecodeOutcome: Equatable, Sendable {
    public var records: [DecodedRecord]
    public var error: FileDecodingError?
}

/// Feeds decoders the way the feeds do (chunks, then `finish`), for the fuzz targets.
enum FuzzDecoding {
    /// Feeds `bytes` to a fresh copy of `decoder` in chunks of `chunkSize` bytes, then finishes.
    /// A thrown error other than `FileDecodingError` is a broken contract, reported in `broken`.
    static func decode(_ decoder: some RecordDecoder, _ bytes: UnsafeBufferPointer<UInt8>, chunkSize: Int,
                       broken: inout [String], onRecord: (DecodedRecord) -> Void = { _ in }) -> FuzzDecodeOutcome {
        var decoder = decoder
        var records: [DecodedRecord] = []
        func emit(_ record: DecodedRecord) {
            records.append(record)
            onRecord(record)
        }
        do {
            var start = 0
            while start < bytes.count {
                let end = min(start + max(chunkSize, 1), bytes.count)
                try decoder.consume(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start..<end])), emit: emit)
                start = end
            }
            try decoder.finish(emit: emit)
            return FuzzDecodeOutcome(records: records, error: nil)
        } catch let error as FileDecodingError {
            return FuzzDecodeOutcome(records: records, error: error)
        } catch {
            broken.append("decoder threw \(error), not a FileDecodingError")
            return FuzzDecodeOutcome(records: records, error: nil)
        }
    }

    /// Decodes whole and in chunks of `chunkSize`: chunking must never change what comes out.
    static func decodeBothWays(_ decoder: some RecordDecoder, _ bytes: UnsafeBufferPointer<UInt8>, chunkSize: Int,
                               name: String, broken: inout [String]) -> FuzzDecodeOutcome {
        let whole = decode(decoder, bytes, chunkSize: max(bytes.count, 1), broken: &broken)
        let chunked = decode(decoder, bytes, chunkSize: chunkSize, broken: &broken)
        if chunked != whole {
            broken.append("\(name): chunks of \(chunkSize) bytes gave \(describe(chunked)), whole gave \(describe(whole))")
        }
        return whole
    }

    /// Every line a record or an error names must lie within the input.
    static func checkLines(_ outcome: FuzzDecodeOutcome, lineCount: Int, name: String, broken: inout [String]) {
        for record in outcome.records {
            let line: Int
            switch record {
            case .header(let l, _), .row(let l, _), .object(let l, _), .bad(let l, _), .known(let l): line = l
            }
            if !(1...lineCount).contains(line) { broken.append("\(name): record on line \(line) of \(lineCount)") }
        }
        if let line = outcome.error?.line, !(1...lineCount).contains(line) {
            broken.append("\(name): error on line \(line) of \(lineCount): \(outcome.error!.message)")
        }
    }

    /// The lines a text editor shows: line breaks are CRLF, LF or a lone CR, and the text
    /// after the last break (even when empty) is a line.
    static func lineCount(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        TextEncoding.lineBreaks(in: bytes, before: bytes.count) + 1
    }

    static func describe(_ outcome: FuzzDecodeOutcome) -> String {
        "\(outcome.records.count) records (\(outcome.records.prefix(3))…), error: \(outcome.error.map(String.init(describing:)) ?? "none")"
    }
}
