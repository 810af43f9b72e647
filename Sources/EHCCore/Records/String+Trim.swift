import Foundation

extension String {
    /// The string without leading and trailing white space. A byte-level trim for
    /// ASCII: Foundation's `trimmingCharacters(in:)` bridges through NSString and was
    /// a tenth of the bulk ingest path. Returns `self` unchanged (no copy) when there
    /// is nothing to trim, the common case.
    public var trimmedASCIIWhitespace: String {
        // Most values have nothing to trim: an ASCII letter or digit at each end.
        let untouched = utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            guard let first = bytes.first, let last = bytes.last else { return true }
            return first > 0x20 && first < 0x80 && last > 0x20 && last < 0x80
        }
        if untouched == true { return self }
        var start = utf8.startIndex
        var end = utf8.endIndex
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        while start < end, isSpace(utf8[start]) { start = utf8.index(after: start) }
        while end > start, isSpace(utf8[utf8.index(before: end)]) { end = utf8.index(before: end) }
        // A non-ASCII character at either end may be a Unicode space (a no-break space
        // pasted from Excel): Foundation trims those rare cases. A letter such as the
        // "é" ending a name is not one, and needs no trip through NSString.
        if start < end, utf8[start] >= 0x80 || utf8[utf8.index(before: end)] >= 0x80 {
            let inner = self[start..<end].unicodeScalars
            if let first = inner.first, let last = inner.last,
               first.properties.isWhitespace || last.properties.isWhitespace || first.value == 0x85 || last.value == 0x85 {
                return String(self[start..<end]).trimmingCharacters(in: .whitespacesAndNewlines)
            }
        }
        if start == utf8.startIndex && end == utf8.endIndex { return self }
        return String(self[start..<end])
    }

    /// The string lower-cased, or itself (no copy) when it holds no upper-case ASCII
    /// letter and nothing beyond ASCII, the common case for coded values.
    public var lowercasedIfNeeded: String {
        let lower = utf8.withContiguousStorageIfAvailable { bytes in
            !bytes.contains { ($0 >= 0x41 && $0 <= 0x5A) || $0 >= 0x80 }
        }
        return lower == true ? self : lowercased()
    }

    /// True when the string is empty or only spaces and tabs.
    public var isBlank: Bool { utf8.allSatisfy { $0 == 0x20 || $0 == 0x09 } }
}
