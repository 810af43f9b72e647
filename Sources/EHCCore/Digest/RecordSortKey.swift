/// The order records are listed in: by a day, then by request id in UTF-8 byte order
/// (the same as code-point order, and as `String`'s order for the ASCII ids feeds
/// send). The first 16 bytes of the id are packed into two integers, so sorting a
/// large section compares integers and only rarely walks a string.
struct RecordSortKey: Comparable {
    var day: Int
    var head: UInt64
    var tail: UInt64
    var id: String
    var index: Int

    init(day: Int, id: String, index: Int) {
        self.day = day
        self.id = id
        self.index = index
        var head: UInt64 = 0, tail: UInt64 = 0, n = 0
        for b in id.utf8 {
            if n < 8 { head |= UInt64(b) << (56 - 8 * n) } else if n < 16 { tail |= UInt64(b) << (56 - 8 * (n - 8)) } else { break }
            n += 1
        }
        self.head = head
        self.tail = tail
    }

    static func < (a: RecordSortKey, b: RecordSortKey) -> Bool {
        if a.day != b.day { return a.day < b.day }
        if a.head != b.head { return a.head < b.head }
        if a.tail != b.tail { return a.tail < b.tail }
        return a.id.utf8.lexicographicallyPrecedes(b.id.utf8)
    }

    static func == (a: RecordSortKey, b: RecordSortKey) -> Bool {
        a.day == b.day && a.id == b.id
    }
}
