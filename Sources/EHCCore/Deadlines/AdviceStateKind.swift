/// The states shown to users (SPEC §5). `disputed` and `exception` are flags beside these.
public enum AdviceStateKind: String, Sendable, CaseIterable, Codable {
    case open, due_soon, overdue, answered, closed, cancelled
}
