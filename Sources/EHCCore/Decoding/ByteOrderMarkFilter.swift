/// Drops a UTF-8 byte order mark (EF BB BF) at the very start of a file, however the file is
/// cut into chunks.
///
/// Excel's "CSV UTF-8" and many Windows tools write one. With 1-byte chunks the mark arrives
/// a byte at a time, so the bytes that might be a mark are held back until they are known;
/// if they turn out not to be one (a Windows-1252 file starting with `ï`), they are handed
/// back to be decoded as data.
struct ByteOrderMarkFilter {
    private static let mark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// How many bytes of the mark have been seen at the start of the file so far.
    private var matched = 0
    /// The start of the file is behind us: every further byte is data.
    private(set) var isSettled = false
    /// The file started with a complete mark (which was dropped).
    private(set) var foundMark = false

    /// Splits a chunk into the held-back bytes that turned out to be data (`replay`, to be
    /// decoded first) and the rest of the chunk.
    mutating func filter(_ chunk: UnsafeRawBufferPointer) -> (replay: [UInt8], rest: UnsafeRawBufferPointer) {
        if isSettled { return ([], chunk) }
        var i = 0
        while i < chunk.count {
            if chunk[i] != Self.mark[matched] {
                isSettled = true
                return (Array(Self.mark[0..<matched]), UnsafeRawBufferPointer(rebasing: chunk[i...]))
            }
            matched += 1
            i += 1
            if matched == Self.mark.count {
                isSettled = true
                foundMark = true
                return ([], UnsafeRawBufferPointer(rebasing: chunk[i...]))
            }
        }
        return ([], UnsafeRawBufferPointer(rebasing: chunk[chunk.count...]))
    }

    /// End of file: bytes still held back (a file of just `EF BB`) are data after all.
    mutating func finish() -> [UInt8] {
        if isSettled { return [] }
        isSettled = true
        return Array(Self.mark[0..<matched])
    }
}
