/// The object `advice list --json` prints for one record (SPEC §9), built in the core
/// so that notices, the digest and the command line all describe a record the same
/// way. Items in notices leave out the identifying fields (SPEC §5) unless
/// `include_identifiers` is set.
public enum AdviceItemJSON {
    /// The canonical fields that appear, in SPEC §3 order; `due_on` and `status` are
    /// written after `received_on`, `updated_at` from the store when given.
    static let outputFields: [CanonicalField] = CanonicalField.allCases.filter {
        $0 != .status && $0 != .updated_at && $0 != .due_on
    }

    /// `{...}` for one record.
    public static func render(state: AdviceState, view: DeadlineView, openConflicts: Int, includeIdentifiers: Bool,
                              updatedAt: Timestamp? = nil) -> String {
        "{" + members(state: state, view: view, openConflicts: openConflicts, includeIdentifiers: includeIdentifiers,
                      updatedAt: updatedAt) + "}"
    }

    /// The members without the braces, so a notice can add its own keys to the same
    /// object. Every key appears at most once.
    public static func members(state: AdviceState, view: DeadlineView, openConflicts: Int, includeIdentifiers: Bool,
                               updatedAt: Timestamp? = nil) -> String {
        var out = ""
        out.reserveCapacity(512)
        func add(_ key: String, _ raw: String) {
            if !out.isEmpty { out += "," }
            out += "\"" + key + "\":" + raw
        }
        for field in outputFields {
            if includeIdentifiers || !field.isPersonal, let v = state.value(field) {
                add(field.rawValue, JSONText.quoted(v))
            }
            if field == .received_on {
                if let due = view.dueOn { add("due_on", "\"" + due.description + "\"") }
                add("status", JSONText.quoted(state.status))
            }
        }
        if let updatedAt { add("updated_at", "\"" + updatedAt.description + "\"") }
        if let s = state.laStatus { add("la_status", "\"" + s.rawValue + "\"") }
        if let s = state.providerStatus { add("provider_status", "\"" + s.rawValue + "\"") }
        add("state", "\"" + view.state.rawValue + "\"")
        add("disputed", view.disputed ? "true" : "false")
        if let d = view.daysOverdue { add("days_overdue", String(d)) }
        if let a = view.answeredOn { add("answered_on", "\"" + a.description + "\"") }
        if let o = view.onTime { add("on_time", o ? "true" : "false") }
        if let w = view.timelineWeek { add("timeline_week", String(w)) }
        // The stated exception is written with the fields; write the view's only if
        // the state has none, so the key is never repeated.
        if state.value(.exception) == nil, let e = view.exception { add("exception", "\"" + e.rawValue + "\"") }
        add("open_conflicts", String(openConflicts))
        return out
    }
}
