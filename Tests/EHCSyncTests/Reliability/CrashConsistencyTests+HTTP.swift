import EHCCore
import Foundation
import GRDB
import Testing
@testable import EHCSync

/// Crash consistency of an HTTP feed walked page by page with a `since` cursor
/// (SPEC §7): `FeedPeer` serves the records as `{"records", "next"}` pages, the records
/// change between polls, and each poll's `ehcsync sync` is SIGKILLed mid-walk until one
/// finishes the walk.
extension CrashConsistencyTests {
    /// HTTP trial size: records at first, page size, polls (the first reads everything,
    /// each later one follows a round of changes), records changed and added a round.
    struct HTTPSize { var records: Int, pageSize: Int, polls: Int, changed: Int, added: Int }

    static var httpSize: HTTPSize {
        ReliabilityScale.isFull ? HTTPSize(records: 3_000, pageSize: 50, polls: 6, changed: 400, added: 200)
            : HTTPSize(records: 400, pageSize: 25, polls: 3, changed: 60, added: 30)
    }

    /// Seconds between pages, so that a walk takes long enough to be killed in.
    static let pageDelay = 0.02

    /// One record as the endpoint serves it.
    static func served(_ row: CrashOracle.Row) -> [String: String] {
        ["request_id": row.requestID, "case_ref": row.caseRef, "nhs_number": nhs(row.requestID), "date_of_birth": "2016-05-01",
         "provider_ods": "RBT", "service": row.service, "requested_on": row.requestedOn, "status": row.status,
         "updated_at": CrashOracle.rfc3339(row.updatedAt)]
    }

    @Test(.timeLimit(.minutes(300)))
    func httpWalkNeitherLosesNorDoublesUnderRandomKills() async throws {
        let report = TrialReport("http-pages")
        let base = ReliabilityScale.baseSeed
        for trial in 0..<ReliabilityScale.trials(short: 2, full: 50) {
            try await httpTrial(trial, seed: base &+ UInt64(trial), report: report)
        }
        report.summary()
    }

    func httpTrial(_ trial: Int, seed: UInt64, report: TrialReport) async throws {
        var rng = SeededRandom(seed: seed)
        let size = Self.httpSize
        // Records updated one second apart in a shuffled order: pages are not sorted by
        // updated_at. Every change later gets a fresh, greater updated_at.
        var clock = CrashOracle.seconds("2026-03-02", hour: 8)
        var stamps = (0..<size.records).map { clock + Int64($0) }
        stamps.shuffle(using: &rng)
        clock += Int64(size.records)
        func row(_ n: Int, _ version: String, at t: Int64) -> CrashOracle.Row {
            CrashOracle.Row(requestID: String(format: "HP-%05d", n), caseRef: "EHC/\(n)/\(version)",
                            service: Self.services[Int(rng.next() % 3)], requestedOn: Self.requestDates[Int(rng.next() % 3)],
                            status: rng.next() % 4 == 0 ? "cancelled" : "requested", updatedAt: t)
        }
        var rows = (0..<size.records).map { row($0, "v0", at: stamps[$0]) }
        var nextNumber = size.records

        let peer = try FeedPeer(rows.map(Self.served))
        let place = try TestPlace()
        try place.configure(http: [HTTPFeedSpec(url: peer.url("/feed?paging=body&page_size=\(size.pageSize)&delay=\(Self.pageDelay)"),
                                                http: ["since_param: since"])])
        let arguments = ["sync", "--config", place.configPath, "--now", Self.now]
        func walkOver() -> Bool { ((try? place.int("SELECT count(*) FROM http_feed WHERE next_url IS NULL")) ?? 0) == 1 }

        var versions: [String: CrashOracle.Row] = [:]   // every version the endpoint ever served, by id and updated_at
        var total = KillLoop.Figures()
        var loggedSoFar = 0
        var faults: [String] = []
        // The oracle's `since`: the cursor as it stood before the last completed walk
        // (one walk behind), the cursor being the greatest updated_at of the completed walks.
        var since: String?, cursor: String?
        var perPage = Self.pageDelay + 0.02
        for poll in 0..<size.polls {
            if poll > 0 {
                // Changes between polls: some records change, some are new (at random places).
                var changed = Set<Int>()
                while changed.count < min(size.changed, rows.count) { changed.insert(Int(rng.next() % UInt64(rows.count))) }
                for i in changed.sorted() {
                    clock += 1
                    rows[i] = row(Int(rows[i].requestID.dropFirst(3)) ?? 0, "p\(poll)", at: clock)
                }
                for _ in 0..<size.added {
                    clock += 1
                    let added = row(nextNumber, "p\(poll)", at: clock)
                    nextNumber += 1
                    rows.insert(added, at: Int(rng.next() % UInt64(rows.count + 1)))
                }
                try peer.serve(rows.map(Self.served))
            }
            for r in rows { versions["\(r.requestID)@\(r.updatedAt)"] = r }
            let pages = (rows.filter { since == nil || CrashOracle.rfc3339($0.updatedAt) >= since! }.count
                         + size.pageSize - 1) / size.pageSize
            // The kill delay is spread over the time the pages still to read should take,
            // learnt from the progress of the runs so far.
            var last: (Date, Int)?
            var loop = KillLoop(arguments: arguments, seed: seed, rng: rng)
            let figures = try loop.run(spread: {
                let done = walkOver() ? 0 : ((try? place.int("SELECT walk_pages FROM http_feed")) ?? 0)
                if let (time, before) = last, done > before { perPage = Date().timeIntervalSince(time) / Double(done - before) }
                last = (Date(), done)
                return 0.1 + Double(max(1, pages - done)) * perPage
            }, cap: 8, done: walkOver)
            rng = loop.rng
            total.kills += figures.kills
            total.runs += figures.runs
            total.restarts += figures.restarts
            total.seconds += figures.seconds

            // The cursor never skips: this poll's walk asked from `since`; only a run killed
            // after that walk ended, before it exited, may have started another walk, from
            // `cursor`, and any after that from the greatest updated_at of all. Every page
            // of a walk carries its first page's since. A first page (no `page`) after a
            // later page starts a walk; one after a first page is the same walk asked again
            // (killed before page 1 was committed). A poll's first walk has several pages:
            // at least the changes of a round.
            let newest = CrashOracle.rfc3339(rows.map(\.updatedAt).max() ?? 0)
            let log = try await peer.log().filter { $0.path == "/feed" }
            var walks = 1
            var previousPage: String?
            for seen in log[loggedSoFar...] {
                if seen.query["page"] == nil && previousPage != nil { walks += 1 }
                previousPage = seen.query["page"]
                let expected = walks == 1 ? since : walks == 2 ? cursor : newest
                if seen.query["since"] != expected {
                    faults.append("poll \(poll) walk \(walks) asked since \(seen.query["since"] ?? "-"), expected \(expected ?? "-")")
                }
                if seen.sinceOK == false { faults.append("poll \(poll) walk \(walks): since \(seen.query["since"] ?? "-") skipped a record") }
            }
            loggedSoFar = log.count
            (since, cursor) = walks == 1 ? (cursor, newest) : (newest, newest)
        }
        let asked = try await peer.log().filter { $0.path == "/feed" }.count
        report.trial(trial, seed: seed, total, extra: "\(asked) pages asked for, \(versions.count) record versions")

        try checkHTTP(place, rows: rows, versions: versions, seed: seed, faults: &faults)
        #expect(faults.isEmpty, "seed \(seed): \(faults.count) faults, e.g. \(faults.prefix(5))")

        // And the next poll asks from `since` (re-reading the last walk's changes) and applies nothing.
        let before = try place.appliedState()
        let idle = try EHCSyncBinary.run(arguments)
        #expect(idle.status == 0, "seed \(seed): \(idle)")
        #expect(try place.appliedState() == before, "seed \(seed)")
        let idleLog = try await peer.log().filter { $0.path == "/feed" }
        #expect(idleLog[loggedSoFar...].first?.query["since"] == since, "seed \(seed): the idle poll's since")
    }

