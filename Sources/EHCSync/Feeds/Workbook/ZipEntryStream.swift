import Foundation

/// One part of a workbook as an `InputStream`, for `XMLParser(stream:)`: the parser
/// pulls unpacked bytes from a `ZipEntryReader` as it needs them, so memory stays at a
/// buffer or two whatever the sheet's size.
///
/// The stream also refuses a document type declaration: Office Open XML parts never
/// carry one (ECMA-376 Part 2 forbids DTDs in a package), and refusing it means no
/// entity, internal or external, is ever declared, let alone expanded or fetched.
/// `XMLParser` already loads no external entities (`externalEntityResolvingPolicy` is
/// `.never`, set again where the parser is made); this is a second wall.
final class ZipEntryStream: InputStream {
    private let reader: ZipEntryReader
    private let part: String
    /// The last bytes handed out, to see `<!DOCTYPE` split across two reads.
    private var tail: [UInt8] = []
    private var stopped = false
    /// Why the bytes stopped early (over budget, damaged, a DTD): reported ahead of
    /// whatever the parser says about a document cut short.
    private(set) var failure: (any Error)?

    private static let doctype = Array("<!DOCTYPE".utf8)

    init(reader: ZipEntryReader, part: String) {
        self.reader = reader
        self.part = part
        super.init(data: Data())
    }

    override func open() {}
    override func close() {}
    override var hasBytesAvailable: Bool { !stopped }
    override var streamStatus: Stream.Status { stopped ? .atEnd : .open }
    override var streamError: (any Error)? { failure }

    override func read(_ buffer: UnsafeMutablePointer<UInt8>, maxLength len: Int) -> Int {
        guard !stopped, len > 0 else { return 0 }
        do {
            let n = try reader.read(into: buffer, count: len)
            if n == 0 {
                stopped = true
                return 0
            }
            if containsDoctype(UnsafeBufferPointer(start: buffer, count: n)) {
                throw WorkbookError("is not a workbook Excel wrote: \(part) declares a document type (<!DOCTYPE>), which no workbook part may")
            }
            return n
        } catch {
            failure = error
            stopped = true
            return -1
        }
    }

    /// Stops handing out bytes: the parser's delegate has given up.
    func stop() { stopped = true }

    /// Whether `<!DOCTYPE` is in `bytes`, or straddles them and the bytes before.
    private func containsDoctype(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let keep = Self.doctype.count - 1
        let joined = tail + bytes.prefix(keep)
        tail = Array(bytes.suffix(keep))
        return Self.find(in: joined[...]) || Self.find(in: bytes[...])
    }

    private static func find<C: Collection<UInt8>>(in bytes: C) -> Bool {
        var i = bytes.startIndex
        while let lt = bytes[i...].firstIndex(of: UInt8(ascii: "<")) {
            if bytes[lt...].starts(with: doctype) { return true }
            i = bytes.index(after: lt)
        }
        return false
    }
}
