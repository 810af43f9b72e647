import EHCCoreFuzzing
import Foundation
import Testing

/// Replays every saved fuzz input (`Fixtures/fuzz-findings/TARGET/`) through the check the
/// fuzzer ran on it: each must return normally and keep every property. A finding of
/// `.ci/fuzz` becomes a file here once fixed; the folder starts with inputs that reach the
/// nastiest paths (deep nesting, invalid UTF-8, huge numbers, unterminated quotes).
struct FuzzFindingsTests {
    /// The names of the saved inputs of one target, sorted.
    static func findings(_ target: String) -> [String] {
        guard let folder = Bundle.module.url(forResource: "Fixtures", withExtension: nil)?
            .appendingPathComponent("fuzz-findings").appendingPathComponent(target),
            let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return [] }
        return names.filter { !$0.hasPrefix(".") }.sorted()
    }

    /// The bytes of one saved input.
    static func bytes(_ target: String, _ name: String) throws -> [UInt8] {
        let folder = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        let url = folder.appendingPathComponent("fuzz-findings").appendingPathComponent(target).appendingPathComponent(name)
        return Array(try Data(contentsOf: url))
    }

    @Test func everyTargetHasSavedInputs() {
        for target in ["csv", "json", "dates"] {
            #expect(!Self.findings(target).isEmpty, "no saved inputs for \(target)")
        }
    }

    @Test(arguments: findings("csv"))
    func csvInputKeepsEveryProperty(_ name: String) throws {
        let broken = try Self.bytes("csv", name).withUnsafeBufferPointer(CSVFuzzTarget.check)
        #expect(broken.isEmpty, "\(broken)")
    }

    @Test(arguments: findings("json"))
    func jsonInputKeepsEveryProperty(_ name: String) throws {
        let broken = try Self.bytes("json", name).withUnsafeBufferPointer(JSONFuzzTarget.check)
        #expect(broken.isEmpty, "\(broken)")
    }

    @Test(arguments: findings("dates"))
    func dateInputKeepsEveryProperty(_ name: String) throws {
        let broken = try Self.bytes("dates", name).withUnsafeBufferPointer(DateFuzzTarget.check)
        #expect(broken.isEmpty, "\(broken)")
    }
}
