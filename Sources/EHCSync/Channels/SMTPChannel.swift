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
            // Refused login, refused recipients or no STARTTLS will not fix themselves.
            switch error.code {
            case 55, 64, 67: return .failed(error.description)
            default: return .retry(error.description, retryAfterSeconds: nil)
            }
        }
    }
}
