/// The backoff of an HTTP feed after a failed poll, as a `RetrySchedule`: a rule of
/// the feed's `every` and the answer's status alone, so it is tested as a table.
extension RetrySchedule {
    /// An HTTP feed's backoff, never longer than its `every`, so that polling resumes
    /// within one interval of the endpoint's recovery, however long it was down (a
    /// server's `Retry-After` still counts, whatever its length).
    ///
    /// After a failure of the endpoint or the network, the window starts at an eighth
    /// of `every` and doubles with each failure in a row up to `every`, the delay drawn
    /// in the window's second half: a blip is retried soon, a long outage is polled at
    /// about the feed's own pace. An endpoint that says it is busy (429, 503) without
    /// a `Retry-After` is asked again only after about a whole `every` (0.9-1×).
    public static func feedBackoff(everySeconds: Int, status: Int?) -> RetrySchedule {
        let every = max(everySeconds, 1)
        if status == 429 || status == 503 { return RetrySchedule(baseSeconds: every, capSeconds: every, jitterFloor: 0.9) }
        return RetrySchedule(baseSeconds: max(every / 8, 1), capSeconds: every, jitterFloor: 0.5)
    }
}
