import EHCCore
import Foundation

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
