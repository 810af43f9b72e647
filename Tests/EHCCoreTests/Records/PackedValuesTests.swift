import Testing
@testable import EHCCore

/// The bytes a record's values are stored as (`PackedValues`): the stored format,
/// round trips, and damaged blobs.
@Suite struct PackedValuesTests {
    @Test func packsAndUnpacksEveryFieldIncludingLongAndAwkwardText() {
        var values = FieldValues()
        for (i, field) in CanonicalField.byOrdinal.enumerated() { values[field] = String(repeating: "é\u{1F}\"", count: i * 20) + "\(i)" }
        let bytes = PackedValues.pack(values)
        #expect(bytes.withUnsafeBytes { PackedValues.unpack($0) } == values)
        #expect(PackedValues.pack(FieldValues()).isEmpty)
    }

    /// The bytes are the stored format, unchanged from the first release that packed:
    /// stored audit rows are compared as blobs (a parked observation's repeat check).
    @Test func theBytesAreTheStoredFormat() {
        let long = String(repeating: "é", count: 100)  // 200 bytes: a two-byte length
        let values: FieldValues = [.request_id: "LA-1", .given_name: long, .case_ref: ""]
        let id = UInt8(CanonicalField.request_id.ordinal), ref = UInt8(CanonicalField.case_ref.ordinal)
        let name = UInt8(CanonicalField.given_name.ordinal)
        var expected: [UInt8] = [1]
        for (ordinal, text) in [(id, "LA-1"), (ref, ""), (name, long)].sorted(by: { $0.0 < $1.0 }) {
            expected.append(ordinal)
            let n = text.utf8.count
            expected += n < 0x80 ? [UInt8(n)] : [UInt8(n & 0x7F) | 0x80, UInt8(n >> 7)]
            expected += Array(text.utf8)
        }
        #expect(PackedValues.pack(values) == expected)
    }

    /// `removing` makes the bytes `pack` makes of the values without the field: first,
    /// middle, last and only entries, an absent field, long (two-byte) lengths.
    @Test func removingAFieldGivesTheBytesOfTheValuesWithoutIt() {
        let long = String(repeating: "é", count: 100)
        var state: UInt64 = 11
        /// A fixed sequence (an LCG): the same cases on every run.
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        var cases: [FieldValues] = [[:], [.status: "sent"], [.request_id: "LA-1"],
                                    [.request_id: "LA-1", .status: long, .updated_at: "x"]]
        for _ in 0..<200 {
            var values = FieldValues()
            for field in CanonicalField.byOrdinal where next() % 3 == 0 {
                values[field] = next() % 5 == 0 ? long : String(next() % 1000)
            }
            cases.append(values)
        }
        for values in cases {
            for field in [CanonicalField.status, .request_id, CanonicalField.byOrdinal.last!] {
                var without = values
                without[field] = nil
                #expect(PackedValues.removing(field, from: PackedValues.pack(values)) == PackedValues.pack(without),
                        "\(values) without \(field)")
            }
        }
    }

    @Test func aDamagedBlobReadsAsWhatCanBeReadAndNeverCrashes() {
        let bytes = PackedValues.pack([.request_id: "LA-1", .case_ref: "EHC/1"])
        for cut in 0..<bytes.count {
            let part = Array(bytes[0..<cut])
            let values = part.withUnsafeBytes { PackedValues.unpack($0) }
            #expect(values.count <= 2)
        }
        let junk: [UInt8] = [1, 200, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 65]
        #expect(junk.withUnsafeBytes { PackedValues.unpack($0) }.isEmpty)
        let huge: [UInt8] = [1, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 65]  // a length near Int.max
        #expect(huge.withUnsafeBytes { PackedValues.unpack($0) }.isEmpty)
    }
}
