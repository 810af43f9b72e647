import Foundation
import GRDB
import GRDBSQLite

/// Starts the kernel writing a store's dirty pages to disk on a thread of its own.
///
/// A first load writes some 500 MB per million records into the store's file, all of
/// it left to the commit's `fsync`, which then waits over a second for the disk while
/// nothing else runs. By the time the load's indexes are built, the table pages are
/// written; syncing them from another thread then overlaps that second with the index
/// builds, which use one core and leave the other idle. It changes nothing SQLite
/// relies on: the pages were already written, and the commit still syncs the file.
enum StoreWriteback {
    /// Starts the sync of the main file of `db`, if it has one; returns at once.
    static func start(_ db: Database) {
        guard let connection = db.sqliteConnection, let name = sqlite3_db_filename(connection, "main") else { return }
        let path = String(cString: name)
        guard !path.isEmpty else { return }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        let thread = Thread {
            _ = fdatasync(fd)
            close(fd)
        }
        thread.name = "ehcsync-writeback"
        thread.start()
    }
}
