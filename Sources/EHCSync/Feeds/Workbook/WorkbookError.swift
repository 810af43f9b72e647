/// Why a workbook cannot be read as a whole (SPEC §7): not a workbook, encrypted, no
/// such sheet, larger than `xlsx.max_bytes` unpacked, damaged, or not well-formed XML.
/// Nothing of the file is applied; the message is written beside it in `rejected/`,
/// saying what would fix it where that can be told.
public struct WorkbookError: Error, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }

    /// The message as a sentence of its own, for `NAME.error.txt`: one that goes on
    /// from the file's name (`is not an .xlsx workbook …`) starts "the file".
    public var reason: String {
        let continuesName = ["is ", "has ", "unpacks ", "cannot ", "declares "].contains { message.hasPrefix($0) }
        return continuesName ? "the file " + message : message
    }
}
