/// Lets the CSV decoder recognise a row a feed sent before from the row's bytes, before
/// any field becomes a `String`: in a daily full re-export nearly every row is one.
///
/// The hash is the one `CSVLayout.rawHash` gives the row's strings (the same bytes in
/// UTF-8, column by column), so the decoder and the string path always agree; rows of a
/// single-byte encoding with non-ASCII bytes are transcoded first. Set `columns` once
/// the header is known; until then the filter lets every row through.
public final class CSVRowFilter {
    /// The header positions the hash covers, in order (a layout's slot indexes).
    public var columns: [Int]?
    public let seed: UInt64
    public let known: RowHashSet

    public init(seed: UInt64, known: RowHashSet) {
        self.seed = seed
        self.known = known
    }
}
