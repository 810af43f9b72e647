import EHCCore
import Foundation

/// `smtp` (SPEC §6) through libcurl: `smtp://` must upgrade with STARTTLS, `smtps://`
/// is TLS from the start; login only when a username is configured.
public struct SMTPChannel: NoticeChannel {
    public let name: String
    let url: String
    let username: String?
    let password: String?
    let caFile: String?
    let from: String
    let to: [String]
    let timeoutSeconds: Int
    let zone: TimeZone

    public init(name: String, url: String, username: String?, password: String?, caFile: String?, from: String,
                to: [String], timeoutSeconds: Int, zone: TimeZone) {
        self.name = name
        self.url = url
        self.username = username
        self.password = password
        self.caFile = caFile
        self.from = from
        self.to = to
        self.timeoutSeconds = timeoutSeconds
        self.zone = zone
    }

    public func deliver(_ message: OutboxMessage, now: Timestamp) async -> DeliveryOutcome {
        let mail = message.mail(from: from, to: to)
        let smtp = SMTPMessage(url: url, username: username, password: password, caFile: caFile,
                               from: MailAddress.bare(from), recipients: to.map(MailAddress.bare),
                               message: mail.rfc5322(in: zone), timeoutSeconds: Double(timeoutSeconds))
        do {
            try await CurlClient.send(smtp)
            return .delivered
        } catch {
            return Self.outcome(of: error)
        }
    }

    /// A refused login (67), no STARTTLS (64) or a sender or recipient refused for good
    /// (55 with a 5xx reply) will not fix themselves: failed at once. Everything else is
    /// retried: a temporary refusal (4xx, at any step: RFC 5321 §4.2.1 says try again
    /// later), a connection refused or broken while sending (55 with no reply), a timeout.
    static func outcome(of error: CurlError) -> DeliveryOutcome {
        switch error.code {
        case 64, 67: .failed(error.description)
        case 55 where (error.smtpReply ?? 0) >= 500: .failed(error.description)
        default: .retry(error.description, retryAfterSeconds: nil)
        }
    }
}
