import EHCCoreFuzzing
import EHCSyncFuzzing
import Foundation

/// The fuzz targets, by the name `EHCSYNC_FUZZ_TARGET` gives.
enum FuzzTarget: String, CaseIterable {
    case csv, json, dates, config, xlsx

    /// The properties the input breaks; empty when the code behaved.
    func check(_ bytes: UnsafeBufferPointer<UInt8>) -> [String] {
        switch self {
        case .csv: CSVFuzzTarget.check(bytes)
        case .json: JSONFuzzTarget.check(bytes)
        case .dates: DateFuzzTarget.check(bytes)
        case .config: ConfigFuzzTarget.check(bytes)
        case .xlsx: XLSXFuzzTarget.check(bytes)
        }
    }

    /// The target named in the environment; one process fuzzes one target.
    static let selected: FuzzTarget = {
        let name = ProcessInfo.processInfo.environment["EHCSYNC_FUZZ_TARGET"] ?? ""
        guard let target = FuzzTarget(rawValue: name) else {
            FileHandle.standardError.write(Data("ehcsync-fuzz: set EHCSYNC_FUZZ_TARGET to one of \(allCases.map(\.rawValue).joined(separator: ", "))\n".utf8))
            exit(2)
        }
        return target
    }()
}

#if EHCSYNC_FUZZ
import CLibFuzzer

/// Hands the command line to libFuzzer's driver, which calls `fuzzOneInput` for each input.
///
/// SwiftPM gives every executable a `main` of its own, so libFuzzer's `main` cannot be used;
/// `LLVMFuzzerRunDriver` is the driver without it, and takes the same flags.
@main
enum FuzzMain {
    static func main() {
        _ = FuzzTarget.selected  // a missing or unknown target stops here, not at the first input
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOneInput))
    }
}

/// Runs the selected target on one input. A broken property aborts, so libFuzzer saves the
/// input as a crash, as it does for a trap or a sanitizer report.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let broken = FuzzTarget.selected.check(UnsafeBufferPointer(start: data, count: size))
    if !broken.isEmpty {
        FileHandle.standardError.write(Data(("ehcsync-fuzz: " + broken.joined(separator: "\nehcsync-fuzz: ") + "\n").utf8))
        abort()
    }
    return 0
}
#else
/// Built without the fuzzer, the executable only says how to build and run it, so that a
/// plain `swift build` needs no libFuzzer runtime.
@main
enum FuzzUsage {
    static func main() {
        print("""
        ehcsync-fuzz is a libFuzzer harness; this build has no fuzzer in it. Build and run it with:
          bash .ci/fuzz [SECONDS]
        or by hand:
          swift build -c release --scratch-path .build-fuzz --product ehcsync-fuzz \\
            -Xswiftc -sanitize=fuzzer,address -Xswiftc -DEHCSYNC_FUZZ
          EHCSYNC_FUZZ_TARGET=csv .build-fuzz/release/ehcsync-fuzz CORPUS_DIR
        Targets: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")).
        """)
        exit(64)
    }
}
#endif
