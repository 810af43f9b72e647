import EHCSyncFuzzing
import Foundation
import Testing

/// Replays every saved xlsx fuzz input (`Fixtures/fuzz-findings/xlsx/`) through the check
/// the fuzzer ran: the reader ends, rejects with a `WorkbookError` or hands on a header
/// and rows of its width.
struct XLSXFuzzFindingsTests {
    static func findings() -> [String] {
        guard let folder = Bundle.module.url(forResource: "Fixtures", withExtension: nil)?
            .appendingPathComponent("fuzz-findings/xlsx"),
            let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return [] }
        return names.filter { !$0.hasPrefix(".") }.sorted()
    }

    @Test func savedInputsAreThere() {
        #expect(!Self.findings().isEmpty)
    }

    @Test(arguments: findings())
    func workbookInputIsReadOrRejected(_ name: String) throws {
        let folder = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        let bytes = Array(try Data(contentsOf: folder.appendingPathComponent("fuzz-findings/xlsx/\(name)")))
        let broken = bytes.withUnsafeBufferPointer(XLSXFuzzTarget.check)
        #expect(broken.isEmpty, "\(broken)")
    }
}
