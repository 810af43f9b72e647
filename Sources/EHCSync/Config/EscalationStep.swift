import EHCCore

/// One rung of the escalation ladder (`notices.escalations[]`) is the planner's own
/// `NoticePolicy.Escalation`: one type, so the config's value is the value planned with.
public typealias EscalationStep = NoticePolicy.Escalation

extension NoticePolicy.Escalation {
    /// SPEC §8's ladder: the DCO the day after, the commissioner too after two weeks.
    public static let defaults: [EscalationStep] = [
        EscalationStep(afterDueDays: 1, level: 1, to: ["dco"]),
        EscalationStep(afterDueDays: 14, level: 2, to: ["dco", "commissioner"]),
    ]
}
