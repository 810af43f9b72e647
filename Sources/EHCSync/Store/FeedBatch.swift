import EHCCore
import Foundation

/// One file or one page of a feed as the store applies it: whose it is, the rules and
/// the clock it is judged by, the immediate notices it may raise, and whether it is
/// large enough for the bulk path (`ObservationApplier.bulk`, and a first load's
/// rollback journal: `AppDatabase.firstLoad`).
public struct FeedBatch: Sendable {
    public var feedID: Int64
    public var role: Role
    public var rules: AdviceRules
    /// The run's clock (may be `--now`) and its local day.
    public var now: Timestamp
    public var today: CivilDate
    /// Records immediate notices with the changes that cause them (nil: no recipients).
    public var notices: ImmediateNotices?
    /// True for a file or page of at least `FolderFeed.knownRowsThreshold` bytes.
    public var large: Bool

    /// A batch of feed `feedID`, judged at `now`.
    public init(feedID: Int64, role: Role, rules: AdviceRules, now: Timestamp, today: CivilDate, notices: ImmediateNotices?,
                large: Bool) {
        self.feedID = feedID
        self.role = role
        self.rules = rules
        self.now = now
        self.today = today
        self.notices = notices
        self.large = large
    }
}

/// What a caller's reading of one file or page came to, besides what the applier
/// counted: rows read and rows that failed, with the first failure's words.
public struct RowTally: Sendable, Equatable {
    public var rowsRead = 0, rowsFailed = 0
    public var firstRowError: String?
    /// A tally of `rowsRead` rows, `rowsFailed` of which failed.
    public init(rowsRead: Int = 0, rowsFailed: Int = 0, firstRowError: String? = nil) {
        self.rowsRead = rowsRead
        self.rowsFailed = rowsFailed
        self.firstRowError = firstRowError
    }
}

/// One file of a drop folder as its bookkeeping (`source_file`) records it.
public struct SourceFile: Sendable, Equatable {
    public var feedID: Int64
    public var name: String
    /// SHA-256 of its content, hex: the same content is applied once, whatever its name.
    public var sha256: String
    public var size: Int64

    /// The file `name` of feed `feedID`, its content hashed to `sha256`.
    public init(feedID: Int64, name: String, sha256: String, size: Int64) {
        self.feedID = feedID
        self.name = name
        self.sha256 = sha256
        self.size = size
    }
}
