import Foundation

extension String {
    /// The string without leading and trailing white space. A byte-level trim for
    /// ASCII: Foundation's `trimmingCharacters(in:)` bridges through NSString and was
    /// a tenth of the bulk ingest path. Returns `self` unchanged (no copy) when there
    /// is nothing to trim, the common case.
    public var trimmedASCIIWhitespace: String {
        var start = utf8.startIndex
        var end = utf8.endIndex
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        while start < end, isSpace(utf8[start]) { start = utf8.index(after: start) }
        while end > start, isSpace(utf8[utf8.index(before: end)]) { end = utf8.index(before: end) }
        // A non-ASCII byte at either end may be a Unicode space (a no-break space pasted
        // from Excel): let Foundation decide those rare cases.
        if start < end, utf8[start] >= 0x80 || utf8[utf8.index(before: end)] >= 0x80 {
            return String(self[start..<end]).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if start == utf8.startIndex && end == utf8.endIndex { return self }
        return String(self[start..<end])
    }

    /// True when the string is empty or only spaces and tabs.
    public var isBlank: Bool { utf8.allSatisfy { $0 == 0x20 || $0 == 0x09 } }
}
