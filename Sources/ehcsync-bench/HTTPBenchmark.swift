import EHCCore
import EHCSync
import Foundation
import Logging

/// `ehcsync-bench --http`: one JSON page of N LA records (default 100,000) served by a
/// local HTTP server, read by an HTTP feed into a fresh store (fetch + decode + full
/// reconciliation and audit), against the time the `curl` command line takes just to
/// download the same body (the transport's own limit); then the CPU time of a poll
/// that gets 304.
struct HTTPBenchmark {
    let options: BenchOptions
    /// Valid NHS numbers from the 999 test range, used in turn.
    static let nhs = ["9990000018", "9990000026", "9990000034", "9990000042", "9990000050",
                      "9990000069", "9990000077", "9990000085", "9990000093", "9990000107"]
    static let quietPolls = 50

    func run() async throws -> Bool {
        let records = options.rowsGiven ? options.rows : 100_000
        let dir = options.dir ?? (FileManager.default.temporaryDirectory.path + "/ehcsync-bench-http-" + UUID().uuidString.prefix(8))
        try FileManager.default.createDirectory(atPath: dir + "/www", withIntermediateDirectories: true)
        defer { if options.dir == nil && !options.keep { try? FileManager.default.removeItem(atPath: dir) } }
        let body = Self.page(records)
        try body.write(to: URL(fileURLWithPath: dir + "/www/records.json"))
        // An hour old, so the server's Last-Modified is settled and a repeat poll gets 304.
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-3600)],
                                              ofItemAtPath: dir + "/www/records.json")
        let server = try StaticServer(directory: dir + "/www")
        defer { server.stop() }
        let url = "http://127.0.0.1:\(server.port)/records.json"
        print("ehcsync-bench --http \(EHCSyncVersion.string): \(records) records, one JSON page of \(String(format: "%.1f", Double(body.count) / 1e6)) MB, in \(dir)")

        let curl = try (0..<3).map { _ in try Self.curlSeconds(url) }.min() ?? 0
        print(String(format: "  curl command line, download only   %.3f s  %8.0f records/s  (best of 3)", curl, Double(records) / curl))
        var fetches: [Double] = []
        for _ in 0..<3 {
            let start = Date()
            let response = try await CurlClient.perform(HTTPRequest(url: url, maxBytes: 200_000_000))
            guard response.body.count == body.count else { throw BenchError("CurlClient got \(response.body.count) bytes") }
            fetches.append(Date().timeIntervalSince(start))
        }
        let fetch = fetches.min() ?? 0
        print(String(format: "  CurlClient, download only           %.3f s  %8.0f records/s  (best of 3: EHC Sync's transport)", fetch, Double(records) / fetch))

        let yaml = """
            store: "\(dir)/store/ehcsync.sqlite"
            timezone: Europe/London
            feeds:
              - name: la-api
                role: la
                format: json
                http: { url: "\(url)", max_bytes: 200MB }
            """
        let config: AppConfig
        switch ConfigLoader.parse(yaml: yaml, file: dir + "/ehcsync.yaml", environment: [:]) {
        case .success(let loaded): config = loaded
        case .failure(let errors): throw BenchError("the benchmark's config was refused: \(errors)")
        }
        let db: AppDatabase
        do { db = try AppDatabase(path: config.storePath) } catch { throw BenchError("\(error)") }
        let engine = SyncEngine(config: config, db: db, logger: Logger(label: "ehcsync-bench") { _ in SwiftLogNoOpLogHandler() })
        let feed = config.feeds[0]
        let now = Timestamp(Date())

        let (load, loadCPU) = await Self.measure { await engine.pollFeed(feed, now: now) }
        guard load.0.error == nil, load.0.result?.counts.applied == records else {
            throw BenchError("the first poll did not apply every record: \(load.0.error ?? "\(String(describing: load.0.result))")")
        }
        print(String(format: "  ehcsync poll, fetch + apply         %.3f s  %8.0f records/s  (CPU %.2f s; fresh store, full reconciliation and audit)",
                     load.1, Double(records) / load.1, loadCPU))
        print(String(format: "  fetch + apply takes %.1f× the download alone", load.1 / curl))

        // The same page again with 200 (as from an endpoint without validators): every
        // record is unchanged, so this is decode + the unchanged-row check.
        try db.forgetHTTPValidators()
        let (again, againCPU) = await Self.measure { await engine.pollFeed(feed, now: now) }
        guard again.0.result?.counts.unchanged == records else {
            throw BenchError("the repeat of the page was not all unchanged: \(again.0.error ?? "\(String(describing: again.0.result))")")
        }
        print(String(format: "  same page again, all unchanged      %.3f s  %8.0f records/s  (CPU %.2f s)",
                     again.1, Double(records) / again.1, againCPU))

        var cpu: [Double] = []
        var wall: [Double] = []
        for _ in 0..<Self.quietPolls {
            let (quiet, quietCPU) = await Self.measure { await engine.pollFeed(feed, now: now) }
            guard quiet.0.result?.pagesNotModified == 1 else {
                throw BenchError("a repeat poll did not get 304: \(quiet.0.error ?? "\(String(describing: quiet.0.result))")")
            }
            cpu.append(quietCPU)
            wall.append(quiet.1)
        }
        cpu.sort()
        wall.sort()
        print(String(format: "  poll answered 304                   CPU %.1f ms median (%.1f ms max), wall %.1f ms median, over %d polls",
                     cpu[cpu.count / 2] * 1000, (cpu.last ?? 0) * 1000, wall[wall.count / 2] * 1000, Self.quietPolls))
        let stored = try StoreCensus.adviceCount(db)
        print("  store holds \(stored) records" + (stored == records ? " (all of them)" : " — expected \(records)"))
        return stored == records
    }

    /// `[ {…}, … ]`: N LA records with canonical keys, one per line.
    static func page(_ count: Int) -> Data {
        var text = "[\n"
        text.reserveCapacity(count * 260)
        for i in 0..<count {
            let requested = String(format: "2026-02-%02d", 1 + i % 28)
            let updated = String(format: "2026-03-01T%02d:%02d:%02dZ", 10 + i / 3600 % 12, i / 60 % 60, i % 60)
            text += "{\"request_id\":\"LA-\(1_000_000 + i)\",\"case_ref\":\"EHC/\(200_000 + i / 3)\","
            text += "\"nhs_number\":\"\(nhs[i % nhs.count])\",\"date_of_birth\":\"2015-0\(1 + i % 9)-1\(i % 10)\","
            text += "\"provider_ods\":\"RBT\",\"service\":\"salt\",\"requested_on\":\"\(requested)\","
            text += "\"status\":\"requested\",\"updated_at\":\"\(updated)\"}"
            text += i + 1 < count ? ",\n" : "\n"
        }
        return Data((text + "]\n").utf8)
    }

    /// Wall seconds of `curl -s -o /dev/null URL`.
    static func curlSeconds(_ url: String) throws -> Double {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["curl", "-s", "-f", "-o", "/dev/null", url]
        let start = Date()
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchError("curl \(url) failed (\(process.terminationStatus))") }
        return Date().timeIntervalSince(start)
    }

    /// The value of `work`, its wall seconds, and the process's CPU seconds meanwhile.
    static func measure<T>(_ work: () async throws -> T) async rethrows -> ((T, Double), Double) {
        let before = ResourceUsage.now()
        let start = Date()
        let value = try await work()
        let seconds = Date().timeIntervalSince(start)
        let after = ResourceUsage.now()
        let cpu = after.userSeconds - before.userSeconds + after.systemSeconds - before.systemSeconds
        return ((value, seconds), cpu)
    }
}

/// Python's `http.server` serving a folder on 127.0.0.1 (it answers `If-Modified-Since`
/// with 304), run for the benchmark and stopped with it.
final class StaticServer {
    let port: Int
    private let process: Process
    private let input = Pipe()

    init(directory: String) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-u", "-c", """
            import http.server, sys, threading, os
            class Quiet(http.server.SimpleHTTPRequestHandler):
                def log_message(self, *a): pass
            server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), lambda *a: Quiet(*a, directory=sys.argv[1]))
            threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
            print(server.server_address[1], flush=True)
            server.serve_forever()
            """, directory]
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        var line = Data()
        while let byte = try output.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) {
            line.append(byte)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            try? input.fileHandleForWriting.close()
            process.waitUntilExit()
            throw BenchError("the local HTTP server (python3 http.server) did not start")
        }
        self.port = port
    }

    func stop() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}
