import EHCCore
import Foundation

/// A message waiting in the outbox, as a channel sends it. Its `noticeID` is stable
/// across retries and restarts: the `webhook-id` and the mail `Message-ID`, so a
/// receiver can drop a duplicate that a crash between sending and recording caused.
public struct OutboxMessage: Sendable, Equatable {
    public var id: Int64
    public var noticeID: String
    public var kind: NoticeKind
    public var recipient: String
    public var channel: String
    public var subject: String
    public var text: String
    public var html: String
    public var json: String
    public var createdAt: Timestamp
    public var attempts: Int
    public var giveUpAt: Timestamp
}

/// What the store records of one delivery attempt (`AppDatabase.settle`): the channel's
/// answer already turned into the message's next state by the outbox's retry rule, so
/// the store needs to know nothing of channels.
public enum OutboxSettlement: Sendable, Equatable {
    /// Delivered: the message is sent.
    case sent
    /// Not delivered, to be tried again at `at`.
    case retry(at: Timestamp, error: String)
    /// Not delivered, and never to be tried again (refused, or out of retries).
    case failed(String)
}
