/// The counting rules of SPEC §4–§5. Defaults are the law (6 weeks, reg 8(1)) and
/// the product's conventions; a place may change them only through the config, so
/// the value in force is always visible in one file.
public struct Rules: Sendable, Equatable {
    /// Weeks a provider has from receiving the request (`due_on = received_on + 7 × this`).
    public var adviceWeeks: Int
    /// Days after a provider's `submitted_on` before a missing LA receipt is a conflict.
    public var deliveryGraceDays: Int
    /// Days a provider has to answer again after the LA returns advice for amendment.
    public var amendmentDays: Int
    /// How far a side's stated `due_on` may differ from ours before it is a conflict.
    public var dueDateToleranceDays: Int

    public init(adviceWeeks: Int = 6, deliveryGraceDays: Int = 5, amendmentDays: Int = 14, dueDateToleranceDays: Int = 2) {
        self.adviceWeeks = adviceWeeks
        self.deliveryGraceDays = deliveryGraceDays
        self.amendmentDays = amendmentDays
        self.dueDateToleranceDays = dueDateToleranceDays
    }
}
