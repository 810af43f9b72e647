import EHCCore
import Foundation

/// Writes one full LA export of the synthetic requests as a UTF-8 CSV, in a shuffled
/// key order, as Excel or a case system would: a header of local names, commas, CRLF,
/// quotes only where a value needs them. Streams through a 1 MiB buffer: only the
/// order (4 bytes a row) is held, so writing adds little to the process's peak memory.
struct LAExportWriter {
    let rows: Int
    let seed: UInt64
    let reference: CivilDate

    /// Writes the export and returns its size in bytes. `nextDay` writes tomorrow's
    /// re-export: a new order, and the 1% of `SyntheticRequest.isChangedNextDay` changed.
    func write(to path: String, nextDay: Bool) throws -> Int {
        var order = (0..<UInt32(rows)).map { $0 }
        var shuffler = SplitMix64(seed: seed ^ (nextDay ? 0x2222 : 0x1111))
        order.shuffle(using: &shuffler)

        guard let file = FileHandle(forWritingAtPath: path) ?? Self.create(path) else {
            throw BenchError("cannot write \(path)")
        }
        defer { try? file.close() }
        var out: [UInt8] = []
        out.reserveCapacity(1 << 20 + 4096)
        var written = 0
        func flush() throws {
            try file.write(contentsOf: out)
            written += out.count
            out.removeAll(keepingCapacity: true)
        }
        append(SyntheticRequest.header.map(CSVText.field).joined(separator: ","), to: &out)
        out += [13, 10]
        for index in order {
            var request = SyntheticRequest(index: Int(index), seed: seed, reference: reference)
            if nextDay, SyntheticRequest.isChangedNextDay(Int(index)) { request.changeForNextDay(index: Int(index)) }
            appendRow(request, to: &out)
            if out.count >= 1 << 20 { try flush() }
        }
        try flush()
        return written
    }

    private static func create(_ path: String) -> FileHandle? {
        FileManager.default.createFile(atPath: path, contents: nil) ? FileHandle(forWritingAtPath: path) : nil
    }

    private func appendRow(_ r: SyntheticRequest, to out: inout [UInt8]) {
        let cells = [r.adviceRef, r.ehcRef, Self.localDate(r.assessmentRequested), r.nhsNumber, Self.localDate(r.dateOfBirth),
                     r.forename, r.surname, r.providerODS, r.service, Self.localDate(r.dateSent), r.status, r.dispute,
                     timestamp(r.lastUpdatedSeconds)]
        for (i, cell) in cells.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            append(CSVText.field(cell), to: &out)
        }
        out += [13, 10]
    }

    private func append(_ text: String, to out: inout [UInt8]) {
        var t = text
        t.withUTF8 { out.append(contentsOf: $0) }
    }

    /// `dd/MM/yyyy`, the feed's declared date format.
    static func localDate(_ d: CivilDate) -> String {
        let c = d.components
        return SyntheticRequest.digits(c.day, width: 2) + "/" + SyntheticRequest.digits(c.month, width: 2) + "/"
            + SyntheticRequest.digits(c.year, width: 4)
    }

    /// `yyyy-MM-dd HH:mm:ss`, local time without an offset, as case systems write it.
    func timestamp(_ secondsFromReference: Int) -> String {
        let dayOffset = secondsFromReference >= 0 ? secondsFromReference / 86_400 : (secondsFromReference - 86_399) / 86_400
        let rem = secondsFromReference - dayOffset * 86_400
        return reference.adding(days: dayOffset).description + " " + SyntheticRequest.digits(rem / 3600, width: 2) + ":"
            + SyntheticRequest.digits(rem / 60 % 60, width: 2) + ":" + SyntheticRequest.digits(rem % 60, width: 2)
    }
}
