import Synchronization

/// Whether the scheduler is really alive, for the watchdog: it is alive while it
/// waits for the next due work, and while one unit of work (a feed poll, a notice
/// pass) has run for less than the allowance. A unit that hangs (a stuck transfer,
/// a store that never answers) stops the `WATCHDOG=1` pings, so systemd kills and
/// restarts the service instead of leaving it up and doing nothing.
public final class SchedulerHeartbeat: Sendable {
    private struct State {
        var busySince: ContinuousClock.Instant?
        var what = ""
    }

    private let state = Mutex(State())

    public init() {}

    /// A unit of work starts.
    public func begin(_ what: String) {
        state.withLock {
            $0.busySince = .now
            $0.what = what
        }
    }

    /// The unit of work ended.
    public func end() {
        state.withLock { $0.busySince = nil }
    }

    /// Alive: idle, or busy for less than `allowance`. When not alive, also says with
    /// what it is stuck, for the log. (A scheduler that ended is no concern here: the
    /// group then stops the whole service.)
    public func check(allowance: Duration, now: ContinuousClock.Instant = .now) -> (alive: Bool, stuckOn: String?) {
        state.withLock { s in
            guard let since = s.busySince else { return (true, nil) }
            let busy = since.duration(to: now)
            return busy < allowance ? (true, nil) : (false, "\(s.what), running for \(busy.components.seconds) s")
        }
    }
}
