import Foundation
import Testing
@testable import EHCSync

/// Errors are values: no input makes the loader trap, and every issue points
/// inside the file.
@Suite struct ConfigRobustnessTests {
    static func exampleText() throws -> String {
        let path = ConfigTestSupport.packageRoot().appendingPathComponent("Config/ehcsync.example.yaml").path
        return try String(contentsOfFile: path, encoding: .utf8)
    }

    /// Every issue is on a line of the text (or 0/1 for whole-file problems).
    static func checkIssuesPointIntoText(_ text: String) {
        let lineCount = text.split(separator: "\n", omittingEmptySubsequences: false).count
        if case .failure(let errors) = ConfigTestSupport.parse(text) {
            #expect(!errors.issues.isEmpty)
            for issue in errors.issues {
                #expect((0...max(lineCount, 1)).contains(issue.line), "\(issue)")
            }
        }
    }

    @Test func everyPrefixOfTheExampleIsHandled() throws {
        let lines = try Self.exampleText().split(separator: "\n", omittingEmptySubsequences: false)
        for count in 0...lines.count {
            Self.checkIssuesPointIntoText(lines.prefix(count).joined(separator: "\n"))
        }
    }

    @Test func mutatedExamplesAreHandled() throws {
        let text = Array(try Self.exampleText().unicodeScalars)
        let replacements: [Unicode.Scalar] = [":", "-", " ", "\t", "[", "{", "\"", "'", "\n", "&", "*", "!", "#", "x", "9", "é"]
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        for _ in 0..<300 {
            var mutated = text
            for _ in 0..<(1 + next(4)) {
                mutated[next(mutated.count)] = replacements[next(replacements.count)]
            }
            Self.checkIssuesPointIntoText(String(String.UnicodeScalarView(mutated)))
        }
    }

    @Test(arguments: ["", "   \n\n", "# only a comment\n", "~", "[]", "42", "feeds:", "feeds: []", "feeds: {}",
                      "feeds: [1, [2], {a: b}]", "? [a]\n: b", "&a [*a]", "feeds:\n  - *nope", "\u{FEFF}feeds: x",
                      "feeds:\n  - name: a\n    name: b\n    name: c\n    name: d"])
    func oddDocumentsAreIssuesNotCrashes(text: String) {
        guard case .failure(let errors) = ConfigTestSupport.parse(text) else {
            Issue.record("accepted: \(text)")
            return
        }
        #expect(!errors.issues.isEmpty)
    }

    @Test(arguments: ["a: 1\nb: \u{7}\n", "a: 1\r\nb: \u{7}\r\n", "# é\nb: x\u{1}\n"])
    func controlCharactersAreReportedAtTheirLine(text: String) {
        let issues = ConfigTestSupport.issues(text)
        #expect(issues.map(\.line) == [2], "\(issues)")
        #expect(issues.first?.message.contains("invalid YAML") == true)
    }
}
