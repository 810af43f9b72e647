/// Every issue found in one configuration file, in line order. A config is either
/// wholly valid or rejected with this list: there is no "partly loaded" state, so a
/// bad reload can never leave a half-applied configuration running.
public struct ConfigErrors: Error, Sendable, CustomStringConvertible {
    /// Sorted by line; issues on the same line keep the order they were found in.
    public var issues: [ConfigIssue]

    /// Sorts the issues by line (stably), so output reads top to bottom like the file.
    public init(issues: [ConfigIssue]) {
        self.issues = issues.enumerated()
            .sorted { a, b in
                a.element.line != b.element.line ? a.element.line < b.element.line : a.offset < b.offset
            }
            .map(\.element)
    }

    /// One issue per line, ready for stderr.
    public var description: String {
        issues.map(\.description).joined(separator: "\n")
    }
}
