import EHCCore

/// The CSV fuzz target: one input is a delimiter byte, a chunk-size byte, then a file.
///
/// The file is decoded in each of the three encodings, whole and in chunks, and each row
/// goes on through the path a folder feed takes: the header becomes a `CSVLayout`, each row
/// an observation (validation of every canonical field), and a second pass with a
/// `CSVRowFilter` that knows every row must recognise each one from its bytes alone.
public enum CSVFuzzTarget {
    /// A provider mapping needs no column (any header maps), so every input reaches the
    /// field checks; the date pattern and value map exercise the optional paths.
    static let mapping = RecordMapping(
        role: .provider,
        values: [.status: ["Sent": "requested"], .service: ["EP": "educational_psychology"]],
        datePattern: DatePattern("dd/MM/yyyy")
    )

    /// The properties `bytes` breaks, in words; empty when the code behaved.
    public static func check(_ input: UnsafeBufferPointer<UInt8>) -> [String] {
        guard input.count >= 2 else { return [] }
        let delimiter = Self.delimiter(input[0])
        let chunkSize = Int(input[1] % 64) + 1
        let file = UnsafeBufferPointer(rebasing: input[2...])
        let lineCount = FuzzDecoding.lineCount(file)
        var broken: [String] = []
        for encoding in TextEncoding.allCases {
            let name = "csv \(encoding.rawValue) delimiter \(delimiter)"
            let decoder = CSVDecoder(delimiter: delimiter, encoding: encoding, maxRecordBytes: 1 << 12)
            let outcome = FuzzDecoding.decodeBothWays(decoder, file, chunkSize: chunkSize, name: name, broken: &broken)
            FuzzDecoding.checkLines(outcome, lineCount: lineCount, name: name, broken: &broken)
            checkRecordOrder(outcome, name: name, broken: &broken)
            let known = mapRows(outcome, name: name, broken: &broken)
            checkRowFilter(file, delimiter: delimiter, encoding: encoding, chunkSize: chunkSize,
                           unfiltered: outcome, known: known, name: name, broken: &broken)
        }
        return broken
    }

    /// Any ASCII byte but a quote or a line break may be a delimiter (`CSVDecoder.init`);
    /// anything else falls back to the common ones.
    static func delimiter(_ byte: UInt8) -> UInt8 {
        let forbidden: Set<UInt8> = [UInt8(ascii: "\""), UInt8(ascii: "\n"), UInt8(ascii: "\r"), 0]
        if byte < 0x80, !forbidden.contains(byte) { return byte }
        return [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t"), UInt8(ascii: "|")][Int(byte % 4)]
    }

    /// One header, first, then rows; lines never go backwards.
    static func checkRecordOrder(_ outcome: FuzzDecodeOutcome, name: String, broken: inout [String]) {
        var lastLine = 0
        var width: Int?
        for (index, record) in outcome.records.enumerated() {
            switch record {
            case .header(let line, let names):
                if index != 0 { broken.append("\(name): a header at record \(index)") }
                width = names.count
                lastLine = line
            case .row(let line, let fields):
                if fields.count != width { broken.append("\(name): row on line \(line) has \(fields.count) fields, header \(width ?? -1)") }
                if line <= lastLine { broken.append("\(name): row on line \(line) after line \(lastLine)") }
                lastLine = line
            case .bad(let line, _), .known(let line):
                if line <= lastLine { broken.append("\(name): record on line \(line) after line \(lastLine)") }
                lastLine = line
            case .object:
                broken.append("\(name): a CSV decoder emitted a JSON object")
            }
        }
    }

    /// Maps every row to an observation, as a folder feed does; returns the hashes of the rows.
    static func mapRows(_ outcome: FuzzDecodeOutcome, name: String, broken: inout [String]) -> RowHashSet {
        var known = RowHashSet(capacity: outcome.records.count)
        guard case .header(_, let names)? = outcome.records.first,
              let layout = try? CSVLayout(header: names, mapping: mapping) else { return known }
        for case .row(let line, let fields) in outcome.records {
            known.insert(layout.rawHash(fields, seed: 7))
            _ = layout.rawRequestID(fields)
            switch layout.observation(fields, line: line, mapping: mapping) {
            case .success(let observation):
                if observation.line != line { broken.append("\(name): observation of line \(line) says line \(observation.line)") }
                FuzzObservation.check(observation, name: name, broken: &broken)
            case .failure(let error):
                if error.line != line { broken.append("\(name): error of line \(line) says line \(error.line)") }
            }
        }
        return known
    }

    /// Decodes again with a row filter that knows every row: each row must come out as
    /// `.known` on its line, everything else unchanged (the byte hash and the string hash agree).
    static func checkRowFilter(_ file: UnsafeBufferPointer<UInt8>, delimiter: UInt8, encoding: TextEncoding, chunkSize: Int,
                               unfiltered: FuzzDecodeOutcome, known: RowHashSet, name: String, broken: inout [String]) {
        guard known.count > 0, case .header(_, let names)? = unfiltered.records.first,
              let layout = try? CSVLayout(header: names, mapping: mapping) else { return }
        let filter = CSVRowFilter(seed: 7, known: known)
        let decoder = CSVDecoder(delimiter: delimiter, encoding: encoding, maxRecordBytes: 1 << 12, rowFilter: filter)
        let filtered = FuzzDecoding.decode(decoder, file, chunkSize: chunkSize, broken: &broken) { record in
            if case .header = record { filter.columns = layout.slots.map(\.index) }
        }
        let expected = unfiltered.records.map { record -> DecodedRecord in
            if case .row(let line, _) = record { return .known(line: line) }
            return record
        }
        if filtered.records != expected || filtered.error != unfiltered.error {
            broken.append("\(name): with a row filter of every row, \(FuzzDecoding.describe(filtered)); expected every row known")
        }
    }
}
