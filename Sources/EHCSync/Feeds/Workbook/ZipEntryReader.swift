import CZlib
import Foundation

/// Reads one part of a `ZipArchive`, unpacked, a buffer at a time: the caller pulls,
/// so a sheet of any size is parsed holding one buffer of it.
///
/// Every read is bounded by the directory's sizes: compressed bytes are read only from
/// the entry's own range, so data that never ends is "damaged" once that range is used
/// up, not a read to the end of the file. Every unpacked byte is counted against the
/// workbook's `ExpansionBudget` as it is made, whatever the directory declared, and the
/// part's CRC-32 and unpacked size are checked at its end.
final class ZipEntryReader {
    private let archive: ZipArchive
    private let entry: ZipArchive.Entry
    private let budget: ExpansionBudget
    /// The next compressed byte to read, and how many of the entry's are left.
    private var position: Int64
    private var remaining: Int64
    private var produced: Int64 = 0
    private var crc: UInt = 0
    private var finished = false
    private let stream: UnsafeMutablePointer<z_stream>?
    private let input: UnsafeMutableRawBufferPointer

    static let inputSize = 64 << 10

    init(archive: ZipArchive, entry: ZipArchive.Entry, budget: ExpansionBudget) throws {
        if entry.flags & 1 != 0 { throw WorkbookError("is encrypted (\(entry.name) is): save it from Excel without a password") }
        self.archive = archive
        self.entry = entry
        self.budget = budget
        position = try archive.dataOffset(of: entry)
        remaining = entry.compressedSize
        switch entry.method {
        case 0:
            guard entry.compressedSize == entry.uncompressedSize else {
                throw WorkbookError("is damaged: \(entry.name) is stored uncompressed but its two sizes differ")
            }
            stream = nil
            input = UnsafeMutableRawBufferPointer(start: nil, count: 0)
        case 8:
            let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
            stream.initialize(to: z_stream())
            // Negative window bits: raw deflate, as zip entries hold it (no zlib header).
            guard inflateInit2_(stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                stream.deallocate()
                throw WorkbookError("cannot be unpacked: zlib could not start")
            }
            self.stream = stream
            input = .allocate(byteCount: Self.inputSize, alignment: 16)
        default:
            throw WorkbookError("is compressed in a way workbooks never are (zip method \(entry.method) in \(entry.name)): save it again from Excel")
        }
    }

    deinit {
        if let stream {
            inflateEnd(stream)
            stream.deallocate()
            input.deallocate()
        }
    }

    /// Fills up to `count` bytes at `buffer`; returns how many, 0 at the part's end.
    func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int) throws -> Int {
        guard !finished, count > 0 else { return 0 }
        let n = try stream == nil ? readStored(into: buffer, count: count) : inflate(into: buffer, count: count)
        if n > 0 {
            try budget.spend(n)
            produced += Int64(n)
            crc = CZlib.crc32(crc, buffer, uInt(n))
        }
        if n == 0 || finished {
            finished = true
            guard produced == entry.uncompressedSize, UInt32(truncatingIfNeeded: crc) == entry.crc32 else {
                throw WorkbookError("is damaged: \(entry.name) does not unpack to what its zip directory says (size or checksum)")
            }
        }
        return n
    }

    private func readStored(into buffer: UnsafeMutablePointer<UInt8>, count: Int) throws -> Int {
        let want = Int(min(Int64(count), remaining))
        guard want > 0 else { return 0 }
        let n = pread(archive.fd, buffer, want, off_t(position))
        guard n > 0 else { throw WorkbookError("is damaged: \(entry.name) ends early") }
        position += Int64(n)
        remaining -= Int64(n)
        return n
    }

    /// Inflates until some output is made, the stream ends, or the entry's compressed
    /// bytes run out before it ends (damaged). Each pass consumes input or makes output,
    /// so the loop always ends.
    private func inflate(into buffer: UnsafeMutablePointer<UInt8>, count: Int) throws -> Int {
        guard let stream else { return 0 }
        stream.pointee.next_out = buffer
        stream.pointee.avail_out = uInt(min(count, Int(UInt32.max)))
        while true {
            if stream.pointee.avail_in == 0, remaining > 0 {
                let want = Int(min(Int64(input.count), remaining))
                let n = pread(archive.fd, input.baseAddress, want, off_t(position))
                guard n > 0 else { throw WorkbookError("is damaged: \(entry.name) ends early") }
                position += Int64(n)
                remaining -= Int64(n)
                stream.pointee.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.pointee.avail_in = uInt(n)
            }
            let result = CZlib.inflate(stream, Z_NO_FLUSH)
            let made = count - Int(stream.pointee.avail_out)
            switch result {
            case Z_STREAM_END:
                finished = true
                return made
            case Z_OK, Z_BUF_ERROR:
                if made > 0 { return made }
                if stream.pointee.avail_in == 0, remaining == 0 {
                    throw WorkbookError("is damaged: \(entry.name) ends before its compressed data does")
                }
            default:
                throw WorkbookError("is damaged: \(entry.name) is not valid compressed data")
            }
        }
    }
}
