import Foundation

/// The pure half of taking in a record: maps, validates and hashes it, packs its
/// values for the audit trail and, on a first load, plans a new LA record. It touches
/// no store, so a large file's records are prepared on a second thread while the
/// writer applies the ones before them (the I/O side's `RecordIngestor`).
public struct RecordPreparer: Sendable {
    /// One decoded record, ready for the writer.
    public enum Prepared: Sendable {
        /// Nothing to apply: a header row (its layout is now known).
        case nothing
        /// Hashes the same as a row this feed sent before (`knownRows`).
        case knownUnchanged
        /// A data row: its request id as written (for the repeat check), its hash, and
        /// the observation or the first field that failed.
        case row(requestID: String?, hash: Int64, result: Result<Observation, RowError>, observed: [UInt8]?)
        /// A record that could not be read at all.
        case failed(RowError)
        /// An LA row of a first load whose request the file has not named before:
        /// planned here, written as it stands (the store's `applyPlanned`).
        case planned(Observation, FreshRecordPlan, hash: Int64, observed: [UInt8])
    }

    public let mapping: RecordMapping
    public let seed: UInt64
    /// The feed's stored row hashes, when loaded for a large file.
    public let knownRows: RowHashSet?
    /// Set for a first load: new requests are planned here, off the writer's thread.
    public let fresh: FreshRecordPlanner?
    /// Request ids (hashed) this file has named so far, with `fresh`: a repeat is left
    /// to the writer, who sees the record the first row made.
    private var named = RowHashSet(capacity: 0)
    /// JSON key → canonical field, from the feed's `columns` (or the canonical names).
    private let keyFor: [String: CanonicalField]
    private var layout: CSVLayout?

    /// A byte-level check of CSV rows against `knownRows` for a decoder, when there are
    /// known rows. Give it `hashedColumns` once the header is prepared.
    public func makeRowFilter() -> CSVRowFilter? {
        guard let knownRows, knownRows.count > 0 else { return nil }
        return CSVRowFilter(seed: seed, known: knownRows)
    }

    /// The header positions a CSV row's hash covers, once the header is read.
    public var hashedColumns: [Int]? { layout?.slots.map(\.index) }

    /// A preparer for one file or page; `seed` is `RecordPreparer.seed(_:zone:)` of the mapping.
    public init(mapping: RecordMapping, seed: UInt64, knownRows: RowHashSet?, fresh: FreshRecordPlanner? = nil) {
        self.mapping = mapping
        self.seed = seed
        self.knownRows = knownRows
        self.fresh = fresh
        if fresh != nil { named = RowHashSet(capacity: 1024) }
        var keyFor: [String: CanonicalField] = [:]
        for field in CanonicalField.allCases { keyFor[mapping.columns[field] ?? field.rawValue] = field }
        self.keyFor = keyFor
    }

    /// Prepares one decoded record. Throws `LayoutError` for a header that cannot be mapped.
    public mutating func prepare(_ record: DecodedRecord) throws -> Prepared {
        switch record {
        case .header(_, let names):
            layout = try CSVLayout(header: names, mapping: mapping)
            return .nothing
        case .known:
            return .knownUnchanged
        case .row(let line, let fields):
            guard let layout else { return .nothing }
            let hash = layout.rawHash(fields, seed: seed)
            if knownRows?.contains(hash) == true { return .knownUnchanged }
            return row(requestID: layout.rawRequestID(fields), hash: hash,
                       result: layout.observation(fields, line: line, mapping: mapping))
        case .object(let line, let fields):
            return prepareObject(line: line, fields: fields)
        case .bad(let line, let message):
            return .failed(RowError(line: line, message: message))
        }
    }

    private mutating func row(requestID: String?, hash: Int64, result: Result<Observation, RowError>) -> Prepared {
        guard case .success(let obs) = result else { return .row(requestID: requestID, hash: hash, result: result, observed: nil) }
        if let fresh, let id = obs.requestID {
            var h = RowHash()
            h.combine(id)
            if named.insert(h.signed) {
                let observed = PackedValues.pack(obs)
                return .planned(obs, fresh.plan(obs, observed: observed), hash: hash, observed: observed)
            }
        }
        return .row(requestID: requestID, hash: hash, result: result, observed: PackedValues.pack(obs))
    }

    private mutating func prepareObject(line: Int, fields: [String: JSONFieldValue]) -> Prepared {
        var pairs: [(CanonicalField, String, column: String)] = []
        var hash = RowHash(seed: seed)
        for key in fields.keys.sorted() {
            guard let field = keyFor[key] else { continue }
            switch fields[key] {
            case .text(let s)?:
                pairs.append((field, s, column: key))
                hash.combine(key); hash.combine(s)
            case .null?, nil:
                continue
            case .bool?:
                return .failed(RowError(line: line, field: field.rawValue, column: key, message: "must be text, not true/false"))
            case .nested(let kind)?:
                return .failed(RowError(line: line, field: field.rawValue, column: key, message: "must be text, not a JSON \(kind)"))
            }
        }
        if knownRows?.contains(hash.signed) == true { return .knownUnchanged }
        let rid = pairs.first(where: { $0.0 == .request_id })?.1.trimmedASCIIWhitespace
        return row(requestID: rid?.isEmpty == false ? rid : nil, hash: hash.signed,
                   result: mapping.observation(line: line, pairs: pairs))
    }

    /// A seed for row hashes that changes whenever the mapping does, so a new mapping
    /// re-reads rows that look unchanged.
    public static func seed(_ mapping: RecordMapping, zone: TimeZone) -> UInt64 {
        var h = RowHash()
        h.combine("v1|\(mapping.role.rawValue)|\(mapping.datePattern?.text ?? "")|\(zone.identifier)")
        if let pinned = mapping.timestampPattern { h.combine("timestamp|" + pinned.text) }
        for (k, v) in mapping.columns.sorted(by: { $0.key < $1.key }) { h.combine(k.rawValue); h.combine(v) }
        for (k, m) in mapping.values.sorted(by: { $0.key < $1.key }) {
            h.combine(k.rawValue)
            for (a, b) in m.sorted(by: { $0.key < $1.key }) { h.combine(a); h.combine(b) }
        }
        for (k, v) in mapping.defaults.sorted(by: { $0.key < $1.key }) { h.combine(k.rawValue); h.combine(v) }
        return h.value
    }
}
