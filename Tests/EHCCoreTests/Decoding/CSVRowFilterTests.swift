import Foundation
import Testing
@testable import EHCCore

/// The decoder's byte-level recognition of known rows must agree exactly with the hash of
/// the strings the rows become (`CSVLayout.rawHash`), whatever the quoting, padding and
/// encoding: otherwise a changed row could be skipped, or an unchanged one re-read.
@Suite struct CSVRowFilterTests {
    static let mapping = RecordMapping(role: .la, columns: [.request_id: "Ref", .case_ref: "Case", .given_name: "Name",
                                                            .dispute_reason: "Note"])

    /// Rows of every shape: plain, padded, quoted with a delimiter, escaped quotes, a
    /// line break in quotes, text after a closing quote, empty cells, non-ASCII text,
    /// an extra blank cell, and an unmapped column that changes.
    static let text = "Ref, Case ,Unmapped,Name,Note\r\n"
        + "R1,C1,x,Ann,plain\r\n"
        + "  R2  , C2 ,y, Bob ,\"a, b\"\r\n"
        + "R3,\"C\"\"3\"\"\",z,\"Zoë\",\"two\nlines\"\r\n"
        + "R4,,w,,\"quoted\"tail  \r\n"
        + "R5,C5,v,Siân,é€,\r\n"
        + "R6,C6,u,Ann,changed\r\n"

    static func bytes(_ encoding: TextEncoding) -> [UInt8] {
        switch encoding {
        case .utf8: return Array(text.utf8)
        case .windows1252, .iso88591:
            // Every character here exists in both single-byte encodings except €, which
            // ISO-8859-1 lacks: use the euro only where the encoding has it.
            let t = encoding == .iso88591 ? text.replacingOccurrences(of: "€", with: "¤") : text
            return Array(t.data(using: encoding == .windows1252 ? .windowsCP1252 : .isoLatin1) ?? Data())
        }
    }

    @Test(arguments: [TextEncoding.utf8, .windows1252, .iso88591])
    func knownRowsAreRecognisedFromTheirBytesAndOnlyThey(_ encoding: TextEncoding) throws {
        let seed: UInt64 = 0x5EED
        let plain = decode(CSVDecoder(encoding: encoding), Self.bytes(encoding), chunkSize: 7)
        #expect(plain.error == nil)
        guard case .header(_, let names)? = plain.records.first else { Issue.record("no header"); return }
        let layout = try CSVLayout(header: names, mapping: Self.mapping)
        // Every row is known except R6, which the filter must hand on as a row.
        var known = RowHashSet(capacity: 8)
        var expected: [DecodedRecord] = [plain.records[0]]
        for record in plain.records.dropFirst() {
            guard case .row(let line, let fields) = record else { Issue.record("not a row: \(record)"); continue }
            if fields.first == "R6" {
                expected.append(record)
            } else {
                known.insert(layout.rawHash(fields, seed: seed))
                expected.append(.known(line: line))
            }
        }
        let filter = CSVRowFilter(seed: seed, known: known)
        filter.columns = layout.slots.map(\.index)
        for chunkSize in [1, 3, 64, 4096] {
            let filtered = decode(CSVDecoder(encoding: encoding, rowFilter: filter), Self.bytes(encoding), chunkSize: chunkSize)
            #expect(filtered.records == expected, "chunks of \(chunkSize)")
        }
    }

    @Test func aFilterWithoutColumnsOrKnownRowsLetsEveryRowThrough() {
        let bytes = Self.bytes(.utf8)
        let plain = decode(CSVDecoder(), bytes, chunkSize: 64)
        var known = RowHashSet(capacity: 1)
        known.insert(42)
        #expect(decode(CSVDecoder(rowFilter: CSVRowFilter(seed: 1, known: known)), bytes, chunkSize: 64) == plain)
        let empty = CSVRowFilter(seed: 1, known: RowHashSet(capacity: 1))
        empty.columns = [0, 1]
        #expect(decode(CSVDecoder(rowFilter: empty), bytes, chunkSize: 64) == plain)
    }
}
