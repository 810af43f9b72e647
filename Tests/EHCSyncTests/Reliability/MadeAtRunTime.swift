import Foundation
import Testing

/// Bad inputs that cannot be committed as fixture files: folders, FIFOs, symlinks, names
/// with a line break or a leading dot, a 0-byte MESH `.ctl` marker and lines of several
/// megabytes. The corpus run makes each in its feed's drop folder.
enum MadeAtRunTime: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case folderNamedLikeADataFile, fifo, symlinkToAGoodFile, danglingSymlink
    case hiddenName, dotDotName, partialDownload, nameWithALineBreak, rejectedNameWithALineBreak
    case zeroByteCtlMarker, dataFileWithoutItsMarker, emptyFileWithADoneMarker
    case hugeCSVLine, hugeNDJSONLine

    var testDescription: String { rawValue }

    /// A row just over the decoders' 1 MiB record limit would do; several MB shows the
    /// limit bounds memory rather than merely counting.
    static let hugeLength = 5 << 20

    /// The entry as the corpus checks it: where it goes and what must become of it.
    var entry: BadInput {
        switch self {
        case .folderNamedLikeADataFile: return BadInput(name: "folder.csv", feed: "la-csv", outcome: .ignored, appliedLines: [])
        case .fifo: return BadInput(name: "pipe.csv", feed: "la-csv", outcome: .ignored, appliedLines: [])
        case .symlinkToAGoodFile: return BadInput(name: "link.csv", feed: "la-csv", outcome: .ignored, appliedLines: [])
        case .danglingSymlink: return BadInput(name: "dangling.csv", feed: "la-csv", outcome: .ignored, appliedLines: [])
        case .hiddenName: return BadInput(name: ".hidden.csv", feed: "la-csv", outcome: .ignored, appliedLines: [])
        case .dotDotName: return BadInput(name: "..cases.csv", feed: "la-csv", outcome: .ignored, appliedLines: [])
        case .partialDownload: return BadInput(name: "cases.csv.part", feed: "la-csv", outcome: .ignored, appliedLines: [])
        case .nameWithALineBreak:
            return BadInput(name: "line\nbreak.csv", feed: "la-csv", outcome: .rowErrors([RowFault(line: 3, field: "nhs_number")]),
                            appliedLines: [2])
        case .rejectedNameWithALineBreak:
            return BadInput(name: "empty\n<3>forged.csv", feed: "la-csv", outcome: .rejected(reason: "the file is empty: no header row"),
                            appliedLines: [])
        case .zeroByteCtlMarker: return BadInput(name: "mesh-zero.dat", feed: "la-mesh", outcome: .applied, appliedLines: [2])
        case .dataFileWithoutItsMarker: return BadInput(name: "waiting.dat", feed: "la-mesh", outcome: .ignored, appliedLines: [])
        case .emptyFileWithADoneMarker:
            return BadInput(name: "empty.dat", feed: "la-mesh", outcome: .rejected(reason: "the file is empty: no header row"),
                            appliedLines: [])
        case .hugeCSVLine:
            return BadInput(name: "huge-line.csv", feed: "la-csv",
                            outcome: .rejected(reason: "line 3: record is longer than 1048576 bytes"), appliedLines: [])
        case .hugeNDJSONLine:
            return BadInput(name: "huge-line.ndjson", feed: "trust-ndjson",
                            outcome: .rejected(reason: "line 2: line is longer than 1048576 bytes"), appliedLines: [])
        }
    }

    /// Makes the entry in the place's drop folder for its feed.
    func make(in place: TestPlace) throws {
        let entry = self.entry
        let path = place.folder(entry.feed) + "/" + entry.name
        let good = SampleExport.laCSV([SampleExport.laRow("RT-\(rawValue)-1")])
        switch self {
        case .folderNamedLikeADataFile:
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
            try good.write(toFile: path + "/inner.csv", atomically: false, encoding: .utf8)
        case .fifo:
            guard mkfifo(path, 0o600) == 0 else { throw TestFailure("mkfifo \(path): errno \(errno)") }
        case .symlinkToAGoodFile:
            let outside = place.root + "/outside.csv"
            try good.write(toFile: outside, atomically: false, encoding: .utf8)
            try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: outside)
        case .danglingSymlink:
            try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: place.root + "/nowhere.csv")
        case .hiddenName, .dotDotName, .partialDownload:
            try place.drop(entry.name, into: entry.feed, good)
        case .nameWithALineBreak:
            try place.drop(entry.name, into: entry.feed, SampleExport.laCSV([
                SampleExport.laRow("RT-\(rawValue)-1"), SampleExport.laRow("RT-\(rawValue)-2", nhs: SampleExport.badCheckDigit),
            ]))
        case .rejectedNameWithALineBreak:
            try place.drop(entry.name, into: entry.feed, "")
        case .zeroByteCtlMarker:
            try place.drop(entry.name, into: entry.feed, good)
            try place.drop("mesh-zero.ctl", into: entry.feed, "")
        case .dataFileWithoutItsMarker:
            try place.drop(entry.name, into: entry.feed, good)
        case .emptyFileWithADoneMarker:
            try place.drop(entry.name, into: entry.feed, "")
            try place.drop(entry.name + ".done", into: entry.feed, "")
        case .hugeCSVLine:
            try place.drop(entry.name, into: entry.feed, SampleExport.laCSV([
                SampleExport.laRow("RT-\(rawValue)-1"),
                SampleExport.laRow("RT-\(rawValue)-2", caseRef: String(repeating: "A", count: Self.hugeLength)),
                SampleExport.laRow("RT-\(rawValue)-3"),
            ]))
        case .hugeNDJSONLine:
            try place.drop(entry.name, into: entry.feed, [
                SampleExport.ndjsonLine(["request_id": "RT-\(rawValue)-1", "status": "acknowledged"]),
                SampleExport.ndjsonLine(["request_id": "RT-\(rawValue)-2", "exception_note": String(repeating: "n", count: Self.hugeLength)]),
            ].joined(separator: "\n") + "\n")
        }
    }
}
