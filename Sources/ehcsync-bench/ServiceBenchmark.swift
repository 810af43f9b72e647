import EHCCore
import EHCSync
import Foundation

/// Issue 5's figures for `ehcsync run` (`ehcsync-bench --service`): the time from
/// start to `READY=1`, and the CPU time and resident memory of an idle service over
/// `--idle-minutes` (default 10) with `--feeds` (default 10) folder feeds that bring
/// nothing new. The real release binary runs as a child under a `NOTIFY_SOCKET` this
/// process owns, as systemd would run it; its CPU and memory are read from /proc.
///
/// The store is loaded first (one `ehcsync sync` of `--service-rows` records spread
/// over the feeds, not timed), so each idle cycle has real work to find nothing in:
/// a folder scan per feed every minute (`every: 1m`), and the minute's end-of-cycle
/// work (notice planning over every record) with a DCO recipient configured.
struct ServiceBenchmark {
    let options: BenchOptions

    func run() async throws -> Bool {
        let binary = ((CommandLine.arguments[0] as NSString).deletingLastPathComponent as NSString).appendingPathComponent("ehcsync")
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw BenchError("\(binary) not found: build it first (swift build -c release --product ehcsync)")
        }
        let place = try BenchPlace.make(options.dir)
        defer { if place.isTemporary && !options.keep { place.remove() } }
        let configPath = try writePlace(place.dir)
        say("ehcsync-bench --service: \(options.feeds) feeds (every 1m, nothing new), \(options.serviceRows) records, idle \(options.idleMinutes) min")
        say("place: \(place.dir)")

        let load = try runChild(binary, ["sync", "--config", configPath], notify: nil)
        load.waitUntilExit()
        guard load.terminationStatus == 0 else { throw BenchError("loading the store with ehcsync sync failed (\(load.terminationStatus))") }

        let notify = try NotifyReceiver()
        let started = ContinuousClock.now
        let service = try runChild(binary, ["run", "--config", configPath], notify: notify.address)
        defer { if service.isRunning { kill(service.processIdentifier, SIGKILL) } }
        guard notify.receive(until: started + .seconds(60), where: { $0.contains("READY=1") }) != nil else {
            throw BenchError("no READY=1 within 60 s")
        }
        let ready = seconds(started.duration(to: .now))
        say(String(format: "start-up to READY=1: %.3f s", ready))

        // The first cycle (all feeds, notice planning) runs at once; idle time starts after it.
        _ = notify.receive(until: .now + .seconds(120)) { $0.contains("last cycle") }
        let pid = service.processIdentifier
        let first = try ProcessFigures.read(pid)
        var samples = [first]
        var cycles: [Double] = []
        let end = ContinuousClock.now + .seconds(options.idleMinutes * 60)
        var nextSample = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < end {
            if let status = notify.receive(until: min(end, nextSample), where: { $0.contains("last cycle") }),
               let duration = Self.cycleSeconds(status) {
                cycles.append(duration)
            }
            if ContinuousClock.now >= nextSample {
                samples.append(try ProcessFigures.read(pid))
                let s = samples[samples.count - 1]
                say(String(format: "  minute %2d: CPU %.3f s so far, RSS %@", samples.count - 1, s.cpuSeconds - first.cpuSeconds,
                           megabytes(s.residentBytes)))
                nextSample = nextSample + .seconds(60)
            }
        }
        let last = try ProcessFigures.read(pid)
        let stopStart = ContinuousClock.now
        kill(pid, SIGTERM)
        service.waitUntilExit()
        let stop = seconds(stopStart.duration(to: .now))

