import Foundation

/// The zip container of an .xlsx workbook: its central directory read once, and each part
/// (entry) found by name and read through `ZipEntryReader`.
///
/// Why not a zip library: ZIPFoundation 0.9.20 (in the package mirror) inflates on Linux
/// by reading from the entry's start until zlib says the stream has ended, ignoring the
/// entry's compressed size: a part whose deflate data never ends runs on to the end of
/// the file and then loops for ever (upstream pull request #389, still open), and the
/// last short read is handed to zlib as a full buffer. Fine for trusted archives; a drop
/// folder is not trusted. Reading a zip's directory is small and fixed (ECMA-376 Part 2
/// names PKWARE's APPNOTE), so this reads it here, bounds every read by the sizes the
/// directory gives, and leaves the hard part, inflating, to the system's zlib.
///
/// Refused, each with its reason: not a zip at all (with a word for an encrypted or old
/// `.xls` workbook, which are OLE files, not zips), a zip split over disks, ZIP64 (only
/// needed past 4 GB, far beyond any `max_bytes`), encrypted entries, compression other
/// than stored or deflate, and a directory or entry that points outside the file.
final class ZipArchive {
    /// One part as the central directory describes it.
    struct Entry: Sendable, Equatable {
        /// The part name as stored, without a leading `/`.
        var name: String
        var method: UInt16
        var flags: UInt16
        var crc32: UInt32
        var compressedSize: Int64
        var uncompressedSize: Int64
        var localHeaderOffset: Int64
    }

    let fd: Int32
    let size: Int64
    /// Entries in directory order.
    let entries: [Entry]
    /// Entry index by lower-cased name: part names are case-insensitive (OPC).
    private let byName: [String: Int]

