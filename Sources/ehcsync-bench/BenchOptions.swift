/// The benchmark's command line: `ehcsync-bench [--rows N] [--dir P] [--keep] [--seed S]`.
/// Parsed by hand: the executable has no other flags, and needs no more.
struct BenchOptions {
    var rows = 1_000_000
    /// Where to make the place; a fresh temporary folder when nil.
    var dir: String?
    /// Keep the folder (store, processed exports, config) after the run.
    var keep = false
    var seed: UInt64 = 20_140_901
    /// `--service`: measure `ehcsync run` instead (ServiceBenchmark).
    var service = false
    var idleMinutes = 10
    var feeds = 10
    var serviceRows = 10_000

    /// `--http`: the HTTP feed benchmark (HTTPBenchmark.swift) instead of the ingest one.
    var http = false
    /// Whether `--rows` was given (the HTTP benchmark's default is 100,000 records).
    var rowsGiven = false
    /// `--notices-only`: issue 3's figures alone, on the store of a run kept in `--dir`.
    var noticesOnly = false

    static let usage = """
        usage: ehcsync-bench [--rows N] [--dir P] [--keep] [--seed S]
               ehcsync-bench --http [--rows N]
               ehcsync-bench --service [--idle-minutes M] [--feeds F] [--service-rows N] [--dir P] [--keep]
               ehcsync-bench --notices-only --dir P

          Generates an LA CSV export of N advice requests (default 1000000) in random key
          order, ingests it through the folder feed into a fresh store, then ingests the next
          day's full re-export of the same rows with 1% changed. Prints rows/s, CPU and peak
          memory for each pass, and checks the store afterwards.

          --rows N   rows in each export (at least 100)
          --dir P    folder to work in, kept afterwards; must not exist or be empty
                     (default: a new temporary folder, removed at the end unless --keep)
          --keep     keep the folder: store, config and processed exports
          --seed S   seed for the generated data (default 20140901)

          --service  instead: start the release ehcsync binary as `ehcsync run` under a
                     NOTIFY_SOCKET; print the time to READY=1, then CPU and RSS of the idle
                     service over M minutes (default 10) with F unchanged feeds (default 10)
                     polled every minute over a store of N records (default 10000)
          --http     instead: an HTTP feed reading one JSON page of N records (default
                     100000) from a local server, against curl's download of the same
                     body, then the CPU time of a poll answered 304
          --notices-only  instead: only the notice, digest and report figures, on the
                     store a run kept in --dir P left
        """

    /// The options, or a message for the user (usage text for `--help`).
    static func parse(_ arguments: [String]) -> Result<BenchOptions, BenchError> {
        var options = BenchOptions()
        var i = 0
        func value(_ flag: String) -> String? {
            i += 1
            return i < arguments.count ? arguments[i] : nil
        }
        while i < arguments.count {
            let flag = arguments[i]
            switch flag {
            case "--rows":
                guard let text = value(flag), let n = Int(text.replacingOccurrences(of: "_", with: "")), n >= 100 else {
                    return .failure(BenchError("--rows needs a whole number of at least 100\n\n" + usage))
                }
                options.rows = n
                options.rowsGiven = true
            case "--dir":
                guard let text = value(flag), !text.isEmpty else { return .failure(BenchError("--dir needs a path\n\n" + usage)) }
                options.dir = text
            case "--seed":
                guard let text = value(flag), let s = UInt64(text) else {
                    return .failure(BenchError("--seed needs a whole number\n\n" + usage))
                }
                options.seed = s
            case "--keep":
                options.keep = true
            case "--service":
                options.service = true
            case "--idle-minutes", "--feeds", "--service-rows":
                guard let text = value(flag), let n = Int(text.replacingOccurrences(of: "_", with: "")), n >= 1 else {
                    return .failure(BenchError("\(flag) needs a whole number of at least 1\n\n" + usage))
                }
                switch flag {
                case "--idle-minutes": options.idleMinutes = n
                case "--feeds": options.feeds = n
                default: options.serviceRows = n
                }
            case "--http":
                options.http = true
            case "--notices-only":
                options.noticesOnly = true
            case "-h", "--help":
                return .failure(BenchError(usage, isHelp: true))
            default:
                return .failure(BenchError("unknown argument \(flag)\n\n" + usage))
            }
            i += 1
        }
        return .success(options)
    }
}

/// A benchmark failure worth one line to the user (or the usage text for `--help`).
struct BenchError: Error, CustomStringConvertible {
    var message: String
    var isHelp = false
    init(_ message: String, isHelp: Bool = false) {
        self.message = message
        self.isHelp = isHelp
    }
    var description: String { message }
}
