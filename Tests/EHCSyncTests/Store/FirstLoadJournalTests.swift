import EHCCore
import Foundation
import GRDB
import Synchronization
import Testing
@testable import EHCSync

/// A large file or page applied to a store with no records is written with a rollback
/// journal instead of the WAL (`AppDatabase.firstLoad`), so that each of its pages is
/// written once rather than twice. It must be as safe as the WAL: all or nothing, back
/// to the WAL afterwards whatever happened, and a crash part-way rolled back on restart.
@Suite struct FirstLoadJournalTests {
    /// The journal mode and `synchronous` inside the load's transaction.
    struct Seen: Equatable {
        var mode: String?
        var synchronous: Int?
    }

    static func load(_ store: AppDatabase, now: Timestamp, large: Bool = true, ids: Range<Int>,
                     then body: (Database) throws -> Void = { _ in }) throws -> Seen {
        try store.firstLoad(if: large) {
            try store.write { db in
                let seen = Seen(mode: try String.fetchOne(db, sql: "PRAGMA journal_mode"),
                                synchronous: try Int.fetchOne(db, sql: "PRAGMA synchronous"))
                let applier = ObservationApplier(db: db, feedID: 1, role: .la, rules: AdviceRules(), now: now, today: now.localDate(in: .gmt))
                for i in ids {
                    let o = try FreshStorePathTests.obs("R\(i)", "EHC/\(i)", "requested", at: "2026-03-02T10:00:00Z", line: i + 2)
                    try applier.apply(o, source: "f.csv", rowHash: Int64(i + 1))
                }
                try body(db)
                return seen
            }
        }
    }

    static func settings(_ store: AppDatabase) throws -> Seen {
        try store.write { db in
            Seen(mode: try String.fetchOne(db, sql: "PRAGMA journal_mode"), synchronous: try Int.fetchOne(db, sql: "PRAGMA synchronous"))
        }
    }

    static let wal = Seen(mode: "wal", synchronous: 1)

