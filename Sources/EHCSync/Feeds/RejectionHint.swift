import Foundation

/// What would fix a file that was rejected, or never taken, where EHC Sync can tell
/// (SPEC §7): a workbook where text was declared, a header that splits on another
/// delimiter. A DCO or an IT team reads the reason in `status`, the digest and the
/// `.error.txt`, so it says what to do in their words.
enum RejectionHint {
    /// The first bytes of an Office Open XML workbook (a zip) and of an old binary `.xls`.
    static let zipMagic: [UInt8] = [0x50, 0x4B, 0x03, 0x04]
    static let oleMagic: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0]

    /// A reason to reject a file declared as text (`csv`, `json`, `ndjson`) that is a
    /// workbook, before decoding it as text; `nil` when it is not one.
    static func workbookWhereTextWasDeclared(path: String, format: FeedFormat) -> String? {
        guard format != .xlsx, let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let head = [UInt8]((try? handle.read(upToCount: 4)) ?? Data())
        if head == zipMagic {
            return "this is an Excel workbook (.xlsx), not \(format.rawValue) text: set format: xlsx for this feed, "
                + "or save the sheet from Excel as \"CSV UTF-8\""
        }
        if head == oleMagic {
            return "this is an old Excel workbook (.xls), not \(format.rawValue) text: save it from Excel as \"CSV UTF-8\" "
                + "(or as .xlsx, and set format: xlsx)"
        }
        return nil
    }

    /// For a CSV rejected for missing columns: the delimiter its header line splits on
    /// into more columns than the declared one gives, as advice; empty otherwise.
    static func otherDelimiter(path: String, declared: UInt8, message: String) -> String {
        guard message.hasPrefix("missing required columns"), let handle = FileHandle(forReadingAtPath: path) else { return "" }
        defer { try? handle.close() }
        let head = [UInt8]((try? handle.read(upToCount: 64 << 10)) ?? Data())
        let line = head.prefix { $0 != 0x0A && $0 != 0x0D }
        func columns(_ byte: UInt8) -> Int { line.filter { $0 == byte }.count + 1 }
        let candidates: [(UInt8, String)] = [(0x3B, "\";\""), (0x09, "tab"), (0x7C, "\"|\""), (0x2C, "\",\"")]
        guard let best = candidates.filter({ $0.0 != declared }).max(by: { columns($0.0) < columns($1.0) }),
              columns(best.0) > max(columns(declared), 2) else { return "" }
        return "; the header splits into \(columns(best.0)) columns on \(best.1): set csv.delimiter: \(best.1)"
    }

    /// Why a file in a drop folder is never taken, with the fix where one is clear.
    static func strayReason(name: String, pattern: String, format: FeedFormat) -> String {
        let ext = (name as NSString).pathExtension.lowercased()
        if ext == "xlsx" || ext == "xls" || ext == "xlsm", format != .xlsx {
            return "an Excel workbook (.\(ext)) in a feed that reads \(format.rawValue) files (\(pattern)): "
                + "save it as CSV, or add a feed with format: xlsx for it"
        }
        return "its name does not match the feed's pattern \(pattern), so it is never taken"
    }
}
