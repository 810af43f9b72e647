/// When each feed and the end-of-cycle work are next due, in seconds on the service's
/// monotonic clock (so a wall-clock jump neither floods nor starves the feeds). Pure:
/// the scheduler passes the time in, and tests pass fixed numbers.
///
/// Every feed is due at start (a restart catches up at once); after a poll a feed is
/// due again after the delay its `FeedPollTiming` gives. The end-of-cycle work (the
/// unmatched retry, clock conflicts, notice planning and the digest) is due every
/// `finishInterval` seconds, and sooner after a poll that took in new files.
public struct FeedTimetable: Sendable, Equatable {
    /// The end-of-cycle work runs at least this often: the "every minute".
    public static let finishInterval = 60.0

    /// What the timetable needs of a feed's config: its name and its `every`.
    public struct Feed: Sendable, Equatable {
        public var name: String
        public var everySeconds: Int
        public init(name: String, everySeconds: Int) {
            self.name = name
            self.everySeconds = everySeconds
        }
    }

    /// Feed names in config order: due feeds are polled in this order.
    public private(set) var order: [String]
    public private(set) var due: [String: Double]
    private var every: [String: Int]
    private var lastPoll: [String: Double] = [:]
    public private(set) var finishDue: Double

    /// Every feed due at `now`, as at the service's start.
    public init(feeds: [Feed], now: Double) {
        order = feeds.map(\.name)
        due = Dictionary(feeds.map { ($0.name, now) }, uniquingKeysWith: { a, _ in a })
        every = Dictionary(feeds.map { ($0.name, $0.everySeconds) }, uniquingKeysWith: { a, _ in a })
        finishDue = now
    }

    /// After a reload: feeds kept keep their place (moved earlier or later when their
    /// `every` changed), new feeds are due now, removed feeds are dropped.
    public mutating func replaceFeeds(_ feeds: [Feed], now: Double) {
        var newDue: [String: Double] = [:]
        var newEvery: [String: Int] = [:]
        for feed in feeds {
            newEvery[feed.name] = feed.everySeconds
            if let old = due[feed.name] {
                if every[feed.name] != feed.everySeconds, let last = lastPoll[feed.name] {
                    newDue[feed.name] = max(now, last + Double(feed.everySeconds))
                } else {
                    newDue[feed.name] = old
                }
            } else {
                newDue[feed.name] = now
            }
        }
        order = feeds.map(\.name)
        due = newDue
        every = newEvery
        lastPoll = lastPoll.filter { newDue[$0.key] != nil }
    }

    /// The feeds due at `now`, in config order.
    public func dueFeeds(at now: Double) -> [String] {
        order.filter { (due[$0] ?? .infinity) <= now }
    }

    /// The feed is not due before `time` (a stored backoff at start).
    public mutating func postpone(_ name: String, until time: Double) {
        guard let current = due[name] else { return }
        due[name] = max(current, time)
    }

    /// A poll of the feed started and runs on its own (an HTTP feed): it is not due
    /// again until `polled` records its end.
    public mutating func started(_ name: String) {
        guard due[name] != nil else { return }
        due[name] = .infinity
    }

    /// Records a poll that ended at `now`; the feed is due again `delay` seconds later.
    public mutating func polled(_ name: String, at now: Double, delay: Double) {
        guard due[name] != nil else { return }
        lastPoll[name] = now
        due[name] = now + max(1, delay)
    }

    /// Whether the end-of-cycle work is due at `now`.
    public func isFinishDue(at now: Double) -> Bool { finishDue <= now }

    /// Records an end-of-cycle pass that ended at `now`.
    public mutating func finished(at now: Double) {
        finishDue = now + Self.finishInterval
    }

    /// The earliest moment anything is due.
    public var nextWake: Double {
        min(due.values.min() ?? .infinity, finishDue)
    }
}
