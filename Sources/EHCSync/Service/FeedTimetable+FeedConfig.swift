import EHCCore

/// The scheduler builds its timetable from the feeds' config; the timetable itself
/// (in the core) knows a feed only by its name and `every`.
extension FeedTimetable {
    /// Every configured feed due at `now`, in config order.
    init(feeds: [FeedConfig], now: Double) {
        self.init(feeds: feeds.map(Feed.init), now: now)
    }

    /// After a reload: see `replaceFeeds(_:now:)` on the core's feeds.
    mutating func replaceFeeds(_ feeds: [FeedConfig], now: Double) {
        replaceFeeds(feeds.map(Feed.init), now: now)
    }
}

extension FeedTimetable.Feed {
    /// The name and `every` of one configured feed.
    init(_ config: FeedConfig) {
        self.init(name: config.name, everySeconds: config.everySeconds)
    }
}
