import EHCCore
import Foundation

/// The Prometheus text exposition of the service's figures, for node_exporter's
/// textfile collector (`metrics_file:`). Every series is written every time, zeros
/// included, so a graph never has holes that mean "nothing" rather than "zero".
/// Labels carry feed names, states and kinds only: never a person or a secret.
public enum MetricsText {
    public static func render(_ f: ServiceFigures) -> String {
        var out = ""
        func family(_ name: String, _ help: String, _ type: String = "gauge") {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
        }
        func sample(_ name: String, _ labels: [(String, String)] = [], _ value: String) {
            let text = labels.isEmpty ? "" : "{" + labels.map { "\($0.0)=\"\(escaped($0.1))\"" }.joined(separator: ",") + "}"
            out += "\(name)\(text) \(value)\n"
        }
        if let advice = f.advice {
            family("ehcsync_advice", "Advice records by state (SPEC 5).")
            for state in AdviceStateKind.allCases { sample("ehcsync_advice", [("state", state.rawValue)], "\(advice[state] ?? 0)") }
            family("ehcsync_advice_disputed", "Advice records flagged disputed.")
            sample("ehcsync_advice_disputed", [], "\(f.disputed)")
        }
        family("ehcsync_conflicts_open", "Open conflicts by kind.")
        for kind in ConflictKind.allCases { sample("ehcsync_conflicts_open", [("kind", kind.rawValue)], "\(f.conflictsByKind[kind] ?? 0)") }
        family("ehcsync_feed_last_success_timestamp_seconds", "Unix time of the feed's last successful poll (0: never).")
        for feed in f.feeds {
            sample("ehcsync_feed_last_success_timestamp_seconds", [("feed", feed.name)], seconds(feed.lastSuccessAt))
        }
        family("ehcsync_feed_consecutive_failures", "Polls of the feed that failed in a row.")
        for feed in f.feeds { sample("ehcsync_feed_consecutive_failures", [("feed", feed.name)], "\(feed.consecutiveFailures)") }
        family("ehcsync_feed_rejected_files", "Files of the feed's last poll that were rejected whole.")
        for feed in f.feeds { sample("ehcsync_feed_rejected_files", [("feed", feed.name)], "\(feed.problems.rejectedFiles)") }
        family("ehcsync_feed_row_errors", "Rows skipped in the feed's last file or walk of pages.")
        for feed in f.feeds { sample("ehcsync_feed_row_errors", [("feed", feed.name)], "\(feed.problems.rowErrors)") }
        family("ehcsync_feed_ignored_files", "Files in the feed's folder that its pattern never takes.")
        for feed in f.feeds { sample("ehcsync_feed_ignored_files", [("feed", feed.name)], "\(feed.problems.ignoredFiles)") }
        family("ehcsync_feed_degraded", "1 while the feed's last file or walk had rejected files or row errors.")
        for feed in f.feeds { sample("ehcsync_feed_degraded", [("feed", feed.name)], feed.state == .degraded ? "1" : "0") }
        family("ehcsync_outbox_pending", "Notice messages waiting to be delivered.")
        sample("ehcsync_outbox_pending", [], "\(f.outboxPending)")
        family("ehcsync_outbox_failed", "Notice messages that finally failed.")
        sample("ehcsync_outbox_failed", [], "\(f.outboxFailed)")
        if let duration = f.lastCycleSeconds, let at = f.lastCycleAt {
            family("ehcsync_cycle_duration_seconds", "How long the last cycle (polls due and end-of-cycle work) took.")
            sample("ehcsync_cycle_duration_seconds", [], String(format: "%.6f", duration))
            family("ehcsync_last_cycle_timestamp_seconds", "Unix time the last cycle ended.")
            sample("ehcsync_last_cycle_timestamp_seconds", [], seconds(at))
        }
        return out
    }

    static func seconds(_ t: Timestamp?) -> String {
        guard let t else { return "0" }
        return String(format: "%.3f", Double(t.millis) / 1000)
    }

    /// Label values escape backslash, double quote and newline.
    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
