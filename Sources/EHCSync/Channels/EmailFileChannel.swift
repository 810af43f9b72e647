import EHCCore
import Foundation

/// `email_file` (SPEC §6): one RFC 5322 message per notice in `dir`, written under a
/// hidden temporary name and renamed into place (`NOTICE.eml`, mode 0640), for a mail
/// server's pickup folder or a person. A resend after a crash rewrites the same file
/// with the same Message-ID.
public struct EmailFileChannel: NoticeChannel {
    public let name: String
    let dir: String
    let from: String
    let to: [String]
    let zone: TimeZone

    public init(name: String, dir: String, from: String, to: [String], zone: TimeZone) {
        self.name = name
        self.dir = dir
        self.from = from
        self.to = to
        self.zone = zone
    }

    public func deliver(_ message: OutboxMessage, now: Timestamp) async -> DeliveryOutcome {
        let mail = message.mail(from: from, to: to)
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try AtomicFile.write(mail.rfc5322(in: zone), to: dir + "/" + message.noticeID + ".eml", mode: 0o640)
            return .delivered
        } catch {
            return .retry("cannot write to \(dir): \(error)", retryAfterSeconds: nil)
        }
    }
}
