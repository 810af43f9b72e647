import Foundation

/// `Link` headers (RFC 8288), as far as pagination needs them: the target of
/// `rel="next"`.
enum LinkHeader {
    /// The first target whose `rel` includes `next` across all `values` (a response may
    /// carry several `Link` headers, each with several links), as written (maybe relative).
    static func next(_ values: [String]) -> String? {
        for value in values {
            for link in links(in: value) where link.rels.contains("next") { return link.target }
        }
        return nil
    }

    /// Each `<target>; param=value; …` of one header value, with its `rel` values
    /// lower-cased. Commas inside `<…>` or quotes do not split links.
    static func links(in value: String) -> [(target: String, rels: [String])] {
        var out: [(target: String, rels: [String])] = []
        var rest = Substring(value)
        while let open = rest.firstIndex(of: "<") {
            guard let close = rest[open...].firstIndex(of: ">") else { break }
            let target = String(rest[rest.index(after: open)..<close])
            // The parameters run to the next comma outside quotes.
            var end = rest.index(after: close)
            var quoted = false
            while end < rest.endIndex {
                let c = rest[end]
                if c == "\"" { quoted.toggle() } else if c == ",", !quoted { break }
                end = rest.index(after: end)
            }
            var rels: [String] = []
            for param in rest[rest.index(after: close)..<end].split(separator: ";") {
                let parts = param.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces).lowercased() == "rel" else { continue }
                let raw = parts[1].trimmingCharacters(in: .whitespaces)
                let unquoted = raw.hasPrefix("\"") && raw.hasSuffix("\"") && raw.count >= 2 ? String(raw.dropFirst().dropLast()) : raw
                rels += unquoted.lowercased().split(separator: " ").map(String.init)
            }
            out.append((target.trimmingCharacters(in: .whitespaces), rels))
            rest = end < rest.endIndex ? rest[rest.index(after: end)...] : rest[rest.endIndex...]
        }
        return out
    }
}
