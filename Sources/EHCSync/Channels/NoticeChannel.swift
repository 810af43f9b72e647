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

extension OutboxMessage {
    /// The message as RFC 5322 mail, its Message-ID stable per notice (for the mail channels).
    func mail(from: String, to: [String]) -> MailMessage {
        MailMessage(from: from, to: to, subject: subject, date: createdAt,
                    messageID: MailAddress.messageID(noticeID: noticeID, from: from), text: text, html: html)
    }
}

/// What one delivery attempt came to.
public enum DeliveryOutcome: Sendable, Equatable {
    case delivered
    /// Worth trying again (timeouts, 408, 429, 5xx), no sooner than `retryAfterSeconds`.
    case retry(String, retryAfterSeconds: Int?)
    /// Will never work as it stands (other 4xx, a refused recipient, a bad secret).
    case failed(String)
}

/// How a notice leaves EHC Sync: `email_file`, `smtp` or `webhook` (SPEC §6).
public protocol NoticeChannel: Sendable {
    var name: String { get }
    func deliver(_ message: OutboxMessage, now: Timestamp) async -> DeliveryOutcome
}
