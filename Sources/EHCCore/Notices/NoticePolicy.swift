/// The parts of the `notices:` and `recipients:` config the planner needs, in core
/// terms (the I/O layer builds it from the config).
public struct NoticePolicy: Sendable, Equatable {
    /// One rung of the escalation ladder: when a record is `afterDueDays` overdue, tell
    /// `to` (recipient names) at `level`.
    public struct Escalation: Sendable, Equatable {
        public var afterDueDays: Int
        public var level: Int
        public var to: [String]
        public init(afterDueDays: Int, level: Int, to: [String]) {
            self.afterDueDays = afterDueDays
            self.level = level
            self.to = to
        }
    }

    /// A recipient that receives a provider team's reminders when its `for` matches.
    public struct Team: Sendable, Equatable {
        public var name: String
        public var match: [CanonicalField: String]
        public init(name: String, match: [CanonicalField: String]) {
            self.name = name
            self.match = match
        }
    }

    public var remindersBeforeDueDays: [Int]
    public var escalations: [Escalation]
    public var conflictsTo: [String]
    public var disputesTo: [String]
    /// Recipients in config order; the first whose `for` matches a record is its team.
    public var teams: [Team]
    /// Who gets what no team claims ("else the DCO"); `nil` when no `dco` recipient exists.
    public var fallback: String?

    public init(remindersBeforeDueDays: [Int] = [14, 7, 2], escalations: [Escalation] = [], conflictsTo: [String] = [],
                disputesTo: [String] = [], teams: [Team] = [], fallback: String? = nil) {
        self.remindersBeforeDueDays = remindersBeforeDueDays
        self.escalations = escalations
        self.conflictsTo = conflictsTo
        self.disputesTo = disputesTo
        self.teams = teams
        self.fallback = fallback
    }

    /// The provider team for a record, else the fallback. Values compare ignoring ASCII
    /// case (`RBT` and `rbt`), without allocating: it runs for every open record.
    public func team(for state: AdviceState) -> String? {
        for team in teams where !team.match.isEmpty {
            if team.match.allSatisfy({ field, value in
                guard let mine = state.value(field) else { return false }
                return mine.utf8.elementsEqual(value.utf8) { a, b in
                    a == b || (a ^ 0x20 == b && (a | 0x20) >= 0x61 && (a | 0x20) <= 0x7A)
                }
            }) {
                return team.name
            }
        }
        return fallback
    }
}
