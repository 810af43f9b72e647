import EHCCore
import Foundation

/// `webhook` (SPEC §6): POST of the notice's JSON, signed the Standard Webhooks way.
/// 2xx is delivered; 408, 429, 5xx and transport errors are retried; other 4xx fail.
public struct WebhookChannel: NoticeChannel {
    public let name: String
    let url: String
    let signature: WebhookSignature
    let caFile: String?
    let timeoutSeconds: Int
    let allowInsecureHTTP: Bool

    public init(name: String, url: String, signature: WebhookSignature, caFile: String?, timeoutSeconds: Int,
                allowInsecureHTTP: Bool) {
        self.name = name
        self.url = url
        self.signature = signature
        self.caFile = caFile
        self.timeoutSeconds = timeoutSeconds
        self.allowInsecureHTTP = allowInsecureHTTP
    }

    public func deliver(_ message: OutboxMessage, now: Timestamp) async -> DeliveryOutcome {
        let body = Data(message.json.utf8)
        // Receivers check the timestamp against their own clock, so sign with the real time.
        let timestamp = Int64(Date().timeIntervalSince1970)
        let request = HTTPRequest(
            method: .post, url: url,
            headers: [("Content-Type", "application/json"), ("webhook-id", message.noticeID),
                      ("webhook-timestamp", String(timestamp)),
                      ("webhook-signature", signature.sign(id: message.noticeID, timestamp: timestamp, body: body))],
            body: body, timeoutSeconds: Double(timeoutSeconds), maxBytes: 1_000_000, caFile: caFile,
            allowInsecureHTTP: allowInsecureHTTP)
        let response: HTTPResponse
        do {
            response = try await CurlClient.perform(request)
        } catch {
            return .retry(error.description, retryAfterSeconds: nil)
        }
        return Self.outcome(status: response.status, retryAfter: response.header("retry-after"), body: response.body)
    }

    /// The SPEC's rule for an HTTP status.
    static func outcome(status: Int, retryAfter: String?, body: Data) -> DeliveryOutcome {
        switch status {
        case 200..<300:
            return .delivered
        case 408, 429, 500..<600:
            return .retry("HTTP \(status)\(firstLine(body))", retryAfterSeconds: RetryAfter.seconds(retryAfter, now: Date()))
        default:
            return .failed("HTTP \(status)\(firstLine(body))")
        }
    }

    static func firstLine(_ body: Data) -> String {
        let text = String(decoding: body.prefix(200), as: UTF8.self)
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
        return line.isEmpty ? "" : ": " + line
    }
}
