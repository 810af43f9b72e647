import Testing
@testable import EHCCore

@Suite struct CSVDecoderTests {
    private let csv = CSVDecoder()

    @Test func firstRecordIsTheHeaderAndRowsFollowInFileOrder() {
        let outcome = decodeEveryWay(csv, "request_id,nhs_number\nR1,9434765919\nR2,9434765870\n")
        #expect(outcome == DecodeOutcome(records: [
            .header(line: 1, names: ["request_id", "nhs_number"]),
            .row(line: 2, fields: ["R1", "9434765919"]),
            .row(line: 3, fields: ["R2", "9434765870"]),
        ]))
    }

    @Test(arguments: ["\n", "\r\n"])
    func quotedFieldsKeepDelimitersQuotesAndLineBreaksAndLaterRowsKeepTheirLines(newline: String) {
        let text = "id,note\(newline)1,\"a, \"\"b\"\"\(newline)c\"\(newline)2,\"\(newline)\(newline)\"\(newline)3,x\(newline)"
        #expect(decodeEveryWay(csv, text) == DecodeOutcome(records: [
            .header(line: 1, names: ["id", "note"]),
            .row(line: 2, fields: ["1", "a, \"b\"\(newline)c"]),
            .row(line: 4, fields: ["2", "\(newline)\(newline)"]),
            .row(line: 7, fields: ["3", "x"]),
        ]))
    }

    @Test func loneCarriageReturnsEndRecords() {
        #expect(decodeEveryWay(csv, "a,b\r1,\"x\ry\"\r\r3,4") == DecodeOutcome(records: [
            .header(line: 1, names: ["a", "b"]),
            .row(line: 2, fields: ["1", "x\ry"]),
            .row(line: 5, fields: ["3", "4"]),
        ]))
    }

    @Test(arguments: [";", "\t", "|"])
    func otherDelimitersSplitFields(delimiter: String) {
        let d = delimiter
        let decoder = CSVDecoder(delimiter: UInt8(ascii: Unicode.Scalar(d)!))
        let text = "id\(d)name\(d)note\n1\(d)\"Smith\(d) J\"\(d)a,b\n2\(d)\(d)\n"
        #expect(decodeEveryWay(decoder, text) == DecodeOutcome(records: [
            .header(line: 1, names: ["id", "name", "note"]),
            .row(line: 2, fields: ["1", "Smith\(d) J", "a,b"]),
            .row(line: 3, fields: ["2", "", ""]),
        ]))
    }

    @Test func tabDelimiterIsNotTrimmedAsPadding() {
        let decoder = CSVDecoder(delimiter: UInt8(ascii: "\t"))
        #expect(decodeEveryWay(decoder, "a\tb\tc\n\t x \t\n").records.last == .row(line: 2, fields: ["", "x", ""]))
    }

    @Test func utf8ByteOrderMarkIsDropped() {
        let outcome = decodeEveryWay(csv, [0xEF, 0xBB, 0xBF] + Array("request_id,name\nR1,Zoë\n".utf8))
        #expect(outcome == DecodeOutcome(records: [
            .header(line: 1, names: ["request_id", "name"]),
            .row(line: 2, fields: ["R1", "Zoë"]),
        ]))
    }

    @Test func bytesThatOnlyStartLikeAByteOrderMarkAreData() {
        let decoder = CSVDecoder(encoding: .windows1252)
        let outcome = decodeEveryWay(decoder, [0xEF, 0xBB, 0x41, 0x2C, 0x42, 0x0A])
        #expect(outcome == DecodeOutcome(records: [.header(line: 1, names: ["ï»A", "B"])]))
    }

    @Test func utf8ByteOrderMarkOnASingleByteEncodingIsRejected() {
        let decoder = CSVDecoder(encoding: .windows1252)
        let outcome = decodeEveryWay(decoder, [0xEF, 0xBB, 0xBF] + Array("a,b\n".utf8))
        #expect(outcome.error == FileDecodingError(
            line: 1, message: "starts with a UTF-8 byte order mark, but the declared encoding is windows-1252"))
    }

    @Test func windows1252BytesBecomeTheirCharacters() {
        let decoder = CSVDecoder(encoding: .windows1252)
        let bytes: [UInt8] = Array("name,price\n".utf8) + [0x4F, 0x92, 0x42, 0x72, 0x69, 0x65, 0x6E, 0x2C, 0x80, 0x35, 0x0A]
            + [0x52, 0xE9, 0x6E, 0xE9, 0x65, 0x2C, 0x81, 0x9F, 0x0A]
        #expect(decodeEveryWay(decoder, bytes) == DecodeOutcome(records: [
            .header(line: 1, names: ["name", "price"]),
            .row(line: 2, fields: ["O’Brien", "€5"]),
            .row(line: 3, fields: ["Rénée", "\u{81}Ÿ"]),
        ]))
    }

    @Test func iso88591BytesAreTheirCodePoints() {
        let decoder = CSVDecoder(encoding: .iso88591)
        let bytes: [UInt8] = Array("a,b\n".utf8) + [0xE9, 0x2C, 0x80, 0x92, 0xFF, 0x0A]
        #expect(decodeEveryWay(decoder, bytes).records.last == .row(line: 2, fields: ["é", "\u{80}\u{92}ÿ"]))
    }

    @Test func invalidUTF8IsRejectedWithItsLine() {
        let bytes: [UInt8] = Array("a,b\n1,2\n3,\"x\ny".utf8) + [0xC3, 0x28] + Array("\"\n".utf8)
        let outcome = decodeEveryWay(csv, bytes)
        #expect(outcome.records.count == 2)
        #expect(outcome.error == FileDecodingError(line: 4, message: "not valid UTF-8 (declared encoding utf-8)"))
        #expect(outcome.error?.description == "line 4: not valid UTF-8 (declared encoding utf-8)")
    }

    @Test func invalidUTF8InARowWithTheWrongFieldCountIsStillRejected() {
        let outcome = decodeEveryWay(csv, Array("a,b\n1,2,3".utf8) + [0xFF] + [0x0A])
        #expect(outcome.error == FileDecodingError(line: 2, message: "not valid UTF-8 (declared encoding utf-8)"))
    }

    @Test func utf8CharacterSplitAcrossTwoChunksIsDecodedWhole() throws {
        var decoder = CSVDecoder()
        var records: [DecodedRecord] = []
        let first: [UInt8] = Array("name\nZo".utf8) + [0xC3]
        let second: [UInt8] = [0xAB] + Array("\n".utf8)
        try first.withUnsafeBytes { try decoder.consume($0) { records.append($0) } }
        try second.withUnsafeBytes { try decoder.consume($0) { records.append($0) } }
        try decoder.finish { records.append($0) }
        #expect(records == [.header(line: 1, names: ["name"]), .row(line: 2, fields: ["Zoë"])])
    }

    @Test(arguments: [
        ("1,2\n", "expected 3 fields, found 2"),
        ("1,2,3,4\n", "expected 3 fields, found 4"),
        ("1,2,3,,x\n", "expected 3 fields, found 5"),
        ("1,2,3,\"a\"\n", "expected 3 fields, found 4"),
    ])
    func rowWithTheWrongFieldCountIsABadRow(row: String, message: String) {
        #expect(decodeEveryWay(csv, "a,b,c\n" + row + "4,5,6\n") == DecodeOutcome(records: [
            .header(line: 1, names: ["a", "b", "c"]),
            .bad(line: 2, message: message),
            .row(line: 3, fields: ["4", "5", "6"]),
        ]))
    }

    @Test func excelTrailingEmptyFieldsAreDropped() {
        #expect(decodeEveryWay(csv, "a,b\n1,2,,\n3,4, ,\t,\" \"\n").records == [
            .header(line: 1, names: ["a", "b"]),
            .row(line: 2, fields: ["1", "2"]),
            .row(line: 3, fields: ["3", "4"]),
        ])
    }

    @Test func unquotedFieldsLosePaddingButQuotedContentIsKept() {
        #expect(decodeEveryWay(csv, " a ,\tb\t\n 1 x , \" y \" \n").records == [
            .header(line: 1, names: ["a", "b"]),
            .row(line: 2, fields: ["1 x", " y "]),
        ])
    }

    @Test func headerNamesAreTrimmedEvenWhenQuoted() {
        #expect(decodeEveryWay(csv, "\" id \",\"name\"\n").records == [.header(line: 1, names: ["id", "name"])])
    }

    @Test func quoteInsideAnUnquotedFieldIsKeptLiterally() {
        #expect(decodeEveryWay(csv, "h,w\n5'10\",ab\"c\n").records.last == .row(line: 2, fields: ["5'10\"", "ab\"c"]))
    }

    @Test(arguments: [("\"abc\"x", "abcx"), ("\"q\"  ", "q"), ("\"a\"\"b\"  x  ", "a\"b  x"), ("\"\"\"\"", "\""), ("\"\"", "")])
    func textAfterAClosingQuoteIsAppended(field: String, value: String) {
        #expect(decodeEveryWay(csv, "a,b\n\(field),z\n").records.last == .row(line: 2, fields: [value, "z"]))
    }

    @Test func blankAndPaddingOnlyLinesAreSkippedButCounted() {
        #expect(decodeEveryWay(csv, "\n\na,b\n\n1,2\r\n   \r\n\r\n3,4\n\n").records == [
            .header(line: 3, names: ["a", "b"]),
            .row(line: 5, fields: ["1", "2"]),
            .row(line: 8, fields: ["3", "4"]),
        ])
    }

    @Test func recordOfDelimitersOnlyIsARow() {
        #expect(decodeEveryWay(csv, "a,b,c\n,,\n").records.last == .row(line: 2, fields: ["", "", ""]))
    }

    @Test(arguments: ["a,b\n1,2", "a,b\n1,2\n", "a,b\n1,2\r\n", "a,b\n1,2\r"])
    func finalRecordIsEmittedOnceWithOrWithoutANewline(text: String) {
        #expect(decodeEveryWay(csv, text).records == [.header(line: 1, names: ["a", "b"]), .row(line: 2, fields: ["1", "2"])])
    }

    @Test func finalRecordEndingInADelimiterHasAnEmptyLastField() {
        #expect(decodeEveryWay(csv, "a,b\n1,").records.last == .row(line: 2, fields: ["1", ""]))
    }

    @Test func endOfFileInsideAQuotedFieldNamesTheLineTheFieldStarted() {
        let outcome = decodeEveryWay(csv, "a,b\n1,2\n3,\"never\nclosed\n\n")
        #expect(outcome.records.count == 2)
        #expect(outcome.error == FileDecodingError(line: 3, message: "unterminated quoted field starting on this line"))
    }

    @Test(arguments: [[UInt8](), [0xEF, 0xBB, 0xBF], Array("\n\r\n\n".utf8), Array("  \n\t\n".utf8)])
    func fileWithoutAHeaderIsEmpty(bytes: [UInt8]) {
        #expect(decodeEveryWay(csv, bytes) == DecodeOutcome(
            records: [], error: FileDecodingError(line: nil, message: "the file is empty: no header row")))
    }

    @Test func duplicateHeaderNameIsRejected() {
        let outcome = decodeEveryWay(csv, "\nrequest_id,name, request_id\n1,2,3\n")
        #expect(outcome == DecodeOutcome(
            records: [], error: FileDecodingError(line: 2, message: "duplicate column \"request_id\" in the header")))
    }

    @Test func severalEmptyHeaderNamesAreNotDuplicates() {
        #expect(decodeEveryWay(csv, "id,,name,\n1,,x,\n") == DecodeOutcome(records: [
            .header(line: 1, names: ["id", "", "name", ""]),
            .row(line: 2, fields: ["1", "", "x", ""]),
        ]))
    }

    @Test(arguments: TextEncoding.allCases)
    func nulByteMeansNotATextFile(encoding: TextEncoding) {
        let outcome = decodeEveryWay(CSVDecoder(encoding: encoding), Array("a,b\n1,\"2\n".utf8) + [0] + Array("\"\n".utf8))
        #expect(outcome.error == FileDecodingError(line: 3, message: "contains a NUL byte: not a text file"))
    }

    @Test func recordLongerThanTheLimitIsRejected() {
        let decoder = CSVDecoder(maxRecordBytes: 16)
        let outcome = decodeEveryWay(decoder, "a,b\n1234567,1234567\n\"12345678\n\",1234567\n")
        #expect(outcome.records == [.header(line: 1, names: ["a", "b"]), .row(line: 2, fields: ["1234567", "1234567"])])
        #expect(outcome.error == FileDecodingError(line: 3, message: "record is longer than 16 bytes"))
    }

    @Test func unterminatedQuoteLongerThanTheLimitStopsAtTheLimit() {
        let decoder = CSVDecoder(maxRecordBytes: 100)
        let outcome = decode(decoder, Array("a\n\"".utf8) + Array(repeating: UInt8(ascii: "x"), count: 10_000), chunkSize: 10)
        #expect(outcome.error == FileDecodingError(line: 2, message: "record is longer than 100 bytes"))
    }

    @Test func errorThrownByEmitPropagatesUnchanged() throws {
        var decoder = CSVDecoder()
        var seen = 0
        let bytes = Array("a\n1\n2\n3\n".utf8)
        #expect(throws: StopReading()) {
            try bytes.withUnsafeBytes { raw in
                try decoder.consume(raw) { _ in
                    seen += 1
                    if seen == 2 { throw StopReading() }
                }
            }
        }
        #expect(seen == 2)
    }
}