    func checkHTTP(_ place: TestPlace, rows: [CrashOracle.Row], versions: [String: CrashOracle.Row], seed: UInt64,
                   faults: inout [String]) throws {
        #expect(try AppDatabase(path: place.storePath).integrityCheck() == "ok", "seed \(seed)")
        // The cursor is the greatest updated_at served; the walk is over.
        let cursor = try place.int("SELECT cursor FROM http_feed")
        #expect(Int64(cursor) == (rows.map(\.updatedAt).max() ?? 0) * 1000, "seed \(seed): cursor")

        // Records: exactly the endpoint's last answer, field by field.
        let records = try place.records(today: Self.today)
        let marks = Dictionary(try place.rows("SELECT a.request_id, f.updated_at FROM advice a JOIN advice_feed f ON f.advice_id = a.id")
            .map { ($0[0] ?? "", Int64($0[1] ?? "") ?? 0) }, uniquingKeysWith: { a, _ in a })
        #expect(records.count == rows.count, "seed \(seed): \(records.count) records, expected \(rows.count)")
        for want in rows {
            guard let item = records[want.requestID] else { faults.append("\(want.requestID) lost"); continue }
            let la = item.state.la
            let got = ["case_ref": la[.case_ref] ?? "-", "service": la[.service] ?? "-", "requested_on": la[.requested_on] ?? "-",
                       "status": item.state.laStatus?.rawValue ?? "-"]
            if got != want.values { faults.append("\(want.requestID) holds \(got), expected \(want.values)") }
            if marks[want.requestID] != want.updatedAt * 1000 { faults.append("\(want.requestID) mark \(marks[want.requestID] ?? 0)") }
        }

        // Audit: every version served is observed exactly once (a record served again
        // at the cursor is the same row, recognised and not recorded), with its values.
        var seen = Set<String>()
        try place.store().read { db in
            let cursor = try Row.fetchCursor(db, sql: "SELECT request_id, updated_at, outcome, observed FROM observation ORDER BY id")
            while let row = try cursor.next() {
                let id: String = row[0] ?? "-", t: Int64 = (row[1] as Int64? ?? 0) / 1000
                let key = "\(id)@\(t)"
                guard let want = versions[key] else { faults.append("observation of \(key) was never served"); continue }
                if !seen.insert(key).inserted { faults.append("\(key) observed twice") }
                let outcome: String = row[2]
                if outcome != "created" && outcome != "updated" { faults.append("\(key) \(outcome)") }
                let json = PackedValues.json([UInt8](row[3] as Data), updatedAt: nil)
                let values = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: String] ?? [:]
                if CrashOracle.variedFields.map({ values[$0] }) != CrashOracle.variedFields.map({ want.values[$0] }) {
                    faults.append("\(key) recorded \(values), expected \(want.values)")
                }
            }
        }
        let missing = Set(versions.keys).subtracting(seen)
        if !missing.isEmpty { faults.append("\(missing.count) versions never observed, e.g. \(missing.sorted().prefix(3))") }
    }
}
