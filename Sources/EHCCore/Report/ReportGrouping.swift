/// How `ehcsync report` groups its rows (`--by provider|service|month`).
public enum ReportGrouping: String, Sendable, CaseIterable {
    /// By the provider's ODS code.
    case provider
    /// By canonical service (`salt`, `ot`, …).
    case service
    /// By the month of the statutory due date, written `2026-11`.
    case month
}
