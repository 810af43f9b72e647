import Testing
@testable import EHCCore

@Suite struct JSONRecordDecoderTests {
    private let json = JSONRecordDecoder()

    @Test func topLevelArrayYieldsOneObjectPerElementWithItsLine() {
        let text = """
            [
              {"request_id": "R1", "nhs_number": 9434765919, "given_name": null,
               "urgent": true, "codes": [1, 2], "address": {"town": "Leeds"}},
              {"request_id":"R2","late":false}
            ]
            """
        #expect(decodeEveryWay(json, text) == DecodeOutcome(records: [
            .object(line: 2, fields: [
                "request_id": .text("R1"), "nhs_number": .text("9434765919"), "given_name": .null,
                "urgent": .bool(true), "codes": .nested("array"), "address": .nested("object"),
            ]),
            .object(line: 4, fields: ["request_id": .text("R2"), "late": .bool(false)]),
        ]))
    }

    @Test func emptyArrayHasNoRecords() {
        #expect(decodeEveryWay(json, " [ ] \n") == DecodeOutcome(records: []))
    }

    @Test(arguments: [
        #"{"next": "https://la.example/p2", "records": [{"a": "1"}]}"#,
        #"{"records": [{"a": "1"}], "count": 1, "meta": {"x": [1, {"y": "]}"}]}, "next": "https://la.example/p2"}"#,
    ])
    func recordsObjectExposesNextWhereverItComes(text: String) {
        var decoder = JSONRecordDecoder()
        var records: [DecodedRecord] = []
        #expect(throws: Never.self) {
            try Array(text.utf8).withUnsafeBytes { try decoder.consume($0) { records.append($0) } }
            try decoder.finish { records.append($0) }
        }
        #expect(records == [.object(line: 1, fields: ["a": .text("1")])])
        #expect(decoder.next == "https://la.example/p2")
        #expect(decodeEveryWay(JSONRecordDecoder(), text).records == records)
    }

    @Test func nextIsNilWhenAbsentOrNull() throws {
        for text in [#"{"records": []}"#, #"{"records": [], "next": null}"#, "[]"] {
            var decoder = JSONRecordDecoder()
            try Array(text.utf8).withUnsafeBytes { try decoder.consume($0) { _ in } }
            try decoder.finish { _ in }
            #expect(decoder.next == nil)
        }
    }

    @Test(arguments: ["9434765919", "1.50", "-0", "0.1e-7", "2E+3", "12345678901234567890123"])
    func numbersAreKeptAsWritten(number: String) {
        #expect(decodeEveryWay(json, "[{\"n\": \(number)}]").records == [.object(line: 1, fields: ["n": .text(number)])])
    }

    @Test(arguments: ["01", "1.", ".5", "+1", "1e", "-", "0x10"])
    func numbersOutsideTheJSONGrammarAreSyntaxErrors(number: String) {
        #expect(decodeEveryWay(json, "[{\"n\": \(number)}]").error != nil)
    }

    @Test func stringEscapesAreDecodedAndBracketsInsideStringsAreNotStructure() {
        let text = #"[{"note": "a \"quoted\" ]} word\\", "e": "caf\u00e9 \ud83d\ude00\n\t\/"}]"#
        #expect(decodeEveryWay(json, text).records == [
            .object(line: 1, fields: ["note": .text("a \"quoted\" ]} word\\"), "e": .text("café 😀\n\t/")]),
        ])
    }

    @Test func repeatedKeyKeepsTheLastValue() {
        #expect(decodeEveryWay(json, #"[{"a": "1", "a": "2"}]"#).records == [.object(line: 1, fields: ["a": .text("2")])])
    }

    @Test(arguments: [
        (#""R1""#, "record is a JSON string, not an object"),
        ("42", "record is a JSON number, not an object"),
        ("[1]", "record is a JSON array, not an object"),
        ("true", "record is a JSON boolean, not an object"),
        ("null", "record is JSON null, not an object"),
    ])
    func elementThatIsNotAnObjectIsABadRecord(element: String, message: String) {
        #expect(decodeEveryWay(json, "[{\"a\": \"1\"},\n \(element) ,\n{\"b\": \"2\"}]") == DecodeOutcome(records: [
            .object(line: 1, fields: ["a": .text("1")]),
            .bad(line: 2, message: message),
            .object(line: 3, fields: ["b": .text("2")]),
        ]))
    }

    @Test(arguments: [#"[{"a": "1"}, {"b": "#, #"[{"a": "1"}, "#, #"{"records": [{"a": "1"}]"#, "[{\"a\": \"1\"}, {\"b\": [1, 2", "[{\"a\": \"1\"}, {\"b\": \"x\\"])
    func truncatedFileIsRejected(text: String) {
        let outcome = decodeEveryWay(json, text)
        #expect(outcome.error?.message.hasPrefix("truncated JSON") == true)
        #expect(outcome.records == [.object(line: 1, fields: ["a": .text("1")])])
    }

    @Test func htmlErrorPageIsNotJSON() {
        let outcome = decodeEveryWay(json, "\n<!DOCTYPE html>\n<html><body>502 Bad Gateway</body></html>\n")
        #expect(outcome == DecodeOutcome(records: [], error: FileDecodingError(
            line: 2, message: "not JSON: the file starts with \"<\", like an HTML or XML page")))
    }

    @Test(arguments: [(#""records""#, "a string"), ("42", "a number"), ("null", "null")])
    func topLevelScalarIsRejected(text: String, kind: String) {
        #expect(decodeEveryWay(json, text).error?.message
            == "the top-level JSON value is \(kind), not an array of records or an object with a \"records\" array")
    }

    @Test(arguments: [
        (#"{"items": []}"#, "the top-level object has no \"records\" array"),
        (#"{"records": {"a": 1}}"#, "\"records\" is an object, not an array"),
        (#"{"records": [], "records": []}"#, "the top-level object has two \"records\" keys"),
    ])
    func topLevelObjectNeedsOneRecordsArray(text: String, message: String) {
        #expect(decodeEveryWay(json, text).error == FileDecodingError(line: 1, message: message))
    }

    @Test func emptyFileIsRejected() {
        #expect(decodeEveryWay(json, " \n").error == FileDecodingError(line: nil, message: "the file is empty: no JSON"))
    }

    @Test func nestingDeeperThanTheLimitIsRejected() {
        let decoder = JSONRecordDecoder(maxDepth: 4)
        #expect(decodeEveryWay(decoder, #"[{"a": [[1]]}]"#).error == nil)
        #expect(decodeEveryWay(decoder, #"{"records": [{"a": [[1]]}]}"#).error
            == FileDecodingError(line: 1, message: "nesting deeper than 4 levels"))
        #expect(decodeEveryWay(decoder, "[{\"a\":\n[[[1]]]}]").error == FileDecodingError(line: 2, message: "nesting deeper than 4 levels"))
    }

    @Test(arguments: ["[{}] x", "[{}]]", #"{"records": []} {}"#, "[{}]\n,"])
    func trailingGarbageAfterTheTopLevelValueIsRejected(text: String) {
        let outcome = decodeEveryWay(json, text)
        #expect(outcome.error?.message.hasSuffix("after the end of the JSON") == true)
    }

    @Test(arguments: [
        ("[{\"a\": \"1\"},\n{\"b\": }]", FileDecodingError(line: 2, message: "not valid JSON: unexpected \"}\"")),
        ("[{\"a\": \"1\"},\n{\"b\": \"x\",\n}]", FileDecodingError(line: 3, message: "not valid JSON: expected a key in double quotes, found \"}\"")),
        ("[{\"a\": \"1\"},\n]", FileDecodingError(line: 2, message: "not valid JSON: expected a value, found \"]\"")),
        ("[{\"a\": \"1\"}\n{\"b\": \"2\"}]", FileDecodingError(line: 2, message: "not valid JSON: expected \",\" or \"]\", found \"{\"")),
        ("[{\"a\": \"1\"},\n{\"b\": \"line\nbreak\"}]", FileDecodingError(line: 2, message: "not valid JSON: control character byte 0x0A inside a string")),
        ("[{\"a\": \"1\"},\n{\"b\": \"\\ud800\"}]", FileDecodingError(line: 2, message: "not valid JSON: unpaired surrogate in a \\u escape")),
    ])
    func syntaxErrorInsideARecordSpoilsTheFile(text: String, error: FileDecodingError) {
        let outcome = decodeEveryWay(json, text)
        #expect(outcome.error == error)
        #expect(outcome.records == [.object(line: 1, fields: ["a": .text("1")])])
    }

    @Test func invalidUTF8IsRejectedWithItsLine() {
        let bytes = Array("[{\"a\": \"1\"},\n{\"b\":\n\"".utf8) + [0xE9] + Array("\"}]".utf8)
        #expect(decodeEveryWay(json, bytes).error == FileDecodingError(line: 3, message: "not valid UTF-8 (JSON must be UTF-8)"))
    }

    @Test func utf8InsideStringsSurvivesByteByByteChunks() {
        #expect(decodeEveryWay(json, #"[{"name": "Zoë Łukasz 😀"}]"#).records == [.object(line: 1, fields: ["name": .text("Zoë Łukasz 😀")])])
    }

    @Test func recordLongerThanTheLimitIsRejected() {
        let decoder = JSONRecordDecoder(maxRecordBytes: 20)
        let outcome = decodeEveryWay(decoder, "[{\"a\": \"1\"},\n{\"a\": \"12345678901234567890\"}]")
        #expect(outcome.records == [.object(line: 1, fields: ["a": .text("1")])])
        #expect(outcome.error == FileDecodingError(line: 2, message: "record is longer than 20 bytes"))
    }

    @Test func byteOrderMarkIsTolerated() {
        #expect(decodeEveryWay(json, [0xEF, 0xBB, 0xBF] + Array("[{}]".utf8)).records == [.object(line: 1, fields: [:])])
    }

    @Test func errorThrownByEmitPropagatesUnchanged() {
        var decoder = JSONRecordDecoder()
        #expect(throws: StopReading()) {
            try Array("[{}, {}]".utf8).withUnsafeBytes { try decoder.consume($0) { _ in throw StopReading() } }
        }
    }
}
