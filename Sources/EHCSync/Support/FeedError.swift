import Foundation

/// A feed-level failure (folder missing, unreadable, a file that cannot be written or
/// moved): the feed is marked failing. It lives in `Support/` because `AtomicFile`
/// throws it too, and the feeds use `AtomicFile`, not the other way round.
public struct FeedError: Error, Sendable, CustomStringConvertible {
    public var message: String
    /// A failure described in one line for the operator.
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
