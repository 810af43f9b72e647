import EHCCore
import Foundation

/// Builds every configured channel in one explicit switch (no registry), reading the
/// secrets it needs. All of it happens before anything live is touched, so a bad
/// secret file stops a start or a reload with a clear error.
public enum ChannelFactory {
    public static func make(_ config: AppConfig) throws(ChannelError) -> [any NoticeChannel] {
        var out: [any NoticeChannel] = []
        for channel in config.channels {
            switch channel.kind {
            case .emailFile(let dir, let from, let to):
                out.append(EmailFileChannel(name: channel.name, dir: dir, from: from, to: to, zone: config.timeZone))
            case .smtp(let url, let username, let passwordFile, let caFile, let from, let to, let timeoutSeconds):
                let password = try passwordFile.map { path throws(ChannelError) in
                    let text = try readSecret(path, channel: channel.name)
                    return text.hasSuffix("\n") ? String(text.dropLast()) : text
                }
                out.append(SMTPChannel(name: channel.name, url: url, username: username, password: password, caFile: caFile,
                                       from: from, to: to, timeoutSeconds: timeoutSeconds, zone: config.timeZone))
            case .webhook(let url, let secretFile, _, let allowInsecureHTTP, let caFile, let timeoutSeconds):
                let signature = try WebhookSignature(secretText: readSecret(secretFile, channel: channel.name))
                out.append(WebhookChannel(name: channel.name, url: url, signature: signature, caFile: caFile,
                                          timeoutSeconds: timeoutSeconds, allowInsecureHTTP: allowInsecureHTTP))
            }
        }
        return out
    }

    /// How long a channel keeps trying before a notice finally fails.
    public static func maxRetryHours(_ channel: ChannelConfig) -> Int {
        if case .webhook(_, _, let hours, _, _, _) = channel.kind { return hours }
        return 24
    }

    /// A secret file's text (a password keeps its trailing newline trimmed by the
    /// caller's rules). The message names the file, never its content.
    static func readSecret(_ path: String, channel: String) throws(ChannelError) -> String {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ChannelError("channel \(channel): cannot read the secret file \(path)")
        }
        return text
    }
}