        let cpu = last.cpuSeconds - first.cpuSeconds
        let sorted = cycles.sorted()
        say("")
        say(String(format: "idle %d min: CPU %.3f s (%.2f%% of one core, %.1f ms a minute)", options.idleMinutes, cpu,
                   100 * cpu / Double(options.idleMinutes * 60), 1000 * cpu / Double(options.idleMinutes)))
        say("RSS at idle start \(megabytes(first.residentBytes)), at end \(megabytes(last.residentBytes)), peak \(megabytes(last.peakBytes))")
        if !sorted.isEmpty {
            say(String(format: "cycles: %d, duration median %.3f s, max %.3f s (from STATUS=)", sorted.count,
                       sorted[sorted.count / 2], sorted[sorted.count - 1]))
        }
        say(String(format: "SIGTERM to exit: %.3f s, exit status %d", stop, service.terminationStatus))
        // Growth is judged from the end of the first idle minute: caches fill in the first cycles.
        if let end = last.residentBytes, let start = (samples.count > 2 ? samples[1] : first).residentBytes {
            let grew = end - start
            say("RSS growth after the first idle minute: \(megabytes(grew)) \(grew <= 1_000_000 ? "(flat: met)" : "(grew: NOT MET)")")
        }
        return service.terminationStatus == 0
    }

    /// The config and the exports: `--feeds` LA folder feeds, each with one export of
    /// its share of the records, and a DCO recipient with an `.eml` outbox.
    func writePlace(_ dir: String) throws -> String {
        let perFeed = max(1, options.serviceRows / options.feeds)
        var config = "# Made by ehcsync-bench --service. Synthetic data only.\nstore: \(dir)/ehcsync.sqlite\nfeeds:\n"
        let today = Timestamp(Date()).localDate(in: TimeZone(identifier: "Europe/London") ?? .gmt)
        for feed in 0..<options.feeds {
            let folder = "\(dir)/feed-\(feed)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            config += "  - { name: feed-\(feed), role: la, every: 1m, folder: { path: \"\(folder)\", settle_seconds: 0 }, format: csv }\n"
            var csv = "request_id,case_ref,nhs_number,provider_ods,service,requested_on,status,updated_at\n"
            for row in 0..<perFeed {
                let n = feed * perFeed + row
                let requested = today.adding(days: -(n % 70))
                csv += "REQ-\(n),EHC/\(n / 3),\(SyntheticRequest.nhsNumber(n / 3)),RBT,salt,\(requested),requested,\(requested)T09:00:00Z\n"
            }
            try Data(csv.utf8).write(to: URL(fileURLWithPath: folder + "/export.csv"))
        }
        config += """
            notices:
              digest: { at: "07:30", to: [dco] }
            recipients:
              dco: { channels: [dco-mail] }
            channels:
              dco-mail: { email_file: { dir: "\(dir)/outbox", from: "EHC Sync <ehcsync@bench.example>", to: [dco@bench.example] } }

            """
        let path = dir + "/ehcsync.yaml"
        try Data(config.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func runChild(_ binary: String, _ arguments: [String], notify: String?) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for key in ["NOTIFY_SOCKET", "WATCHDOG_USEC", "JOURNAL_STREAM", "EHCSYNC_CONFIG", "STATE_DIRECTORY"] { env[key] = nil }
        if let notify { env["NOTIFY_SOCKET"] = notify }
        process.environment = env
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// The seconds in a `STATUS=` line's "last cycle … (0.01 s)".
    static func cycleSeconds(_ status: String) -> Double? {
        guard let open = status.range(of: "(", options: .backwards), let close = status.range(of: " s)", options: .backwards),
              open.upperBound <= close.lowerBound else { return nil }
        return Double(status[open.upperBound..<close.lowerBound])
    }

    func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
}

/// A child's CPU time and memory from /proc: `utime + stime` from `stat`, `VmRSS`
/// and `VmHWM` from `status`.
struct ProcessFigures {
    var cpuSeconds: Double
    var residentBytes: Int?
    var peakBytes: Int?

    static func read(_ pid: Int32) throws -> ProcessFigures {
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        // Fields after the command name (which may hold spaces) start after the last ')'.
        guard let close = stat.lastIndex(of: ")") else { throw BenchError("cannot read /proc/\(pid)/stat") }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let utime = Double(fields[11]), let stime = Double(fields[12]) else {
            throw BenchError("cannot read /proc/\(pid)/stat")
        }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        func field(_ name: String) -> Int? {
            status.split(separator: "\n").first { $0.hasPrefix(name) }
                .flatMap { $0.dropFirst(name.count).split(whereSeparator: { $0 == " " || $0 == "\t" }).first.flatMap { Int($0) } }
                .map { $0 * 1024 }
        }
        return ProcessFigures(cpuSeconds: (utime + stime) / ticks, residentBytes: field("VmRSS:"), peakBytes: field("VmHWM:"))
    }
}

/// The receiving end of sd_notify for the benchmark: a datagram socket bound to a
/// temporary path, read with a timeout on the calling thread.
final class NotifyReceiver {
    let address: String
    private let fd: Int32

    init() throws {
        address = NSTemporaryDirectory() + "/ehcsync-bench-notify-\(getpid()).sock"
        unlink(address)
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(address.utf8)
        guard fd >= 0, bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else { throw BenchError("cannot make the notify socket") }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in for (i, b) in bytes.enumerated() { raw[i] = b } }
        let ok = withUnsafePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard ok == 0 else { throw BenchError("cannot bind \(address)") }
    }

    deinit {
        close(fd)
        unlink(address)
    }

    /// The next datagram that satisfies `condition`, or nil at `deadline`.
    func receive(until deadline: ContinuousClock.Instant, where condition: (String) -> Bool) -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while ContinuousClock.now < deadline {
            let left = ContinuousClock.now.duration(to: deadline).components
            var timeout = timeval(tv_sec: Int(left.seconds), tv_usec: Int(max(1_000, left.attoseconds / 1_000_000_000_000)))
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let n = recv(fd, &buffer, buffer.count, 0)
            if n > 0 {
                let text = String(decoding: buffer[0..<n], as: UTF8.self)
                if condition(text) { return text }
            }
        }
        return nil
    }
}
