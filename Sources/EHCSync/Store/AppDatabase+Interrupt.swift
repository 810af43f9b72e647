extension AppDatabase {
    /// Makes the statement running now (if any) fail at once with SQLITE_INTERRUPT, so
    /// its transaction rolls back whole. For a shutdown that cannot wait for a long
    /// file to finish: nothing of the file is applied, and it is taken again later.
    public func interrupt() {
        pool.interrupt()
    }
}
