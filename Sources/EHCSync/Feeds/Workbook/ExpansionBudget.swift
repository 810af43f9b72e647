/// The bytes a workbook may unpack to (`xlsx.max_bytes`), counted as they are made.
///
/// A zip declares each part's unpacked size, and the sum is checked before anything is
/// unpacked; but the declaration is the zip's own word, so the bytes actually inflated
/// are counted too, across every part read, and reading stops the moment they pass the
/// limit. A zip bomb (a small file unpacking to gigabytes) is rejected having cost at
/// most `limit` bytes of work, whatever its headers say.
final class ExpansionBudget {
    let limit: Int
    private(set) var spent = 0

    init(limit: Int) { self.limit = limit }

    /// Counts `count` more unpacked bytes; throws once the total passes the limit.
    func spend(_ count: Int) throws {
        spent += count
        if spent > limit { throw Self.exceeded(limit: limit) }
    }

    /// The rejection for a workbook over the limit, declared or found.
    static func exceeded(limit: Int) -> WorkbookError {
        WorkbookError("unpacks to more than xlsx.max_bytes (\(limit) bytes), so it was rejected without being unpacked "
            + "(a zip bomb looks like this); if the workbook is genuine, raise xlsx.max_bytes")
    }
}
