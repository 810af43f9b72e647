/// The character encodings a CSV feed may declare.
///
/// Case systems export UTF-8 (often with a byte order mark, from Excel's "CSV UTF-8") or the
/// Windows code page of the machine that wrote the file; ISO-8859-1 is there for the odd
/// Unix export. JSON and NDJSON are always UTF-8 (RFC 8259) and take no encoding.
public enum TextEncoding: String, Sendable, CaseIterable {
    case utf8 = "utf-8"
    case windows1252 = "windows-1252"
    case iso88591 = "iso-8859-1"

    /// The text of `bytes` in this encoding, or `nil` when they are not valid UTF-8
    /// (the single-byte encodings map every byte, so they never fail).
    ///
    /// A decoder builds each field's `String` once, from the complete field: a multi-byte
    /// character split across read chunks is whole by then.
    public func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        if self == .utf8, TextEncoding.firstInvalidUTF8Offset(bytes) != nil { return nil }
        return string(validated: bytes)
    }

    /// The text of bytes already known to be valid in this encoding (for UTF-8: checked with
    /// `firstInvalidUTF8Offset`, once per record rather than once per field).
    func string(validated bytes: UnsafeBufferPointer<UInt8>) -> String {
        if bytes.isEmpty { return "" }
        switch self {
        case .utf8:
            return String(decoding: bytes, as: UTF8.self)
        case .windows1252, .iso88591:
            if TextEncoding.isASCII(bytes) { return String(decoding: bytes, as: UTF8.self) }
            return singleByteString(bytes)
        }
    }

    /// Transcodes a single-byte encoding to UTF-8: at most 3 UTF-8 bytes per byte (U+20AC).
    func singleByteString(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        let isWindows = self == .windows1252
        return String(unsafeUninitializedCapacity: bytes.count * 3) { out in
            var o = 0
            for byte in bytes {
                let scalar = isWindows ? TextEncoding.windows1252Scalar(byte) : UInt32(byte)
                if scalar < 0x80 {
                    out[o] = UInt8(scalar); o += 1
                } else if scalar < 0x800 {
                    out[o] = UInt8(0xC0 | (scalar >> 6))
                    out[o + 1] = UInt8(0x80 | (scalar & 0x3F)); o += 2
                } else {
                    out[o] = UInt8(0xE0 | (scalar >> 12))
                    out[o + 1] = UInt8(0x80 | ((scalar >> 6) & 0x3F))
                    out[o + 2] = UInt8(0x80 | (scalar & 0x3F)); o += 3
                }
            }
            return o
        }
    }

    /// The Unicode scalar of a Windows-1252 byte, as WHATWG's Encoding Standard maps it: 0x80–0x9F
    /// are typographic characters, and the five bytes the code page leaves undefined (0x81, 0x8D,
    /// 0x8F, 0x90, 0x9D) map to the C1 control of the same value, like ISO-8859-1.
    static func windows1252Scalar(_ byte: UInt8) -> UInt32 {
        switch byte {
        case 0x80: 0x20AC  // €
        case 0x82: 0x201A  // ‚
        case 0x83: 0x0192  // ƒ
        case 0x84: 0x201E  // „
        case 0x85: 0x2026  // …
        case 0x86: 0x2020  // †
        case 0x87: 0x2021  // ‡
        case 0x88: 0x02C6  // ˆ
        case 0x89: 0x2030  // ‰
        case 0x8A: 0x0160  // Š
        case 0x8B: 0x2039  // ‹
        case 0x8C: 0x0152  // Œ
        case 0x8E: 0x017D  // Ž
        case 0x91: 0x2018  // ‘
        case 0x92: 0x2019  // ’
        case 0x93: 0x201C  // “
        case 0x94: 0x201D  // ”
        case 0x95: 0x2022  // •
        case 0x96: 0x2013  // –
        case 0x97: 0x2014  // —
        case 0x98: 0x02DC  // ˜
        case 0x99: 0x2122  // ™
        case 0x9A: 0x0161  // š
        case 0x9B: 0x203A  // ›
        case 0x9C: 0x0153  // œ
        case 0x9E: 0x017E  // ž
        case 0x9F: 0x0178  // Ÿ
        default: UInt32(byte)
        }
    }

    /// Whether every byte is below 0x80, eight bytes at a time.
    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let n = bytes.count
        var i = 0
        var acc: UInt64 = 0
        while i + 8 <= n {
            acc |= UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            i += 8
        }
        while i < n {
            acc |= UInt64(base[i])
            i += 1
        }
        return acc & 0x8080_8080_8080_8080 == 0
    }

    /// The offset of the first byte that does not start a well-formed UTF-8 sequence (RFC 3629:
    /// no overlong forms, no surrogates, nothing above U+10FFFF, no sequence cut short), or `nil`.
    ///
    /// Only the error path needs the offset, to name the line; the fast path is `string(_:)`.
    public static func firstInvalidUTF8Offset(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        let n = bytes.count
        var i = 0
        func isContinuation(_ k: Int) -> Bool { k < n && base[k] & 0xC0 == 0x80 }
        while i < n {
            if i + 8 <= n, UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                i += 8
                continue
            }
            let lead = base[i]
            switch lead {
            case 0x00..<0x80:
                i += 1
            case 0xC2..<0xE0:
                guard isContinuation(i + 1) else { return i }
                i += 2
            case 0xE0..<0xF0:
                guard i + 1 < n else { return i }
                let second = base[i + 1]
                let range: ClosedRange<UInt8> = lead == 0xE0 ? 0xA0...0xBF : lead == 0xED ? 0x80...0x9F : 0x80...0xBF
                guard range.contains(second), isContinuation(i + 2) else { return i }
                i += 3
            case 0xF0..<0xF5:
                guard i + 1 < n else { return i }
                let second = base[i + 1]
                let range: ClosedRange<UInt8> = lead == 0xF0 ? 0x90...0xBF : lead == 0xF4 ? 0x80...0x8F : 0x80...0xBF
                guard range.contains(second), isContinuation(i + 2), isContinuation(i + 3) else { return i }
                i += 4
            default:
                return i
            }
        }
        return nil
    }

    /// How many line breaks (CRLF, LF or a lone CR, each counted once) come before `offset`:
    /// added to the line a record starts on, it gives the line of a fault inside the record.
    public static func lineBreaks(in bytes: UnsafeBufferPointer<UInt8>, before offset: Int) -> Int {
        var count = 0
        var i = 0
        let end = min(offset, bytes.count)
        while i < end {
            let byte = bytes[i]
            if byte == ASCII.lf {
                count += 1
            } else if byte == ASCII.cr {
                count += 1
                if i + 1 < end, bytes[i + 1] == ASCII.lf { i += 1 }
            }
            i += 1
        }
        return count
    }
}

/// The ASCII bytes the decoders look for, named so that the scanners read as prose.
enum ASCII {
    static let lf = UInt8(ascii: "\n")
    static let cr = UInt8(ascii: "\r")
    static let tab = UInt8(ascii: "\t")
    static let space = UInt8(ascii: " ")
    static let quote = UInt8(ascii: "\"")
    static let backslash = UInt8(ascii: "\\")
}
