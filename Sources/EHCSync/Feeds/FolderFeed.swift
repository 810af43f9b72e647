import Crypto
import EHCCore
import Foundation
import Logging
import ServiceLifecycle

/// What one poll of a feed did, for logs and feed health: files for a drop folder,
/// pages for an HTTP feed.
public struct FeedPollResult: Sendable, Equatable {
    public var filesApplied = 0, filesDuplicate = 0, filesRejected = 0
    /// HTTP: pages applied, and answers that said nothing changed (304, 204).
    public var pagesApplied = 0, pagesNotModified = 0
    public var rowsRead = 0, rowsFailed = 0
    /// Folder feeds: files now in the folder that the pattern never takes.
    public var filesIgnored = 0
    public var counts = ObservationApplier.Counts()
    public init() {}

    /// Files rejected or rows skipped in this poll: data a DCO is missing, logged as a warning.
    public var hasProblems: Bool { filesRejected > 0 || rowsFailed > 0 }
}

/// A drop-folder feed (SPEC §7): takes ready files, applies each in one transaction
/// with its bookkeeping, then moves it to `processed/YYYY-MM-DD/` (or `rejected/`).
/// A crash at any point neither loses nor doubles a file: a file whose content is
/// already recorded as applied is only moved.
public struct FolderFeed {
    public let feed: FeedConfig
    public let folder: FolderFeedConfig
    public let mapping: RecordMapping
    public let rules: AdviceRules
    public let zone: TimeZone
    let db: AppDatabase
    let feedID: Int64
    /// Records immediate notices with the changes that cause them (nil: no recipients).
    public var immediateNotices: ImmediateNotices?
    /// A terminal's progress line for long files (nil: none).
    public var progress: FeedProgress?

    static let chunkSize = 1 << 20
    /// Files at least this large (about 30,000 rows) check rows against the feed's
    /// stored hashes in memory instead of one query a row.
    static let knownRowsThreshold: Int64 = 4 << 20
    /// Files from this size are decoded and validated on a second thread while the
    /// writer applies them; below it a thread costs more than it saves.
    static let pipelineThreshold: Int64 = 256 << 10

    public init(feed: FeedConfig, folder: FolderFeedConfig, mapping: RecordMapping, rules: AdviceRules,
                zone: TimeZone, db: AppDatabase) throws {
        self.feed = feed
        self.folder = folder
        self.mapping = mapping
        self.rules = rules
        self.zone = zone
        self.db = db
        feedID = try db.feedID(name: feed.name, role: feed.role)
    }

    /// Takes every ready file once. `now` is the run's clock (may be `--now`);
    /// `wallClock` is the real time, used only to judge whether a file has settled.
    /// `log` gets `.warning` for data a DCO is missing (a rejected file, skipped rows, a
    /// file the pattern never takes: each once) and `.info` for the rest.
    public func poll(now: Timestamp, wallClock: Date, log: (Logger.Level, String) -> Void) throws -> FeedPollResult {
        var result = FeedPollResult()
        let scanner = FolderScanner(path: folder.path, pattern: folder.pattern, ready: folder.ready, settleSeconds: folder.settleSeconds)
        for candidate in try scanner.scan(wallClock: wallClock) {
            // A service stopping (or a cancelled task) stops between files: each file is
            // one transaction, so the file in hand is finished and the rest wait.
            if Task.isCancelled || Task.isShuttingDownGracefully { break }
            try take(candidate, now: now, into: &result, log: log)
        }
        let strays = scanner.strays().map { ($0, RejectionHint.strayReason(name: $0, pattern: folder.pattern, format: feed.format)) }
        for stray in try db.noteStrayFiles(feedID: feedID, found: strays, now: now) {
            log(.warning, "\(feed.name): \(stray.name.escapingControlCharacters): never taken: \(stray.reason)")
        }
        result.filesIgnored = strays.count
        return result
    }

