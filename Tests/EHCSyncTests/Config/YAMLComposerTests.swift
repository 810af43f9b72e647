import Testing
@testable import EHCSync

/// Repeated keys get past Yams' refusal by renaming, whatever the quoting or line
/// endings, so they are reported with every other issue.
@Suite struct YAMLComposerTests {
    @Test(arguments: [
        "a: 1\nb: 2\na: 3\n",
        "a: 1\r\nb: 2\r\na: 3\r\n",
        "\"a\": 1\nb: 2\n'a': 3\n",
        "x: { a: 1 }\nb: 2\na: 3\nx: { a: 1 }\na: 4\n",
    ])
    func repeatedKeysAreRenamedNotFatal(text: String) throws {
        let document = try YAMLComposer.compose(text).get()
        #expect(document.root != nil)
        #expect(!document.renamedKeys.isEmpty)
        #expect(Set(document.renamedKeys.values).isSubset(of: ["a", "x"]))
    }

    @Test func repeatedKeyAndAnotherErrorAreBothReported() {
        let yaml = ConfigTestSupport.minimalFeeds + "timezone: Mars/Olympus\r\ntimezone: Europe/London\r\n"
        let issues = ConfigTestSupport.issues(yaml)
        #expect(issues.map(\.keyPath) == ["timezone", "timezone"])
        #expect(issues.map(\.line) == [6, 7])
        #expect(issues.first?.message.contains("not a known time zone") == true)
        #expect(issues.last?.message.contains("written twice") == true)
    }

    @Test func renamingKeepsTheRestOfTheLine() {
        let renamed = YAMLComposer.renamingKey(in: "k: 1\n  'a b': 2 # c\n", line: 2, column: 3, name: "a b", to: "__p__")
        #expect(renamed == "k: 1\n  __p__: 2 # c\n")
        #expect(YAMLComposer.renamingKey(in: "a: 1\n", line: 3, column: 1, name: "a", to: "p") == nil)
        #expect(YAMLComposer.renamingKey(in: "a: 1\n", line: 1, column: 1, name: "b", to: "p") == nil)
    }

    /// libyaml puts an error at the end of the stream on the line after the last when the
    /// file has no final line break (found by the config fuzz target).
    @Test(arguments: ["feeds:\n  - name: la\n    fmata", "feeds:\r\n  - name: la\r\n    fmata", "a:\n  - [b"])
    func errorAtTheEndIsOnTheLastLine(text: String) {
        guard case .failure(let failure) = YAMLComposer.compose(text) else {
            Issue.record("\(text.debugDescription) composed")
            return
        }
        #expect(failure.line == YAMLComposer.lineCount(of: text))
    }
}
