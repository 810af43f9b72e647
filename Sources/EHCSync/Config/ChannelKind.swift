/// The three delivery mechanisms of SPEC §6 and what each needs. Secret values are
/// never here, only absolute paths of files holding them.
public enum ChannelKind: Sendable, Equatable {
    /// One `.eml` file per notice in `dir` (absolute), for a mail pickup or a person.
    case emailFile(dir: String, from: String, to: [String])
    /// Through an SMTP relay: `smtp://` (STARTTLS required) or `smtps://`.
    case smtp(
        url: String, username: String?, passwordFile: String?, caFile: String?,
        from: String, to: [String], timeoutSeconds: Int
    )
    /// A signed JSON `POST` (Standard Webhooks).
    case webhook(
        url: String, secretFile: String, maxRetryHours: Int, allowInsecureHTTP: Bool,
        caFile: String?, timeoutSeconds: Int
    )

    /// The config key naming this kind (`email_file`, `smtp`, `webhook`).
    public var key: String {
        switch self {
        case .emailFile: return "email_file"
        case .smtp: return "smtp"
        case .webhook: return "webhook"
        }
    }
}
