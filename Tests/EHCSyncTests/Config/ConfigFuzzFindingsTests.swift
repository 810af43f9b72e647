import EHCSyncFuzzing
import Foundation
import Testing

/// Replays every saved config fuzz input (`Fixtures/fuzz-findings/config/`) through the check
/// the fuzzer ran: the loader returns a config or issues, each issue on a line of the text.
struct ConfigFuzzFindingsTests {
    /// The names of the saved inputs, sorted.
    static func findings() -> [String] {
        guard let folder = Bundle.module.url(forResource: "Fixtures", withExtension: nil)?
            .appendingPathComponent("fuzz-findings/config"),
            let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return [] }
        return names.filter { !$0.hasPrefix(".") }.sorted()
    }

    @Test func savedInputsAreThere() {
        #expect(!Self.findings().isEmpty)
    }

    @Test(arguments: findings())
    func configInputIsReportedOnItsLines(_ name: String) throws {
        let folder = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        let bytes = Array(try Data(contentsOf: folder.appendingPathComponent("fuzz-findings/config/\(name)")))
        let broken = bytes.withUnsafeBufferPointer(ConfigFuzzTarget.check)
        #expect(broken.isEmpty, "\(broken)")
    }
}