    private func take(_ file: FolderScanner.Candidate, now: Timestamp, into result: inout FeedPollResult,
                      log: (Logger.Level, String) -> Void) throws {
        let fullPath = folder.path + "/" + file.name
        let today = now.localDate(in: zone)
        let processedDir = folder.path + "/processed/" + today.description
        let digest: String
        let size: Int64
        do {
            (digest, size) = try Self.sha256(path: fullPath)
        } catch {
            // Vanished or unreadable between scan and open: try again next poll.
            log(.info, "\(feed.name): \(file.name.escapingControlCharacters): not taken this time: \(error)")
            return
        }
        let source = SourceFile(feedID: feedID, name: file.name, sha256: digest, size: size)
        if try db.isApplied(source) {
            try db.recordDuplicate(source, now: now)
            try move(file, to: processedDir)
            result.filesDuplicate += 1
            log(.info, "\(feed.name): \(file.name.escapingControlCharacters): same content as a file already applied: moved, nothing applied")
            return
        }

        // The name the file will have in processed/ is chosen now, so its errors list
        // carries the same name even when an earlier file of that name is there already.
        let processedPath = Self.freeName(file.name, in: processedDir)
        let errorsPath = processedPath + ".errors.txt"
        var errors: ErrorsFile?
        var firstRowError: String?
        do {
            if let workbook = RejectionHint.workbookWhereTextWasDeclared(path: fullPath, format: feed.format) {
                throw WholeFileError(message: workbook)
            }
            let batch = FeedBatch(feedID: feedID, role: feed.role, rules: rules, now: now, today: today, notices: immediateNotices,
                                  large: size >= Self.knownRowsThreshold)
            let outcome = try db.applyFile(source, batch, read: { applier in
                let ingestor = RecordIngestor(mapping: mapping, applier: applier, source: file.name, seed: mappingSeed) { rowError in
                    if firstRowError == nil { firstRowError = rowError.description }
                    if errors == nil { errors = try ErrorsFile(finalPath: errorsPath, header: "# \(feed.name): rows of \(file.name.escapingControlCharacters) that were skipped; the other rows were applied") }
                    try errors?.append(Self.listed(rowError, format: feed.format))
                }
                let store = self.db
                let progress = progressSink(name: file.name, size: size)
                guard size >= Self.pipelineThreshold else {
                    try Self.decode(path: fullPath, format: feed.format, csv: feed.mapping, progress: progress) { record in
                        try store.checkInterrupted()
                        try ingestor.handle(record)
                    }
                    return RowTally(rowsRead: ingestor.rowsRead, rowsFailed: ingestor.rowsFailed, firstRowError: firstRowError)
                }
                // Decoding and validation on a second thread; SQLite writes here.
                let preparer = ingestor.detachedPreparer
                let format = feed.format, csv = feed.mapping
                try RecordPipeline<RecordPreparer.Prepared>.run(produce: { emit in
                    var preparer = preparer
                    let filter = preparer.makeRowFilter()
                    try Self.decode(path: fullPath, format: format, csv: csv, rowFilter: filter, progress: progress) { record in
                        let prepared = try preparer.prepare(record)
                        if case .header = record { filter?.columns = preparer.hashedColumns }
                        try emit(prepared)
                    }
                }, consume: { (prepared: borrowing RecordPreparer.Prepared) in
                    try store.checkInterrupted()
                    try ingestor.ingest(prepared)
                })
                return RowTally(rowsRead: ingestor.rowsRead, rowsFailed: ingestor.rowsFailed, firstRowError: firstRowError)
            }, beforeCommit: {
                // The errors list is in place before the commit, so no crash leaves a file applied without it.
                try errors?.commit()
            })
            try move(file, toPath: processedPath)
            result.filesApplied += 1
            let (counts, tally) = outcome
            result.rowsRead += tally.rowsRead
            result.rowsFailed += tally.rowsFailed
            result.counts.add(counts)
            let name = file.name.escapingControlCharacters
            log(.info, "\(feed.name): \(name): \(tally.rowsRead) rows: \(counts.applied) applied, \(counts.unchanged) unchanged, "
                + "\(counts.stale) stale, \(counts.unmatched) unmatched, \(tally.rowsFailed) with errors")
            if tally.rowsFailed > 0, let firstRowError {
                log(.warning, "\(feed.name): \(name): \(tally.rowsFailed) rows skipped (listed in \((processedPath as NSString).lastPathComponent.escapingControlCharacters).errors.txt); the first: \(firstRowError)")
            }
        } catch let error as WholeFileError {
            errors?.discard()
            let reason = error.message + (feed.format == .csv
                ? RejectionHint.otherDelimiter(path: fullPath, declared: feed.mapping.delimiter, message: error.message) : "")
            try reject(file, source, reason: reason, now: now)
            result.filesRejected += 1
            log(.warning, "\(feed.name): \(file.name.escapingControlCharacters): rejected, nothing of it applied: \(reason)")
        }
    }

