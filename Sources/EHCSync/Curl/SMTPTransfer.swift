import CCurl
import Foundation

/// One `SMTPMessage`, checked and ready to send: refusals happen in `init`, before any
/// network I/O; `run` sends it with TLS required (STARTTLS for `smtp://`, implicit for
/// `smtps://`) on the calling (dedicated) thread.
struct SMTPTransfer: Sendable {
    let mail: SMTPMessage
    let url: CurlURL

    init(_ mail: SMTPMessage) throws(CurlError) {
        let url = try CurlURL(mail.url)
        guard url.scheme == "smtp" || url.scheme == "smtps" else {
            throw CurlError(code: CURLE_UNSUPPORTED_PROTOCOL, message: "refusing \(url.scheme):// for mail: only smtp (with STARTTLS) or smtps")
        }
        guard (mail.username == nil) == (mail.password == nil) else {
            throw CurlError(code: CURLE_BAD_FUNCTION_ARGUMENT, message: "SMTP login needs both a username and a password")
        }
        try Self.checkAddress(mail.from, "sender")
        guard !mail.recipients.isEmpty else {
            throw CurlError(code: CURLE_BAD_FUNCTION_ARGUMENT, message: "a mail needs at least one recipient")
        }
        for recipient in mail.recipients { try Self.checkAddress(recipient, "recipient") }
        guard !mail.message.isEmpty else {
            throw CurlError(code: CURLE_BAD_FUNCTION_ARGUMENT, message: "the mail message is empty")
        }
        _ = try HTTPTransfer.milliseconds(mail.timeoutSeconds, "timeoutSeconds")
        self.mail = mail
        self.url = url
    }

    /// Sends the mail, blocking this thread until the server has accepted it (or not).
    func run(_ cancellation: CurlCancellation) -> Result<Void, CurlError> {
        let sink = CurlTransferSink(maxBytes: 64 * 1024, cancellation: cancellation, upload: mail.message)
        do throws(CurlError) {
            if cancellation.isCancelled {
                return .failure(CurlError(code: CURLE_ABORTED_BY_CALLBACK, message: "mail via \(url.origin): cancelled"))
            }
            let easy = try CurlEasy()
            try configure(easy)
            try easy.attach(sink, headers: false, upload: true)
            let code = easy.perform()
            guard code == CURLE_OK else {
                var error = failure(code, detail: easy.errorDetail, sink: sink)
                // libcurl gives one code (55) for a refused MAIL FROM or RCPT TO, whether
                // the refusal is temporary (4xx) or for good (5xx): the reply tells them apart.
                error.smtpReply = easy.infoInt(CURLINFO_RESPONSE_CODE).flatMap { $0 > 0 ? $0 : nil }
                return .failure(error)
            }
            return .success(())
        } catch {
            return .failure(error.redacting(mail.secrets))
        }
    }

    private func configure(_ easy: CurlEasy) throws(CurlError) {
        try easy.set(CURLOPT_URL, url.normalized)
        try easy.set(CURLOPT_PROTOCOLS_STR, url.scheme)
        try easy.set(CURLOPT_NOSIGNAL, true)
        try easy.set(CURLOPT_TIMEOUT_MS, HTTPTransfer.milliseconds(mail.timeoutSeconds, "timeoutSeconds"))
        try easy.set(CURLOPT_CONNECTTIMEOUT_MS, 10_000)
        try easy.set(CURLOPT_LOW_SPEED_LIMIT, HTTPTransfer.lowSpeedLimitBytes)
        try easy.set(CURLOPT_LOW_SPEED_TIME, HTTPTransfer.lowSpeedTimeSeconds)
        // TLS or nothing: for smtp:// a server that does not offer STARTTLS is an error.
        try easy.set(CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue))
        try CurlClient.applyTLS(to: easy, caFile: mail.caFile)
        if CurlClient.isLoopback(host: url.host) { try easy.set(CURLOPT_PROXY, "") }
        if let username = mail.username, let password = mail.password {
            try easy.set(CURLOPT_USERNAME, username)
            try easy.set(CURLOPT_PASSWORD, password)
        }
        try easy.set(CURLOPT_MAIL_FROM, "<\(mail.from)>")
        try easy.set(CURLOPT_MAIL_RCPT, list: mail.recipients.map { "<\($0)>" })
        try easy.set(CURLOPT_UPLOAD, true)
        try easy.set(CURLOPT_INFILESIZE_LARGE, offset: Int64(mail.message.count))
    }

    private func failure(_ code: CURLcode, detail: String, sink: CurlTransferSink) -> CurlError {
        let prefix = "mail via \(url.origin)"
        let message: String
        switch sink.stop {
        case .cancelled:
            message = "\(prefix): cancelled"
        case .some(let other):
            message = "\(prefix): stopped (\(other))"
        case nil where code == CURLE_USE_SSL_FAILED:
            message = "\(prefix): the server does not offer TLS (STARTTLS is required for smtp://)"
                + (detail.isEmpty ? "" : ": \(detail)")
        case nil:
            message = "\(prefix) failed: \(CurlError.meaning(of: code))" + (detail.isEmpty ? "" : ": \(detail)")
        }
        return CurlError(code: code, message: message).redacting(mail.secrets)
    }

    /// A bare address: something@something, nothing that could break out of the SMTP
    /// command it is written into.
    private static func checkAddress(_ address: String, _ role: String) throws(CurlError) {
        let forbidden: Set<UInt8> = [0, 9, 10, 13, 32, UInt8(ascii: "<"), UInt8(ascii: ">")]
        guard !address.isEmpty, address.contains("@"), !address.utf8.contains(where: forbidden.contains) else {
            throw CurlError(code: CURLE_BAD_FUNCTION_ARGUMENT, message: "invalid \(role) address \"\(address.prefix(80))\"")
        }
    }
}