    /// Opens `path` (never following a symlink) and reads its central directory.
    init(path: String) throws {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw WorkbookError("cannot be opened: \(String(cString: strerror(errno)))") }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw WorkbookError("is not a regular file")
        }
        self.fd = fd
        size = Int64(st.st_size)
        do {
            entries = try Self.readDirectory(fd: fd, size: size)
        } catch {
            close(fd)
            throw error
        }
        var byName: [String: Int] = [:]
        for (i, entry) in entries.enumerated() where byName[entry.name.lowercased()] == nil {
            byName[entry.name.lowercased()] = i
        }
        self.byName = byName
    }

    deinit { close(fd) }

    /// The entry named `name` (compared without case, a leading `/` ignored).
    func entry(_ name: String) -> Entry? {
        let key = (name.hasPrefix("/") ? String(name.dropFirst()) : name).lowercased()
        return byName[key].map { entries[$0] }
    }

    /// The sum of the unpacked sizes the directory declares.
    var declaredSize: Int64 { entries.reduce(0) { $0 &+ $1.uncompressedSize } }

    /// Reads exactly `count` bytes at `offset`, or throws: a short read means the
    /// directory points past the end of the file.
    func bytes(at offset: Int64, count: Int) throws -> [UInt8] {
        try Self.bytes(fd: fd, at: offset, count: count)
    }

    private static func bytes(fd: Int32, at offset: Int64, count: Int) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, count - done, off_t(offset) + off_t(done)) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { throw WorkbookError("is damaged: the zip directory points past the end of the file") }
            done += n
        }
        return buffer
    }

    /// Finds the end-of-central-directory record (within the last 64 KiB + 22 bytes, as
    /// a zip comment may be up to 65,535 bytes) and reads every directory entry.
    private static func readDirectory(fd: Int32, size: Int64) throws -> [Entry] {
        let magic = try bytes(fd: fd, at: 0, count: Int(min(size, 8)))
        try ZipSignature.check(magic)
        let tailCount = Int(min(size, 22 + 65_535))
        let tail = try bytes(fd: fd, at: size - Int64(tailCount), count: tailCount)
        var at = tailCount - 22
        while at >= 0, !(tail.u32(at) == ZipSignature.endOfDirectory) { at -= 1 }
        guard at >= 0 else { throw WorkbookError("is not an .xlsx workbook: it starts like a zip but has no zip directory (cut short?)") }
        let disk = tail.u16(at + 4), directoryDisk = tail.u16(at + 6)
        let count = Int(tail.u16(at + 10))
        let directorySize = Int64(tail.u32(at + 12)), directoryOffset = Int64(tail.u32(at + 16))
        if tail.u16(at + 8) == 0xFFFF || tail.u16(at + 10) == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF {
            throw WorkbookError("is a ZIP64 archive (made for zips over 4 GB), which no workbook within xlsx.max_bytes needs")
        }
        guard disk == 0, directoryDisk == 0 else { throw WorkbookError("is a zip split over several files, not one workbook") }
        let endOffset = size - Int64(tailCount) + Int64(at)
        guard directoryOffset + directorySize <= endOffset else {
            throw WorkbookError("is damaged: its zip directory points past the end of the file")
        }
        let directory = try bytes(fd: fd, at: directoryOffset, count: Int(directorySize))
        var entries: [Entry] = []
        entries.reserveCapacity(count)
        var p = 0
        for _ in 0..<count {
            guard p + 46 <= directory.count, directory.u32(p) == ZipSignature.directoryEntry else {
                throw WorkbookError("is damaged: its zip directory is malformed")
            }
            let nameLength = Int(directory.u16(p + 28)), extraLength = Int(directory.u16(p + 30)), commentLength = Int(directory.u16(p + 32))
            guard p + 46 + nameLength <= directory.count else { throw WorkbookError("is damaged: its zip directory is malformed") }
            var name = String(decoding: directory[(p + 46)..<(p + 46 + nameLength)], as: UTF8.self)
            if name.hasPrefix("/") { name.removeFirst() }
            let entry = Entry(name: name, method: directory.u16(p + 10), flags: directory.u16(p + 8), crc32: directory.u32(p + 16),
                              compressedSize: Int64(directory.u32(p + 20)), uncompressedSize: Int64(directory.u32(p + 24)),
                              localHeaderOffset: Int64(directory.u32(p + 42)))
            if entry.compressedSize == 0xFFFF_FFFF || entry.uncompressedSize == 0xFFFF_FFFF || entry.localHeaderOffset == 0xFFFF_FFFF {
                throw WorkbookError("is a ZIP64 archive (made for zips over 4 GB), which no workbook within xlsx.max_bytes needs")
            }
            entries.append(entry)
            p += 46 + nameLength + extraLength + commentLength
        }
        return entries
    }

    /// Where `entry`'s data starts, from its local header, checked to lie within the file.
    func dataOffset(of entry: Entry) throws -> Int64 {
        let header = try bytes(at: entry.localHeaderOffset, count: 30)
        guard header.u32(0) == ZipSignature.localHeader else { throw WorkbookError("is damaged: \(entry.name) has no zip header where the directory says") }
        let start = entry.localHeaderOffset + 30 + Int64(header.u16(26)) + Int64(header.u16(28))
        guard start + entry.compressedSize <= size else { throw WorkbookError("is damaged: \(entry.name) runs past the end of the file") }
        return start
    }
}

/// The four-byte signatures of a zip's records, and the check that a file is one.
enum ZipSignature {
    static let localHeader: UInt32 = 0x0403_4B50
    static let directoryEntry: UInt32 = 0x0201_4B50
    static let endOfDirectory: UInt32 = 0x0605_4B50

    /// Throws, saying what the file seems to be, unless it starts as a zip does.
    static func check(_ start: [UInt8]) throws {
        if start.count >= 4, start.u32(0) == localHeader || start.u32(0) == endOfDirectory { return }
        // OLE2 compound files: Excel's password-protected .xlsx and every old .xls.
        if start.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            throw WorkbookError("is not an .xlsx workbook: it is either password-protected (encrypted) or an old Excel 97-2003 .xls file; "
                + "open it in Excel, remove any password (File > Info > Protect Workbook) and save it as Excel Workbook (.xlsx)")
        }
        if start.isEmpty { throw WorkbookError("is empty: not an .xlsx workbook") }
        throw WorkbookError("is not an .xlsx workbook (not a zip file); if the export is text, this feed's format should be csv")
    }
}

extension [UInt8] {
    /// A little-endian 16-bit number at `i`.
    func u16(_ i: Int) -> UInt16 { UInt16(self[i]) | UInt16(self[i + 1]) << 8 }
    /// A little-endian 32-bit number at `i`.
    func u32(_ i: Int) -> UInt32 { UInt32(u16(i)) | UInt32(u16(i + 2)) << 16 }
}
