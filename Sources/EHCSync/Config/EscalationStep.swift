/// One rung of the escalation ladder: when a record is `afterDueDays` overdue, tell
/// `to` at `level`. Levels let a message say how serious it has become.
public struct EscalationStep: Sendable, Equatable {
    public var afterDueDays: Int
    public var level: Int
    /// Recipient names.
    public var to: [String]

    public init(afterDueDays: Int, level: Int, to: [String]) {
        self.afterDueDays = afterDueDays
        self.level = level
        self.to = to
    }

    /// SPEC §8's ladder: the DCO the day after, the commissioner too after two weeks.
    public static let defaults: [EscalationStep] = [
        EscalationStep(afterDueDays: 1, level: 1, to: ["dco"]),
        EscalationStep(afterDueDays: 14, level: 2, to: ["dco", "commissioner"]),
    ]
}