    /// What `decode` tells the terminal's progress line for one file (nil: no line).
    private func progressSink(name: String, size: Int64) -> (@Sendable (Int64, Int) -> Void)? {
        guard let progress else { return nil }
        let feedName = feed.name
        return { read, rows in progress.file(feed: feedName, name: name, bytesRead: read, size: size, rows: rows) }
    }

    /// A seed for row hashes that changes whenever the mapping does, so a new mapping
    /// re-reads rows that look unchanged.
    var mappingSeed: UInt64 { RecordPreparer.seed(mapping, zone: zone) }

    /// The reason is written and recorded before the file moves, so no crash leaves a
    /// rejected file without it (a crash before the move only rejects it again).
    private func reject(_ file: FolderScanner.Candidate, _ source: SourceFile, reason: String, now: Timestamp) throws {
        let dir = folder.path + "/rejected"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let target = Self.freeName(file.name, in: dir)
        let text = "# \(feed.name): \((target as NSString).lastPathComponent.escapingControlCharacters) was rejected as a whole; nothing of it was applied.\n\(reason)\n"
        try AtomicFile.write(text, to: target + ".error.txt", mode: 0o640)
        try db.recordRejected(source, reason: reason, now: now)
        try move(file, toPath: target)
    }

    /// Moves the file (and its marker) into `dir`, never overwriting: a name already
    /// there gets `-2`, `-3` … before its extension. Returns the new path.
    private func move(_ file: FolderScanner.Candidate, to dir: String) throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try move(file, toPath: Self.freeName(file.name, in: dir))
    }

    /// Moves the file to `target` (its folder made if needed) and its marker beside it.
    private func move(_ file: FolderScanner.Candidate, toPath target: String) throws {
        let dir = (target as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        guard rename(folder.path + "/" + file.name, target) == 0 else {
            throw FeedError("cannot move \(file.name) to \(dir): \(String(cString: strerror(errno)))")
        }
        if let marker = file.marker {
            _ = rename(folder.path + "/" + marker, Self.freeName(marker, in: dir))
        }
    }

    static func freeName(_ name: String, in dir: String) -> String {
        var candidate = dir + "/" + name
        var n = 2
        let ext = (name as NSString).pathExtension
        let stem = (name as NSString).deletingPathExtension
        while FileManager.default.fileExists(atPath: candidate) {
            candidate = dir + "/" + stem + "-\(n)" + (ext.isEmpty ? "" : "." + ext)
            n += 1
        }
        return candidate
    }

    /// SHA-256 of the file's content, read once in chunks, never following a symlink.
    static func sha256(path: String) throws -> (String, Int64) {
        var hasher = SHA256()
        var size: Int64 = 0
        try readChunks(path: path) { chunk in
            hasher.update(bufferPointer: chunk)
            size += Int64(chunk.count)
        }
        return (hasher.finalize().map { String(format: "%02x", $0) }.joined(), size)
    }

    /// Streams a regular file in chunks; memory stays at one chunk.
    static func readChunks(path: String, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw FeedError("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { throw FeedError("\(path) is not a regular file") }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = read(fd, buffer.baseAddress, chunkSize)
            if n < 0 {
                if errno == EINTR { continue }
                throw FeedError("cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            try body(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        }
    }

    /// Decodes a whole file in its format, handing each record to `body`. Decoding and
    /// mapping faults that spoil the whole file are thrown as `WholeFileError`.
    /// `progress` hears after each chunk the bytes read so far and the records decoded.
    static func decode(path: String, format: FeedFormat, csv: FieldMapping, rowFilter: CSVRowFilter? = nil,
                       progress: ((Int64, Int) -> Void)? = nil, _ body: (DecodedRecord) throws -> Void) throws {
        guard let progress else {
            try decode(.file(path), format: format, csv: csv, rowFilter: rowFilter, body)
            return
        }
        var records = 0
        try decode(.file(path), format: format, csv: csv, rowFilter: rowFilter, chunkRead: { progress($0, records) }) { record in
            records += 1
            try body(record)
        }
    }

    /// Where a body to decode is: a file read in chunks, or bytes in memory (an HTTP answer).
    enum Body {
        case file(String)
        case bytes(Data)
    }

    /// Decodes a whole body with the same whole-file faults, whatever its source.
    /// Returns a JSON body's top-level `"next"`. `rowFilter` lets a CSV decoder skip rows
    /// already known from their bytes.
    @discardableResult
    static func decode(_ source: Body, format: FeedFormat, csv: FieldMapping, rowFilter: CSVRowFilter? = nil,
                       chunkRead: ((Int64) -> Void)? = nil, _ body: (DecodedRecord) throws -> Void) throws -> String? {
        var decoder: any RecordDecoder
        switch format {
        case .xlsx:
            try decodeWorkbook(source, mapping: csv, body)
            return nil
        case .csv:
            decoder = CSVDecoder(delimiter: csv.delimiter, encoding: TextEncoding(rawValue: csv.encoding) ?? .utf8,
                                 rowFilter: rowFilter)
        case .json:
            decoder = JSONRecordDecoder()
        case .ndjson:
            decoder = NDJSONRecordDecoder()
        }
        do {
            switch source {
            case .file(let path):
                var read: Int64 = 0
                try readChunks(path: path) { chunk in
                    try decoder.consume(chunk, emit: body)
                    read += Int64(chunk.count)
                    chunkRead?(read)
                }
            case .bytes(let data): try data.withUnsafeBytes { try decoder.consume($0, emit: body) }
            }
            try decoder.finish(emit: body)
            return (decoder as? JSONRecordDecoder)?.next
        } catch let e as FileDecodingError {
            throw WholeFileError(message: e.description)
        } catch let e as LayoutError {
            throw WholeFileError(message: e.message)
        }
    }
}

extension FolderFeed {
    /// Reads a workbook's sheet (`WorkbookReader`) as the CSV decoder reads a file, with
    /// the same whole-file faults.
    static func decodeWorkbook(_ source: Body, mapping: FieldMapping, _ body: (DecodedRecord) throws -> Void) throws {
        guard case .file(let path) = source else {
            throw WholeFileError(message: "a workbook is read from a drop folder's file, not from an HTTP answer")
        }
        let reader = WorkbookReader(sheet: mapping.sheet, maxBytes: mapping.maxExpandedBytes)
        do {
            try withoutActuallyEscaping(body) { emit in try reader.read(path: path, emit: emit) }
        } catch let e as WorkbookError {
            throw WholeFileError(message: e.reason)
        } catch let e as LayoutError {
            throw WholeFileError(message: e.message.replacingOccurrences(of: "csv.columns", with: "xlsx.columns"))
        }
    }

    /// A row error as the errors list shows it: a workbook's rows by the number Excel
    /// shows beside them (`row 5: …`), a text file's by line (`line 5: …`).
    static func listed(_ error: RowError, format: FeedFormat) -> String {
        let text = error.description
        guard format == .xlsx, text.hasPrefix("line ") else { return text }
        return "row " + text.dropFirst("line ".count)
    }
}

/// A fault that makes a whole file unreadable: nothing of it is applied.
struct WholeFileError: Error {
    var message: String
}

extension ObservationApplier.Counts {
    mutating func add(_ o: ObservationApplier.Counts) {
        applied += o.applied; unchanged += o.unchanged; stale += o.stale
        unmatched += o.unmatched; identityMismatch += o.identityMismatch; linked += o.linked
    }
}
