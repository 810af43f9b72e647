import EHCCore

/// How one feed's local vocabulary maps onto SPEC §3: column or key names, local
/// values for the enum fields, text encoding and date format. Written under `csv:`
/// for CSV feeds, `json:` for JSON/NDJSON feeds and `xlsx:` for workbooks.
public struct FieldMapping: Sendable, Equatable {
    /// `utf-8`, `windows-1252` or `iso-8859-1` (aliases are normalised by the loader).
    public var encoding: String
    /// The CSV field separator, one ASCII byte.
    public var delimiter: UInt8
    /// A date pattern such as `dd/MM/yyyy` (see `DateFormatRule`); ISO dates are
    /// always accepted as well.
    public var dateFormat: String?
    /// A timestamp pattern such as `dd/MM/yyyy HH:mm` that pins `updated_at` to one
    /// form; without it, `dateFormat` followed by any time is read.
    public var timestampFormat: String?
    /// Canonical field → local header (CSV) or key (JSON). A header that already is a
    /// canonical name needs no entry.
    public var columns: [CanonicalField: String]
    /// Canonical field (`status`, `service`, `exception`, `dispute`) → local value →
    /// canonical value. Targets are checked against EHCCore's enums by the loader.
    public var values: [CanonicalField: [String: String]]
    /// Workbooks: the sheet to read by name (`xlsx.sheet`); `nil` reads the first worksheet.
    public var sheet: String?
    /// Workbooks: the most the .xlsx may unpack to, in bytes (`xlsx.max_bytes`), so a zip
    /// bomb is rejected rather than unpacked.
    public var maxExpandedBytes: Int

    /// `xlsx.max_bytes` when not written: 200 MB (SPEC §7).
    public static let defaultMaxExpandedBytes = 200_000_000

    public init(
        encoding: String = "utf-8", delimiter: UInt8 = UInt8(ascii: ","), dateFormat: String? = nil,
        timestampFormat: String? = nil, columns: [CanonicalField: String] = [:], values: [CanonicalField: [String: String]] = [:],
        sheet: String? = nil, maxExpandedBytes: Int = FieldMapping.defaultMaxExpandedBytes
    ) {
        self.encoding = encoding
        self.delimiter = delimiter
        self.dateFormat = dateFormat
        self.timestampFormat = timestampFormat
        self.columns = columns
        self.values = values
        self.sheet = sheet
        self.maxExpandedBytes = maxExpandedBytes
    }

    /// The fields whose local values may be translated, because their canonical
    /// values are a closed set.
    public static let translatableFields: [CanonicalField] = [.status, .service, .exception, .dispute]
}
