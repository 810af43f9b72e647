import Testing
@testable import EHCCore

@Suite struct NDJSONRecordDecoderTests {
    private let ndjson = NDJSONRecordDecoder()

    @Test(arguments: ["\n", "\r\n"])
    func badLineInTheMiddleDoesNotStopTheOthers(newline: String) {
        let text = ["{\"a\": \"1\"}", "{\"a\": }", "[1, 2]", "", "  ", "{\"a\": 2.50}"].joined(separator: newline) + newline
        #expect(decodeEveryWay(ndjson, text) == DecodeOutcome(records: [
            .object(line: 1, fields: ["a": .text("1")]),
            .bad(line: 2, message: "not valid JSON: unexpected \"}\""),
            .bad(line: 3, message: "record is a JSON array, not an object"),
            .object(line: 6, fields: ["a": .text("2.50")]),
        ]))
    }

    @Test func lastLineWithoutANewlineIsRead() {
        #expect(decodeEveryWay(ndjson, "{\"a\": true}\n{\"b\": null}").records == [
            .object(line: 1, fields: ["a": .bool(true)]),
            .object(line: 2, fields: ["b": .null]),
        ])
    }

    @Test func twoValuesOnOneLineAreABadLine() {
        #expect(decodeEveryWay(ndjson, "{} {}\n").records == [.bad(line: 1, message: "not valid JSON: unexpected \"{\" after the value")])
    }

    @Test func byteOrderMarkIsDropped() {
        #expect(decodeEveryWay(ndjson, [0xEF, 0xBB, 0xBF] + Array("{\"a\": \"é\"}\r\n".utf8)).records == [
            .object(line: 1, fields: ["a": .text("é")]),
        ])
    }

    @Test func invalidUTF8SpoilsTheFile() {
        let outcome = decodeEveryWay(ndjson, Array("{}\n{\"a\": \"".utf8) + [0xC3] + Array("\"}\n{}\n".utf8))
        #expect(outcome.records == [.object(line: 1, fields: [:])])
        #expect(outcome.error == FileDecodingError(line: 2, message: "not valid UTF-8 (JSON must be UTF-8)"))
    }

    @Test func lineLongerThanTheLimitSpoilsTheFile() {
        let decoder = NDJSONRecordDecoder(maxRecordBytes: 12)
        let outcome = decodeEveryWay(decoder, "{\"a\": \"1\"}\n{\"a\": \"12345\"}\n")
        #expect(outcome.records == [.object(line: 1, fields: ["a": .text("1")])])
        #expect(outcome.error == FileDecodingError(line: 2, message: "line is longer than 12 bytes"))
    }

    @Test func nestingDeeperThanTheLimitIsABadLine() {
        let decoder = NDJSONRecordDecoder(maxDepth: 2)
        #expect(decodeEveryWay(decoder, "{\"a\": [1]}\n{\"a\": [[1]]}\n").records == [
            .object(line: 1, fields: ["a": .nested("array")]),
            .bad(line: 2, message: "not valid JSON: nesting deeper than 2 levels"),
        ])
    }

    @Test func errorThrownByEmitPropagatesUnchanged() {
        var decoder = NDJSONRecordDecoder()
        #expect(throws: StopReading()) {
            try Array("{}\n{}\n".utf8).withUnsafeBytes { try decoder.consume($0) { _ in throw StopReading() } }
        }
    }
}
