import EHCCore
import Foundation

/// What the service tells the outside after each pass: the `STATUS=` line and the
/// metrics textfile are both rendered from this. Counting advice by state reads every
/// record, so it is refreshed only by passes that ran the end-of-cycle work (at least
/// once a minute) and carried over by the passes in between; the cheap figures
/// (feeds, conflicts, outbox) are read every pass.
public struct ServiceFigures: Sendable, Equatable {
    public var feeds: [FeedHealth] = []
    /// Advice by state; nil until the first end-of-cycle pass counted them.
    public var advice: [AdviceStateKind: Int]?
    public var disputed = 0
    public var conflictsByKind: [ConflictKind: Int] = [:]
    public var outboxPending = 0
    public var outboxFailed = 0
    /// When the last pass ended, and how long it took.
    public var lastCycleAt: Timestamp?
    public var lastCycleSeconds: Double?

    public init() {}

    /// Reads the figures at `now`; with `countAdvice` false, the advice counts of
    /// `previous` are kept.
    public static func read(_ db: AppDatabase, config: AppConfig, now: Timestamp, countAdvice: Bool,
                            previous: ServiceFigures) throws -> ServiceFigures {
        var figures = previous
        if countAdvice {
            let report = try StatusQuery.report(db, config: config, now: now)
            figures.advice = report.advice
            figures.disputed = report.disputed
            figures.feeds = report.feeds
            (figures.outboxPending, figures.outboxFailed) = (report.outboxPending, report.outboxFailed)
        } else {
            figures.feeds = try StatusQuery.feeds(db, configured: config.feeds.map { ($0.name, $0.role) }, now: now,
                                                  staleAfterSeconds: config.staleAfterSeconds)
            (figures.outboxPending, figures.outboxFailed) = try db.outboxCounts()
        }
        figures.conflictsByKind = try ConflictQuery.openByKind(db)
        return figures
    }

    /// The `STATUS=` line: feeds by health, overdue advice, the last pass, and any
    /// reload problem. One line, as `systemctl status` shows it.
    public func statusLine(reloadProblem: String? = nil) -> String {
        var counts: [FeedHealth.State: Int] = [:]
        for feed in feeds { counts[feed.state, default: 0] += 1 }
        var feedWords = ["\(counts[.ok] ?? 0) ok", "\(counts[.failing] ?? 0) failing"]
        if let degraded = counts[.degraded] { feedWords.append("\(degraded) degraded") }
        if let stale = counts[.stale] { feedWords.append("\(stale) stale") }
        if let never = counts[.never] { feedWords.append("\(never) not polled yet") }
        var parts = ["feeds: " + feedWords.joined(separator: ", ")]
        parts.append(advice.map { "\($0[.overdue] ?? 0) overdue" } ?? "overdue not counted yet")
        if outboxFailed > 0 { parts.append("\(outboxFailed) notices failed") }
        if let at = lastCycleAt, let seconds = lastCycleSeconds {
            parts.append("last cycle \(at) (\(String(format: "%.3f", seconds)) s)")
        } else {
            parts.append("no cycle yet")
        }
        if let reloadProblem { parts.append(reloadProblem) }
        return parts.joined(separator: "; ")
    }
}
