import GRDB

extension AppDatabase {
    /// Makes the statement running now (if any) fail at once with SQLITE_INTERRUPT, and
    /// every record of a file still in hand after it, so the file's transaction rolls
    /// back whole. For a shutdown that cannot wait for a long file to finish: nothing
    /// of the file is applied, and it is taken again later. SQLite forgets an interrupt
    /// that lands while no statement runs (the writer waiting for its reading thread),
    /// so the store remembers it too, from then on.
    public func interrupt() {
        interrupted.store(true, ordering: .relaxed)
        pool.interrupt()
    }

    /// Throws SQLite's interrupt error once `interrupt()` was called: checked between
    /// the records of a file.
    func checkInterrupted() throws {
        if interrupted.load(ordering: .relaxed) {
            throw DatabaseError(resultCode: .SQLITE_INTERRUPT, message: "interrupted: the service is stopping")
        }
    }
}
