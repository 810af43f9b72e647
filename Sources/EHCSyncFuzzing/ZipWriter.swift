import CZlib

/// Writes a zip file in memory, for making workbooks in tests and the xlsx fuzz target:
/// parts stored or deflated, and, to make a lying zip, a declared unpacked size that is
/// not the real one. Only what those need: no directories, no ZIP64, no timestamps.
public enum ZipWriter {
    public struct Part {
        public var name: String
        public var bytes: [UInt8]
        public var deflate: Bool
        /// The unpacked size to write in the headers instead of the real one.
        public var declaredSize: UInt32?

        public init(_ name: String, _ bytes: [UInt8], deflate: Bool = true, declaredSize: UInt32? = nil) {
            self.name = name
            self.bytes = bytes
            self.deflate = deflate
            self.declaredSize = declaredSize
        }

        public init(_ name: String, text: String, deflate: Bool = true) {
            self.init(name, Array(text.utf8), deflate: deflate)
        }
    }

    /// The zip's bytes.
    public static func zip(_ parts: [Part]) -> [UInt8] {
        var out: [UInt8] = []
        var directory: [UInt8] = []
        for part in parts {
            let name = Array(part.name.utf8)
            let data = part.deflate ? deflated(part.bytes) : part.bytes
            let crc = UInt32(part.bytes.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) })
            let size = part.declaredSize ?? UInt32(part.bytes.count)
            let method: UInt16 = part.deflate ? 8 : 0
            let offset = UInt32(out.count)
            out += le32(0x0403_4B50) + le16(20) + le16(0) + le16(method) + le16(0) + le16(0x21)
            out += le32(crc) + le32(UInt32(data.count)) + le32(size) + le16(UInt16(name.count)) + le16(0) + name + data
            directory += le32(0x0201_4B50) + le16(20) + le16(20) + le16(0) + le16(method) + le16(0) + le16(0x21)
            directory += le32(crc) + le32(UInt32(data.count)) + le32(size) + le16(UInt16(name.count))
            directory += le16(0) + le16(0) + le16(0) + le16(0) + le32(0) + le32(offset) + name
        }
        let directoryOffset = UInt32(out.count)
        out += directory
        out += le32(0x0605_4B50) + le16(0) + le16(0) + le16(UInt16(parts.count)) + le16(UInt16(parts.count))
        out += le32(UInt32(directory.count)) + le32(directoryOffset) + le16(0)
        return out
    }

    /// Raw deflate (no zlib header), as zip entries hold it.
    public static func deflated(_ bytes: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        guard deflateInit2_(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY,
                            ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return [] }
        defer { deflateEnd(&stream) }
        var input = bytes
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))) + 16)
        let written = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer -> Int in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = uInt(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = uInt(outBuffer.count)
                _ = deflate(&stream, Z_FINISH)
                return outBuffer.count - Int(stream.avail_out)
            }
        }
        return Array(output.prefix(written))
    }

    private static func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
    private static func le32(_ v: UInt32) -> [UInt8] { le16(UInt16(v & 0xFFFF)) + le16(UInt16(v >> 16)) }
}
