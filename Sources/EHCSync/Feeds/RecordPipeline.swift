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
    private var batches: [Batch] = []
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
                    produce: @escaping @Sendable (_ emit: (consuming Item) throws -> Void) throws -> Void,
                    consume: (consuming Item) throws -> Void) throws {
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
            while let batch = try pipe.next() {
                while let item = batch.take() { try consume(item) }
            }
        } catch {
            pipe.stop()
            throw error
        }
    }

    private func produce(_ body: (_ emit: (consuming Item) throws -> Void) throws -> Void) {
        var batch = Batch(capacity: batchSize)
        do {
            try body { (item: consuming Item) in
                batch.append(item)
                if batch.isFull {
                    try push(batch)
                    batch = Batch(capacity: batchSize)
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

    private func push(_ batch: Batch) throws {
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
    private func next() throws -> Batch? {
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

    /// Items handed from one thread to the other as a whole, then taken out one at a
    /// time. Each item is moved in and moved out, never copied: a prepared record holds
    /// a few dozen references, and copying it cost a retain and a release of each, on
    /// both threads.
    private final class Batch: @unchecked Sendable {
        private let items: UnsafeMutablePointer<Item>
        private let capacity: Int
        private var count = 0
        private var taken = 0

        init(capacity: Int) {
            self.capacity = capacity
            items = .allocate(capacity: capacity)
        }

        deinit {
            (items + taken).deinitialize(count: count - taken)
            items.deallocate()
        }

        var isFull: Bool { count == capacity }
        var isEmpty: Bool { count == 0 }

        func append(_ item: consuming Item) {
            precondition(count < capacity)
            (items + count).initialize(to: item)
            count += 1
        }

        /// The next item, moved out; nil when all are taken.
        func take() -> Item? {
            guard taken < count else { return nil }
            defer { taken += 1 }
            return (items + taken).move()
        }
    }

    private func stop() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}
