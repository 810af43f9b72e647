import EHCCore
import Foundation
import Synchronization

/// A large plan's reminders and escalations planned on a few threads: the core plans
/// one slice of the records at a time, purely; this side chooses the slices, runs
/// them side by side and joins them in record order, so the result is the plan's.
extension NoticePlanner {
    /// Below this many records a plan runs on one thread.
    static let recordsPerSlice = 20_000

    /// What `plan(records:conflicts:recorded:today:)` lists, with the records in up to
    /// four slices planned side by side when there are many (a cycle over a whole
    /// store).
    public func planSideBySide(records: [(AdviceState, DeadlineView)], conflicts: [OpenConflict], recorded: Set<String>,
                               today: CivilDate) -> [PlannedNotice] {
        let slices = records.count >= Self.recordsPerSlice * 2 ? min(ProcessInfo.processInfo.activeProcessorCount, 4) : 1
        guard slices > 1 else { return plan(records: records, conflicts: conflicts, recorded: recorded, today: today) }
        let results = Mutex([[PlannedNotice]](repeating: [], count: slices))
        let bounds = (0...slices).map { records.count * $0 / slices }
        DispatchQueue.concurrentPerform(iterations: slices) { k in
            let part = deadlineNotices(records, in: bounds[k]..<bounds[k + 1], recorded: recorded, today: today)
            results.withLock { $0[k] = part }
        }
        var parts = results.withLock { parts in
            defer { parts = [] }
            return parts
        }
        let immediate = immediateNotices(records: records, conflicts: conflicts, recorded: recorded)
        var out = parts[0]
        parts[0] = []
        out.reserveCapacity(parts.reduce(out.count + immediate.count) { $0 + $1.count })
        for k in 1..<slices { out.append(contentsOf: parts[k]) }
        out.append(contentsOf: immediate)
        return out
    }
}
