import EHCCore
import Foundation
import Logging

/// Delivers due outbox messages through their channels and records each attempt,
/// so backoff survives restarts. A message whose channel is no longer configured
/// fails with a clear reason rather than waiting forever.
public struct OutboxDeliverer: Sendable {
    public let channels: [String: any NoticeChannel]
    public let schedule: RetrySchedule

    public init(channels: [any NoticeChannel], schedule: RetrySchedule = RetrySchedule()) {
        self.channels = Dictionary(channels.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        self.schedule = schedule
    }

    public struct Result: Sendable, Equatable {
        public var delivered = 0, retrying = 0, failed = 0
    }

    /// Sends everything due now, one message at a time (order kept per recipient).
    public func deliverDue(db: AppDatabase, now: Timestamp, logger: Logger) async -> Result {
        var result = Result()
        let due: [OutboxMessage]
        do { due = try db.dueMessages(now: now) } catch {
            logger.error("outbox: cannot read due messages: \(error)")
            return result
        }
        for message in due {
            // A stopping service ends the round between messages; the rest stay due.
            if Task.isCancelled { break }
            let outcome: DeliveryOutcome
            if let channel = channels[message.channel] {
                outcome = await channel.deliver(message, now: now)
            } else {
                outcome = .failed("channel \(message.channel) is no longer configured")
            }
            var next: Timestamp?
            switch outcome {
            case .delivered:
                result.delivered += 1
                logger.info("outbox: \(message.kind.rawValue) \(message.noticeID) delivered to \(message.recipient) by \(message.channel)")
            case .retry(let error, let retryAfter):
                next = schedule.nextAttempt(after: message.attempts + 1, now: now, retryAfterSeconds: retryAfter,
                                            giveUpAt: message.giveUpAt, jitter: Double.random(in: 0..<1))
                if next == nil {
                    result.failed += 1
                    logger.error("outbox: \(message.noticeID) to \(message.recipient) by \(message.channel) gave up: \(error)")
                } else {
                    result.retrying += 1
                    logger.warning("outbox: \(message.noticeID) to \(message.recipient) by \(message.channel) will retry: \(error)")
                }
            case .failed(let error):
                result.failed += 1
                logger.error("outbox: \(message.noticeID) to \(message.recipient) by \(message.channel) failed: \(error)")
            }
            let settlement: OutboxSettlement
            switch outcome {
            case .delivered: settlement = .sent
            case .retry(let error, _): settlement = next.map { .retry(at: $0, error: error) } ?? .failed(error)
            case .failed(let error): settlement = .failed(error)
            }
            do { try db.settle(message: message.id, as: settlement, now: now) } catch {
                logger.error("outbox: cannot record the attempt for \(message.noticeID): \(error)")
            }
        }
        return result
    }
}
