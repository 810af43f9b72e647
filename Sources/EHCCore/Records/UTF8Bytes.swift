extension StringProtocol {
    /// Hands `body` the text's UTF-8 bytes: in place for a native string or substring
    /// (a small one is copied to the stack), else from a copy. The parsers of dates,
    /// timestamps and NHS numbers read fields of every record, and an array each was
    /// half the reading thread's allocations on a first load.
    func withUTF8Bytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        if let result = try utf8.withContiguousStorageIfAvailable(body) { return result }
        return try Array(utf8).withUnsafeBufferPointer(body)
    }
}
