import EHCCore
import Foundation

/// Turns decoded records of one file or page into applied observations: maps and
/// validates each, skips unchanged rows fast, and reports row errors to `onRowError`.
/// Shared by every transport, so a row means the same from a folder or an endpoint.
final class RecordIngestor {
    let applier: ObservationApplier
    let source: String
    let onRowError: (RowError) throws -> Void
    let mapping: RecordMapping
    let seed: UInt64
    /// Made at the first record, so that it sees the applier's known rows however
    /// late they were loaded (`ObservationApplier.bulk` loads them).
    private lazy var preparer = detachedPreparer
    private(set) var rowsRead = 0
    private(set) var rowsFailed = 0

    init(mapping: RecordMapping, applier: ObservationApplier, source: String, seed: UInt64,
         onRowError: @escaping (RowError) throws -> Void) {
        self.applier = applier
        self.source = source
        self.onRowError = onRowError
        self.mapping = mapping
        self.seed = seed
    }

    /// A preparer for another thread, with the applier's known rows as they are now;
    /// on a first load it plans new requests as well.
    var detachedPreparer: RecordPreparer {
        RecordPreparer(mapping: mapping, seed: seed, knownRows: applier.knownRows, fresh: applier.freshPlanning)
    }

    /// Prepares and applies one decoded record on this thread. Throws `LayoutError`
    /// for a header that cannot be mapped.
    func handle(_ record: DecodedRecord) throws {
        try ingest(try preparer.prepare(record))
    }

    /// Applies one record prepared here or on another thread.
    func ingest(_ prepared: borrowing RecordPreparer.Prepared) throws {
        switch prepared {
        case .nothing:
            return
        case .knownUnchanged:
            rowsRead += 1
            applier.countKnownUnchanged()
        case .failed(let error):
            rowsRead += 1
            try fail(error)
        case .planned(let obs, let planned, let hash, let observed):
            rowsRead += 1
            try applier.applyPlanned(obs, planned, source: source, rowHash: hash, observed: observed)
        case .row(let requestID, let hash, let result, let observed):
            rowsRead += 1
            if let requestID, try applier.isUnchanged(requestID: requestID, rowHash: hash) { return }
            switch result {
            case .success(let obs): try applier.apply(obs, source: source, rowHash: hash, observed: observed)
            case .failure(let error): try fail(error)
            }
        }
    }

    private func fail(_ error: RowError) throws {
        rowsFailed += 1
        try onRowError(error)
    }
}
