import Foundation

/// A dedicated thread that runs Swift tasks: a `TaskExecutor`, so that
/// `withTaskExecutorPreference(worker) { … }` runs the blocking SQLite and file work
/// of a feed poll or a notice pass here, off Swift's small cooperative pool. The
/// watchdog, the signal handlers and the status stay responsive while a poll works.
/// Jobs run one at a time in the order they arrive.
public final class WorkerThread: TaskExecutor, @unchecked Sendable {
    public let name: String
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var jobs: [UnownedJob] = []
    private var head = 0
    private var stopped = false
    private var threadID: pthread_t?

    public init(name: String) {
        self.name = name
        let thread = Thread { [self] in loop() }
        thread.name = name
        thread.start()
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        condition.lock()
        jobs.append(unowned)
        condition.signal()
        condition.unlock()
    }

    /// True on this worker's own thread (for tests and assertions).
    public var isCurrent: Bool {
        condition.lock()
        defer { condition.unlock() }
        return threadID.map { pthread_equal($0, pthread_self()) != 0 } ?? false
    }

    /// Lets the thread end once the jobs already queued have run.
    public func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }

    private func loop() {
        condition.lock()
        threadID = pthread_self()
        condition.unlock()
        while true {
            condition.lock()
            while head == jobs.count && !stopped { condition.wait() }
            if head == jobs.count {
                condition.unlock()
                return
            }
            let job = jobs[head]
            head += 1
            if head == jobs.count {
                jobs.removeAll(keepingCapacity: true)
                head = 0
            }
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
