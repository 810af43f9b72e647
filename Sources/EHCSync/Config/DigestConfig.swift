/// The daily digest's schedule and audience (SPEC §5), in the configured time zone.
public struct DigestConfig: Sendable, Equatable {
    /// Local hour, 0–23.
    public var hour: Int
    /// Local minute, 0–59.
    public var minute: Int
    /// Skip Saturdays and Sundays: nobody reads a Sunday digest.
    public var weekdaysOnly: Bool
    /// Recipient names.
    public var to: [String]

    public init(hour: Int = 7, minute: Int = 30, weekdaysOnly: Bool = true, to: [String] = ["dco"]) {
        self.hour = hour
        self.minute = minute
        self.weekdaysOnly = weekdaysOnly
        self.to = to
    }
}
