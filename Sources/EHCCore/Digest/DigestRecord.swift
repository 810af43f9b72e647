/// One record as a digest or notice lists it: its state, where it stands today, and
/// how many conflicts are open on it.
public struct DigestRecord: Sendable, Equatable {
    public var state: AdviceState
    public var view: DeadlineView
    public var openConflicts: Int

    public init(state: AdviceState, view: DeadlineView, openConflicts: Int = 0) {
        self.state = state
        self.view = view
        self.openConflicts = openConflicts
    }

    public var requestID: String { state.requestID }

    /// The `advice list --json` object, less identifiers unless asked.
    public func json(includeIdentifiers: Bool) -> String {
        AdviceItemJSON.render(state: state, view: view, openConflicts: openConflicts, includeIdentifiers: includeIdentifiers)
    }
}
