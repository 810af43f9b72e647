import Foundation

/// Runs a producer on its own thread and hands what it makes, in order, to the
/// calling thread: a large file is decoded and validated on one core while SQLite
/// writes on the other. The queue holds at most `capacity` batches, so memory stays
/// bounded whatever the file's size.
///
/// Errors travel both ways: a producer error is thrown to the caller after the items
/// made before it; a consumer error stops the producer. `run` returns only after the
/// producer thread has ended, so nothing outlives the transaction it feeds.
final class RecordPipeline<Item: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var batches: [[Item]] = []
    private var finished = false
    private var cancelled = false
    private var producerError: (any Error)?
    private let capacity: Int
    private let batchSize: Int

    private init(capacity: Int, batchSize: Int) {
        self.capacity = capacity
        self.batchSize = batchSize
    }

    /// Thrown inside the producer when the consumer has stopped.
    struct Stopped: Error {}

    /// Runs `produce` on a new thread, calling `consume` here for each item it emits.
    static func run(capacity: Int = 8, batchSize: Int = 256,
                    produce: @escaping @Sendable (_ emit: (Item) throws -> Void) throws -> Void,
                    consume: (Item) throws -> Void) throws {
        let pipe = RecordPipeline(capacity: capacity, batchSize: batchSize)
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            pipe.produce(produce)
            done.signal()
        }
        thread.name = "ehcsync-decode"
        thread.stackSize = 4 << 20
        thread.start()
        defer { done.wait() }
        do {
            while var batch = try pipe.next() {
                // Each item is moved out of its batch, not copied and then destroyed
                // with the batch: a prepared record holds a few dozen references.
                batch.reverse()
                while let item = batch.popLast() { try consume(item) }
            }
        } catch {
            pipe.stop()
            throw error
        }
    }

    private func produce(_ body: (_ emit: (Item) throws -> Void) throws -> Void) {
        var batch: [Item] = []
        batch.reserveCapacity(batchSize)
        do {
            try body { item in
                batch.append(item)
                if batch.count == batchSize {
                    try push(batch)
                    batch.removeAll(keepingCapacity: true)
                }
            }
            if !batch.isEmpty { try push(batch) }
            finish(nil)
        } catch is Stopped {
            finish(nil)
        } catch {
            // The items made before the error still go first.
            if !batch.isEmpty, (try? push(batch)) == nil { return finish(nil) }
            finish(error)
        }
    }

    private func push(_ batch: [Item]) throws {
        condition.lock()
        defer { condition.unlock() }
        while batches.count >= capacity && !cancelled { condition.wait() }
        if cancelled { throw Stopped() }
        batches.append(batch)
        condition.broadcast()
    }

    private func finish(_ error: (any Error)?) {
        condition.lock()
        finished = true
        producerError = error
        condition.broadcast()
        condition.unlock()
    }

    /// The next batch, nil at the end; rethrows the producer's error after its items.
    private func next() throws -> [Item]? {
        condition.lock()
        defer { condition.unlock() }
        while batches.isEmpty && !finished { condition.wait() }
        if !batches.isEmpty {
            let batch = batches.removeFirst()
            condition.broadcast()
            return batch
        }
        if let producerError { throw producerError }
        return nil
    }

    private func stop() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}
