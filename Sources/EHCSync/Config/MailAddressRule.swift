import Foundation

/// A deliberately plain check of mail addresses, `a@b.example` or
/// `Name <a@b.example>`: enough to catch typos and header injection (no line
/// breaks), without pretending to implement all of RFC 5322.
enum MailAddressRule {
    static let forms = "write name@example.nhs.uk or \"Team Name <name@example.nhs.uk>\""

    /// Whether `text` is an address in one of the accepted forms.
    static func isValid(_ text: String) -> Bool {
        guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return false }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let open = trimmed.lastIndex(of: "<") {
            guard trimmed.hasSuffix(">") else { return false }
            let inner = trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]
            let name = trimmed[..<open]
            return !name.contains(">") && isAddrSpec(inner)
        }
        return isAddrSpec(Substring(trimmed))
    }

    /// `local@domain`, with a dotted domain of letters, digits and hyphens.
    static func isAddrSpec(_ text: Substring) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, let local = parts.first, let domain = parts.last, !local.isEmpty, !domain.isEmpty else {
            return false
        }
        let forbidden: Set<Character> = [" ", "<", ">", "(", ")", ",", ";", ":", "\"", "[", "]", "\\"]
        guard !local.contains(where: { forbidden.contains($0) }) else { return false }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        return labels.allSatisfy { label in
            !label.isEmpty && label.first != "-" && label.last != "-"
                && label.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" }
        }
    }
}
