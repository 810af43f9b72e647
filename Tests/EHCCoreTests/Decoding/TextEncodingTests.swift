import Testing
@testable import EHCCore

@Suite struct TextEncodingTests {
    private func string(_ encoding: TextEncoding, _ bytes: [UInt8]) -> String? {
        bytes.withUnsafeBufferPointer { encoding.string($0) }
    }

    @Test func windows1252HighControlRangeFollowsWHATWG() {
        let expected: [Unicode.Scalar] = [
            "\u{20AC}", "\u{81}", "\u{201A}", "\u{192}", "\u{201E}", "\u{2026}", "\u{2020}", "\u{2021}",
            "\u{2C6}", "\u{2030}", "\u{160}", "\u{2039}", "\u{152}", "\u{8D}", "\u{17D}", "\u{8F}",
            "\u{90}", "\u{2018}", "\u{2019}", "\u{201C}", "\u{201D}", "\u{2022}", "\u{2013}", "\u{2014}",
            "\u{2DC}", "\u{2122}", "\u{161}", "\u{203A}", "\u{153}", "\u{9D}", "\u{17E}", "\u{178}",
        ]
        let decoded = string(.windows1252, Array(0x80...0x9F))
        #expect(decoded.map { Array($0.unicodeScalars) } == expected)
    }

    @Test(arguments: [TextEncoding.windows1252, .iso88591])
    func singleByteEncodingsMapAsciiAndLatin1Unchanged(encoding: TextEncoding) {
        let bytes = Array(0x20...0x7E) + Array(0xA0...0xFF)
        let decoded = string(encoding, bytes.map(UInt8.init))
        #expect(decoded.map { $0.unicodeScalars.map(\.value) } == bytes.map(UInt32.init))
    }

    @Test func iso88591MapsEveryByteToTheSameCodePoint() {
        let decoded = string(.iso88591, (0...255).map(UInt8.init))
        #expect(decoded.map { $0.unicodeScalars.map(\.value) } == (0...255).map(UInt32.init))
    }

    @Test(arguments: [
        ([0xC3, 0xA9], nil),                      // é
        ([0xF0, 0x9F, 0x98, 0x80], nil),          // 😀
        ([0x41, 0xC0, 0x80], 1),                  // overlong NUL
        ([0xE0, 0x80, 0xAF], 0),                  // overlong /
        ([0xED, 0xA0, 0x80], 0),                  // UTF-16 surrogate
        ([0xF4, 0x90, 0x80, 0x80], 0),            // above U+10FFFF
        ([0x41, 0x42, 0xE2, 0x82], 2),            // cut short
        ([0x80], 0),                              // lone continuation
        (Array(repeating: 0x41, count: 17) + [0xFF], 17),
    ] as [([UInt8], Int?)])
    func utf8ValidationFindsTheFirstBadByte(bytes: [UInt8], offset: Int?) {
        #expect(bytes.withUnsafeBufferPointer { TextEncoding.firstInvalidUTF8Offset($0) } == offset)
        #expect((string(.utf8, bytes) == nil) == (offset != nil))
    }

    @Test(arguments: [("a\nb", 3, 1), ("a\r\nb", 4, 1), ("a\rb\r", 3, 1), ("\r\n\r\n", 4, 2), ("abc", 3, 0)])
    func lineBreaksCountCRLFOnce(text: String, offset: Int, breaks: Int) {
        #expect(Array(text.utf8).withUnsafeBufferPointer { TextEncoding.lineBreaks(in: $0, before: offset) } == breaks)
    }
}
