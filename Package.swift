// swift-tools-version: 6.1
import PackageDescription

/// EHC Sync: one pure core (`EHCCore`: records, decoding, rules, deadlines),
/// one I/O library (`EHCSync`: config, feeds, store), and thin executables.
let package = Package(
    name: "ehcsync",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "ehcsync", targets: ["ehcsync"]),
        .executable(name: "ehcsync-bench", targets: ["ehcsync-bench"]),
        // Runs libFuzzer only when built with `-sanitize=fuzzer -DEHCSYNC_FUZZ` (`.ci/fuzz`); built plainly, it says so.
        .executable(name: "ehcsync-fuzz", targets: ["ehcsync-fuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        .target(name: "EHCCore"),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CSQLiteConfig", providers: [.apt(["libsqlite3-dev"])]),
        // zlib inflates a workbook's parts (`format: xlsx`); the zip container around them is
        // read by EHCSync's ZipArchive, which bounds every read by the entry's own sizes.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(
            name: "EHCSync",
            dependencies: [
                "EHCCore", "CCurl", "CSQLiteConfig", "CZlib",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "ehcsync",
            dependencies: [
                "EHCCore", "EHCSync",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "ehcsync-bench",
            dependencies: [
                "EHCCore", "EHCSync",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // What each fuzz target checks of one input, in libraries so that the tests replay
        // saved findings through exactly the code the fuzzer ran.
        .target(name: "EHCCoreFuzzing", dependencies: ["EHCCore"]),
        .target(name: "EHCSyncFuzzing", dependencies: ["EHCSync", "CZlib"]),
        .systemLibrary(name: "CLibFuzzer"),
        .executableTarget(name: "ehcsync-fuzz", dependencies: ["EHCCoreFuzzing", "EHCSyncFuzzing", "CLibFuzzer"]),
        .testTarget(name: "EHCCoreTests", dependencies: ["EHCCore", "EHCCoreFuzzing"], resources: [.copy("Fixtures")]),
        .testTarget(name: "EHCSyncTests", dependencies: ["EHCCore", "EHCSync", "EHCSyncFuzzing"], resources: [.copy("Fixtures")]),
    ],
    swiftLanguageModes: [.v6]
)
