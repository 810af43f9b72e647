import Testing
@testable import EHCCore

/// Random files, cut at random places: how a file is cut into chunks must never change what
/// comes out, records or error. Seeded, so a failure is reproducible.
@Suite struct ChunkingInvarianceTests {
    /// SplitMix64: a tiny deterministic generator, so the files are the same on every run.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Decodes in chunks of random sizes (1 to 40 bytes).
    private func decodeInRandomChunks(_ decoder: some RecordDecoder, _ bytes: [UInt8],
                                      using generator: inout SeededGenerator) -> DecodeOutcome {
        var decoder = decoder
        var records: [DecodedRecord] = []
        do {
            try bytes.withUnsafeBytes { raw in
                var start = 0
                while start < raw.count {
                    let end = min(start + Int.random(in: 1...40, using: &generator), raw.count)
                    try decoder.consume(UnsafeRawBufferPointer(rebasing: raw[start..<end])) { records.append($0) }
                    start = end
                }
            }
            try decoder.finish { records.append($0) }
            return DecodeOutcome(records: records, error: nil)
        } catch {
            return DecodeOutcome(records: records, error: error as? FileDecodingError)
        }
    }

    private func randomFile(from pieces: [[UInt8]], count: Int, using generator: inout SeededGenerator) -> [UInt8] {
        (0..<count).flatMap { _ in pieces.randomElement(using: &generator)! }
    }

    @Test(arguments: TextEncoding.allCases)
    func csvOutcomeDoesNotDependOnChunkBoundaries(encoding: TextEncoding) {
        var generator = SeededGenerator(state: 42)
        let pieces: [[UInt8]] = ["a", "bc", " ", "\t", ",", ",", "\"", "\"\"", "\n", "\r\n", "\r", "x\"y", "é"]
            .map { Array($0.utf8) } + [[0xEF, 0xBB, 0xBF], [0x92]]
        for _ in 0..<400 {
            let file = Array("h1,h2,h3\n".utf8) + randomFile(from: pieces, count: Int.random(in: 0...60, using: &generator), using: &generator)
            let decoder = CSVDecoder(encoding: encoding, maxRecordBytes: 48)
            let whole = decode(decoder, file, chunkSize: max(file.count, 1))
            #expect(decodeInRandomChunks(decoder, file, using: &generator) == whole, "file \(file)")
        }
    }

    @Test func jsonOutcomeDoesNotDependOnChunkBoundaries() {
        var generator = SeededGenerator(state: 7)
        let pieces = ["{", "}", "[", "]", "\"a\"", "\"b\\\"]\"", ":", ",", ",", "1.5", " ", "\n", "null", "{\"k\": \"v\"}", "é"]
            .map { Array($0.utf8) }
        for _ in 0..<400 {
            let prefix = Bool.random(using: &generator) ? "[" : "{\"records\": ["
            let file = Array(prefix.utf8) + randomFile(from: pieces, count: Int.random(in: 0...30, using: &generator), using: &generator)
            let decoder = JSONRecordDecoder(maxRecordBytes: 40, maxDepth: 5)
            let whole = decode(decoder, file, chunkSize: max(file.count, 1))
            #expect(decodeInRandomChunks(decoder, file, using: &generator) == whole, "file \(String(decoding: file, as: UTF8.self))")
        }
    }

    @Test func ndjsonOutcomeDoesNotDependOnChunkBoundaries() {
        var generator = SeededGenerator(state: 9)
        let pieces = ["{\"a\": 1}", "{\"b\": [\"x\"]}", "[]", "{", "\n", "\r\n", " ", "\"s\"", "é"].map { Array($0.utf8) } + [[0xFF]]
        for _ in 0..<400 {
            let file = randomFile(from: pieces, count: Int.random(in: 0...30, using: &generator), using: &generator)
            let decoder = NDJSONRecordDecoder(maxRecordBytes: 40)
            let whole = decode(decoder, file, chunkSize: max(file.count, 1))
            #expect(decodeInRandomChunks(decoder, file, using: &generator) == whole, "file \(file)")
        }
    }
}
