import Foundation

// ehcsync-bench: the ingest benchmark (`swift run -c release ehcsync-bench`). See
// Docs/benchmarks.md for what it measures and the figures on the reference machine.
switch BenchOptions.parse(Array(CommandLine.arguments.dropFirst())) {
case .failure(let error) where error.isHelp:
    print(error.message)
case .failure(let error):
    FileHandle.standardError.write(Data((error.message + "\n").utf8))
    exit(64)
case .success(let options):
    do {
        if options.noticesOnly {
            guard let dir = options.dir else { throw BenchError("--notices-only needs --dir, the folder of a kept run") }
            try NoticeBenchmark.run(kept: dir)
            exit(0)
        }
        if options.service { exit(try await ServiceBenchmark(options: options).run() ? 0 : 1) }
        let ok = options.http ? try await HTTPBenchmark(options: options).run() : try await IngestBenchmark(options: options).run()
        exit(ok ? 0 : 1)
    } catch {
        FileHandle.standardError.write(Data("ehcsync-bench: \(error)\n".utf8))
        exit(1)
    }
}