    @Test func aFirstLoadUsesARollbackJournalThenReturnsToTheWAL() throws {
        let (store, dir, now) = try FreshStorePathTests.emptyStore()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try Self.settings(store) == Self.wal)
        let during = try Self.load(store, now: now, ids: 0..<200)
        #expect(during == Seen(mode: "delete", synchronous: 2), "rollback journal, synchronous = FULL")
        #expect(try Self.settings(store) == Self.wal)
        #expect(try store.journalMode() == "wal")
        #expect(try store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM advice") } == 200)
        #expect(try store.integrityCheck() == "ok")
        #expect(!FileManager.default.fileExists(atPath: store.path + "-journal"))
    }

    @Test func aStoreWithRecordsOrASmallFileKeepsTheWAL() throws {
        let (store, dir, now) = try FreshStorePathTests.emptyStore()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try Self.load(store, now: now, large: false, ids: 0..<1) == Self.wal, "a small file")
        #expect(try Self.load(store, now: now, ids: 1..<50) == Self.wal, "the store holds a record")
        #expect(try store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM advice") } == 50)
    }

    @Test func aFailedFirstLoadRollsBackAndReturnsToTheWAL() throws {
        struct Stop: Error {}
        let (store, dir, now) = try FreshStorePathTests.emptyStore()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: Stop.self) {
            _ = try Self.load(store, now: now, ids: 0..<500) { _ in throw Stop() }
        }
        #expect(try Self.settings(store) == Self.wal)
        #expect(try store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM advice") } == 0)
        #expect(!FileManager.default.fileExists(atPath: store.path + "-journal"))
        // And the next load is a first load again.
        #expect(try Self.load(store, now: now, ids: 0..<10).mode == "delete")
    }

    /// This process's reads made while a first load holds the store wait for its end
    /// and see its records, rather than failing as locked.
    @Test func aReadDuringAFirstLoadWaitsForIt() throws {
        let (store, dir, now) = try FreshStorePathTests.emptyStore()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = Mutex<Result<Int, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        _ = try Self.load(store, now: now, ids: 0..<300) { _ in
            Thread.detachNewThread {
                let read = Result { try store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM advice") ?? -1 } }
                result.withLock { $0 = read }
                done.signal()
            }
            Thread.sleep(forTimeInterval: 0.3)
            #expect(result.withLock { $0 } == nil, "the read returned while the load was under way")
        }
        #expect(done.wait(timeout: .now() + 30) == .success)
        #expect(try result.withLock { try $0?.get() } == 300)
    }

    /// Another connection to the store (another process's `ehcsync status`, say) holds
    /// SQLite in WAL mode: the load then runs in the WAL, as any other.
    @Test func anotherOpenConnectionKeepsTheWAL() throws {
        let (store, dir, now) = try FreshStorePathTests.emptyStore()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let other = try DatabaseQueue(path: store.path)
        #expect(try other.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM advice") } == 0)
        let started = ContinuousClock.now
        let during = try Self.load(store, now: now, ids: 0..<100)
        #expect(ContinuousClock.now - started < .seconds(5), "the load waited for the other connection")
        #expect(during == Self.wal)
        #expect(try other.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM advice") } == 100)
        #expect(try Self.settings(store) == Self.wal)
    }

    /// Through the folder feed: a large first file leaves no WAL behind it (each page was
    /// written once, into the store), and the store is back in WAL mode.
    @Test func aLargeFirstFileIsWrittenOnceIntoTheStore() async throws {
        let place = try TestPlace()
        try place.configure([.la()])
        let rows = (0..<50_000).map { SampleExport.laRow("LA-\($0)", nhs: SampleExport.nhs[$0 % SampleExport.nhs.count]) }
        let text = SampleExport.laCSV(rows)
        #expect(Int64(text.utf8.count) >= FolderFeed.knownRowsThreshold, "the file must be large")
        try place.drop("big.csv", into: "la-cases", text)
        let report = try await place.cycle("2026-03-10T09:00:00Z")
        #expect(report.feeds.first?.result?.filesApplied == 1)
        let wal = (try? FileManager.default.attributesOfItem(atPath: place.storePath + "-wal")[.size] as? Int) ?? 0
        #expect(wal < 1 << 20, "the WAL holds \(wal) bytes: the load went through it")
        let store = try place.store()
        #expect(try store.journalMode() == "wal")
        #expect(try store.integrityCheck() == "ok")
        #expect(try place.int("SELECT count(*) FROM advice") == 50_000)
    }

    /// SIGKILL while a real `ehcsync sync` writes a first load through its rollback
    /// journal: the journal is left behind (hot), the next run rolls it back and applies
    /// the file whole, exactly once.
    @Test(.timeLimit(.minutes(3)))
    func aFirstLoadKilledPartWayIsRolledBackAndTakenAgain() throws {
        let place = try TestPlace()
        // The config only: a store this process held open would keep the child in WAL mode.
        try place.yaml([.la()]).write(toFile: place.configPath, atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: place.folder("la-cases"), withIntermediateDirectories: true)
        let count = 60_000
        let rows = (0..<count).map { SampleExport.laRow("LA-\($0)", nhs: SampleExport.nhs[$0 % SampleExport.nhs.count]) }
        try place.drop("big.csv", into: "la-cases", SampleExport.laCSV(rows))
        let arguments = ["sync", "--config", place.configPath, "--now", "2026-03-10T09:00:00Z"]
        let journal = place.storePath + "-journal"

        let child = try EHCSyncBinary.start(arguments)
        let deadline = Date().addingTimeInterval(60)
        // The load's journal lasts as long as the load; the migrations' on a new store
        // lasts a moment. Wait for one seen twice, 0.1 s apart.
        var seen = 0
        while child.process.isRunning && seen < 2 && Date() < deadline {
            seen = place.exists(journal) ? seen + 1 : 0
            Thread.sleep(forTimeInterval: 0.1)
        }
        Thread.sleep(forTimeInterval: 0.2)
        let killed = child.process.isRunning
        if killed { kill(child.process.processIdentifier, SIGKILL) }
        child.process.waitUntilExit()
        _ = try child.finish()
        try #require(killed, "the run ended before it could be killed: the file is too small for this machine")
        #expect(place.exists(journal), "a killed first load leaves its journal")
        #expect(place.exists(place.folder("la-cases") + "/big.csv"), "the file stays until it is applied")

        let again = try EHCSyncBinary.run(arguments)
        #expect(again.status == 0, "\(again)")
        #expect(!place.exists(journal))
        #expect(place.names(in: place.processed("la-cases", on: "2026-03-10")) == ["big.csv"])
        let store = try AppDatabase(path: place.storePath)
        #expect(try store.integrityCheck() == "ok")
        #expect(try store.journalMode() == "wal")
        let counts = try store.read { db in
            try [Int.fetchOne(db, sql: "SELECT count(*) FROM advice"), Int.fetchOne(db, sql: "SELECT count(*) FROM observation"),
                 Int.fetchOne(db, sql: "SELECT count(*) FROM source_file WHERE outcome = 'applied'")]
        }
        #expect(counts == [count, count, 1], "records, observations, applied files")
    }
}
