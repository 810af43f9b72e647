import EHCCore
import Foundation

/// Turns decoded records of one file or page into applied observations: maps and
/// validates each, skips unchanged rows fast, and reports row errors to `onRowError`.
/// Shared by every transport, so a row means the same from a folder or an endpoint.
final class RecordIngestor {
    let mapping: RecordMapping
    let applier: ObservationApplier
    let source: String
    let seed: UInt64
    let onRowError: (RowError) throws -> Void
    private var layout: CSVLayout?
    private(set) var rowsRead = 0
    private(set) var rowsFailed = 0
    private(set) var unknownKeys: Set<String> = []

    init(mapping: RecordMapping, applier: ObservationApplier, source: String, seed: UInt64,
         onRowError: @escaping (RowError) throws -> Void) {
        self.mapping = mapping
        self.applier = applier
        self.source = source
        self.seed = seed
        self.onRowError = onRowError
        var keyFor: [String: CanonicalField] = [:]
        for field in CanonicalField.allCases { keyFor[mapping.columns[field] ?? field.rawValue] = field }
        self.keyFor = keyFor
    }

    /// JSON key → canonical field, from the feed's `columns` (or the canonical names).
    private let keyFor: [String: CanonicalField]

    /// Handles one decoded record. Throws `LayoutError` for a header that cannot be mapped.
    func handle(_ record: DecodedRecord) throws {
        switch record {
        case .header(_, let names):
            layout = try CSVLayout(header: names, mapping: mapping)
        case .row(let line, let fields):
            guard let layout else { return }
            rowsRead += 1
            let hash = layout.rawHash(fields, seed: seed)
            if applier.isKnownUnchanged(rowHash: hash) { return }
            if let rid = layout.rawRequestID(fields), try applier.isUnchanged(requestID: rid, rowHash: hash) { return }
            switch layout.observation(fields, line: line, mapping: mapping) {
            case .success(let obs): try applier.apply(obs, source: source, rowHash: hash)
            case .failure(let error): try fail(error)
            }
        case .object(let line, let fields):
            rowsRead += 1
            try handleObject(line: line, fields: fields)
        case .bad(let line, let message):
            rowsRead += 1
            try fail(RowError(line: line, message: message))
        }
    }

    private func handleObject(line: Int, fields: [String: JSONFieldValue]) throws {
        var pairs: [(CanonicalField, String, column: String)] = []
        var hash = RowHash(seed: seed)
        for key in fields.keys.sorted() {
            guard let field = keyFor[key] else {
                unknownKeys.insert(key)
                continue
            }
            switch fields[key] {
            case .text(let s)?:
                pairs.append((field, s, column: key))
                hash.combine(key); hash.combine(s)
            case .null?, nil:
                continue
            case .bool?:
                return try fail(RowError(line: line, field: field.rawValue, column: key, message: "must be text, not true/false"))
            case .nested(let kind)?:
                return try fail(RowError(line: line, field: field.rawValue, column: key, message: "must be text, not a JSON \(kind)"))
            }
        }
        if applier.isKnownUnchanged(rowHash: hash.signed) { return }
        let rid = pairs.first(where: { $0.0 == .request_id })?.1.trimmedASCIIWhitespace
        if let rid, !rid.isEmpty, try applier.isUnchanged(requestID: rid, rowHash: hash.signed) { return }
        switch mapping.observation(line: line, pairs: pairs) {
        case .success(let obs): try applier.apply(obs, source: source, rowHash: hash.signed)
        case .failure(let error): try fail(error)
        }
    }

    /// A seed for row hashes that changes whenever the mapping does, so a new mapping
    /// re-reads rows that look unchanged.
    static func seed(_ mapping: RecordMapping, zone: TimeZone) -> UInt64 {
        var h = RowHash()
        h.combine("v1|\(mapping.role.rawValue)|\(mapping.datePattern?.text ?? "")|\(zone.identifier)")
        for (k, v) in mapping.columns.sorted(by: { $0.key < $1.key }) { h.combine(k.rawValue); h.combine(v) }
        for (k, m) in mapping.values.sorted(by: { $0.key < $1.key }) {
            h.combine(k.rawValue)
            for (a, b) in m.sorted(by: { $0.key < $1.key }) { h.combine(a); h.combine(b) }
        }
        for (k, v) in mapping.defaults.sorted(by: { $0.key < $1.key }) { h.combine(k.rawValue); h.combine(v) }
        return h.value
    }

    private func fail(_ error: RowError) throws {
        rowsFailed += 1
        try onRowError(error)
    }
}
