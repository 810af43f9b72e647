import EHCCore

/// The plain-text table of `advice list`, for a person at a terminal. It shows ids,
/// provider, service, dates and flags: no names or NHS numbers.
public enum AdviceTable {
    public static func render(_ items: [AdviceListItem]) -> String {
        if items.isEmpty { return "No advice records in this state." }
        let header = ["REQUEST", "CASE", "PROVIDER", "SERVICE", "STATE", "DUE", "OVERDUE", "FLAGS"]
        var rows: [[String]] = [header]
        for item in items {
            var flags: [String] = []
            if item.view.disputed { flags.append("disputed") }
            if let e = item.view.exception { flags.append("exception:\(e.rawValue)") }
            if item.openConflicts > 0 { flags.append("conflicts:\(item.openConflicts)") }
            if let w = item.view.timelineWeek { flags.append("week \(w)/20") }
            rows.append([item.state.requestID, item.state.value(.case_ref) ?? "", item.state.value(.provider_ods) ?? "",
                         item.state.value(.service) ?? "", item.view.state.rawValue,
                         item.view.workingDueOn?.description ?? "", item.view.daysOverdue.map { "\($0)d" } ?? "",
                         flags.joined(separator: " ")])
        }
        return layout(rows) + "\n\(items.count) record\(items.count == 1 ? "" : "s")"
    }

    /// Left-aligned columns separated by two spaces.
    public static func layout(_ rows: [[String]]) -> String {
        let widths = (0..<(rows.first?.count ?? 0)).map { i in rows.map { $0[i].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n")
    }
}
