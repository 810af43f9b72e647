/// The bare address of `Name <a@b>` or `a@b`: the SMTP envelope and Message-ID domain.
enum MailAddress {
    static func bare(_ text: String) -> String {
        if let open = text.lastIndex(of: "<"), let close = text.lastIndex(of: ">"), open < close {
            return String(text[text.index(after: open)..<close]).trimmingCharacters(in: .whitespaces)
        }
        return text.trimmingCharacters(in: .whitespaces)
    }

    static func domain(_ text: String) -> String {
        let bare = bare(text)
        guard let at = bare.lastIndex(of: "@") else { return "ehcsync.invalid" }
        let domain = String(bare[bare.index(after: at)...])
        return domain.isEmpty ? "ehcsync.invalid" : domain
    }

    /// A stable Message-ID for a notice: the same on every retry and restart.
    static func messageID(noticeID: String, from: String) -> String { "<\(noticeID)@\(domain(from))>" }
}
