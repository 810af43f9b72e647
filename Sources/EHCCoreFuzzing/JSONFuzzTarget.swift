import EHCCore

/// The JSON and NDJSON fuzz target: one input is a chunk-size byte, then a body.
///
/// The body is decoded as a JSON page and as NDJSON, whole and in chunks; each object goes
/// through the mapping an HTTP or folder feed applies (keys that are canonical field names),
/// and is written back as JSON and read again, which must give the same fields.
public enum JSONFuzzTarget {
    static let mapping = RecordMapping(role: .provider, values: [.status: ["Sent": "requested"]])

    /// The properties `bytes` breaks, in words; empty when the code behaved.
    public static func check(_ input: UnsafeBufferPointer<UInt8>) -> [String] {
        guard input.count >= 1 else { return [] }
        let chunkSize = Int(input[0] % 64) + 1
        let body = UnsafeBufferPointer(rebasing: input[1...])
        let lineCount = FuzzDecoding.lineCount(body)
        var broken: [String] = []
        // A small depth limit reaches the limit's own path; the default one, deep documents.
        let decoders: [(String, any RecordDecoder)] = [
            ("json", JSONRecordDecoder(maxRecordBytes: 1 << 12)),
            ("json depth 3", JSONRecordDecoder(maxRecordBytes: 1 << 12, maxDepth: 3)),
            ("ndjson", NDJSONRecordDecoder(maxRecordBytes: 1 << 12)),
            ("ndjson depth 2", NDJSONRecordDecoder(maxRecordBytes: 1 << 12, maxDepth: 2)),
        ]
        for (name, decoder) in decoders {
            let outcome = FuzzDecoding.decodeBothWays(decoder, body, chunkSize: chunkSize, name: name, broken: &broken)
            FuzzDecoding.checkLines(outcome, lineCount: lineCount, name: name, broken: &broken)
            for record in outcome.records {
                switch record {
                case .object(let line, let fields):
                    checkRoundTrip(fields, name: name, broken: &broken)
                    mapObject(fields, line: line, name: name, broken: &broken)
                case .header, .row, .known:
                    broken.append("\(name): a JSON decoder emitted a CSV record")
                case .bad:
                    break
                }
            }
        }
        return broken
    }

    /// The object written back as JSON (strings quoted, numbers as strings) reads as the same fields.
    static func checkRoundTrip(_ fields: [String: JSONFieldValue], name: String, broken: inout [String]) {
        var text = "{"
        for (key, value) in fields.sorted(by: { $0.key < $1.key }) {
            if text.count > 1 { text += "," }
            text += JSONText.quoted(key) + ":"
            switch value {
            case .text(let s): text += JSONText.quoted(s)
            case .null: text += "null"
            case .bool(let b): text += b ? "true" : "false"
            case .nested(let kind): text += kind == "array" ? "[]" : "{}"
            }
        }
        text += "}"
        var again: [String: JSONFieldValue]?
        var ndjson = NDJSONRecordDecoder(maxRecordBytes: 1 << 20)
        var problems: [String] = []
        do {
            try Array(text.utf8).withUnsafeBytes { raw in
                try ndjson.consume(raw) { record in
                    if case .object(_, let f) = record { again = f } else { problems.append("\(record)") }
                }
            }
            try ndjson.finish { record in
                if case .object(_, let f) = record { again = f } else { problems.append("\(record)") }
            }
        } catch {
            problems.append("\(error)")
        }
        if again != fields { broken.append("\(name): \(fields) written as \(text) reads back as \(again.map { "\($0)" } ?? "nothing") \(problems)") }
    }

    /// Maps the object the way a feed without a column mapping does.
    static func mapObject(_ fields: [String: JSONFieldValue], line: Int, name: String, broken: inout [String]) {
        var pairs: [(CanonicalField, String, column: String)] = []
        for key in fields.keys.sorted() {
            guard let field = CanonicalField(rawValue: key), case .text(let text)? = fields[key] else { continue }
            pairs.append((field, text, column: key))
        }
        switch mapping.observation(line: line, pairs: pairs) {
        case .success(let observation): FuzzObservation.check(observation, name: name, broken: &broken)
        case .failure(let error):
            if error.line != line { broken.append("\(name): error of line \(line) says line \(error.line)") }
        }
    }
}
