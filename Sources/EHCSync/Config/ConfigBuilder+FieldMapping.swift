import EHCCore
import Foundation

/// A feed's `csv:`, `json:` or `xlsx:` block: how local names and values map onto
/// SPEC §3. CSV feeds write it under `csv:`; JSON and NDJSON feeds under `json:` (our
/// documented extension of §8, without `encoding` and `delimiter`, since JSON is
/// always UTF-8 and has no delimiter); workbooks under `xlsx:` (SPEC §7), with `sheet`
/// and `max_bytes` in place of `encoding` and `delimiter`.
extension ConfigBuilder {
    static let csvKeys = ["encoding", "delimiter", "date_format", "timestamp_format", "columns", "values"]
    static let jsonKeys = ["date_format", "timestamp_format", "columns", "values"]
    static let xlsxKeys = ["sheet", "date_format", "timestamp_format", "columns", "values", "max_bytes"]

    /// Canonical encoding names by every spelling accepted (compared lower-cased).
    static let encodings: [String: String] = [
        "utf-8": "utf-8", "utf8": "utf-8",
        "windows-1252": "windows-1252", "cp1252": "windows-1252",
        "iso-8859-1": "iso-8859-1", "iso8859-1": "iso-8859-1", "latin1": "iso-8859-1",
    ]

    /// Which mapping block a format reads.
    enum MappingBlock: String, CaseIterable {
        case csv, json, xlsx

        init(_ format: FeedFormat) {
            switch format {
            case .csv: self = .csv
            case .json, .ndjson: self = .json
            case .xlsx: self = .xlsx
            }
        }

        var keys: [String] {
            switch self {
            case .csv: ConfigBuilder.csvKeys
            case .json: ConfigBuilder.jsonKeys
            case .xlsx: ConfigBuilder.xlsxKeys
            }
        }

        /// The formats that read this block, for messages.
        var formats: String {
            switch self {
            case .csv: "format: csv"
            case .json: "format: json or ndjson"
            case .xlsx: "format: xlsx"
            }
        }
    }

    /// The mapping for a feed of `format`, or `nil` when its block has issues. A block
    /// written for another kind of format is reported, saying which to write.
    func fieldMapping(_ feed: ConfigFields, format: FeedFormat?, role: Role?) -> FieldMapping? {
        guard let format else {
            // Format missing or wrong (already reported): still check whatever is written.
            for block in MappingBlock.allCases { _ = feed[block.rawValue].map { mapping($0, block: block, role: role) } }
            return nil
        }
        let wanted = MappingBlock(format)
        var misplaced = false
        for block in MappingBlock.allCases where block != wanted {
            guard let entry = feed[block.rawValue] else { continue }
            let message = block == .csv && wanted == .json
                ? "format is \(format.rawValue): write this mapping under json: (csv: is only for format: csv)"
                : "format is \(format.rawValue): write this mapping under \(wanted.rawValue):, not \(block.rawValue): (\(block.rawValue): is only for \(block.formats))"
            reader.report(entry.keyLine, entry.path, message)
            misplaced = true
        }
        if misplaced { return nil }
        return feed[wanted.rawValue].map { mapping($0, block: wanted, role: role) } ?? FieldMapping()
    }

    /// One `csv:`, `json:` or `xlsx:` block.
    func mapping(_ entry: ConfigEntry, block: MappingBlock, role: Role?) -> FieldMapping? {
        let isCSV = block == .csv
        let accepted = block == .csv ? block.keys : block.keys + ["encoding", "delimiter"]
        guard let fields = reader.fields(entry, allowed: accepted) else { return nil }
        var complete = true
        var mapping = FieldMapping()
        if !isCSV {
            for key in ["encoding", "delimiter"] {
                guard let misplaced = fields[key] else { continue }
                let why = block == .json ? "JSON is always UTF-8" : "a workbook's text is always Unicode, in cells"
                reader.report(misplaced.keyLine, misplaced.path, "\(key) applies only to csv: feeds (\(why)); remove it")
                complete = false
            }
        }
        if block == .xlsx {
            if fields["sheet"] != nil {
                if let sheet = reader.nonEmptyText(fields, "sheet") { mapping.sheet = sheet } else { complete = false }
            }
            mapping.maxExpandedBytes = byteSize(fields, "max_bytes", default: FieldMapping.defaultMaxExpandedBytes)
        }
        if isCSV, let encodingEntry = fields["encoding"] {
            if let written = reader.nonEmptyText(fields, "encoding") {
                if let canonical = Self.encodings[written.lowercased()] {
                    mapping.encoding = canonical
                } else {
                    reader.report(encodingEntry.line, encodingEntry.path,
                                  "must be utf-8, windows-1252 or iso-8859-1, not '\(ConfigReader.shown(written))'")
                    complete = false
                }
            } else {
                complete = false
            }
        }
        if isCSV, let delimiterEntry = fields["delimiter"] {
            if let byte = delimiter(delimiterEntry) { mapping.delimiter = byte } else { complete = false }
        }
        if fields["date_format"] != nil {
            if let written = pattern(fields, "date_format", timestamp: false) { mapping.dateFormat = written } else { complete = false }
        }
        if fields["timestamp_format"] != nil {
            if let written = pattern(fields, "timestamp_format", timestamp: true) { mapping.timestampFormat = written } else { complete = false }
        }
        if let columnsEntry = fields["columns"] {
            if let columns = columns(columnsEntry) { mapping.columns = columns } else { complete = false }
        }
        if let valuesEntry = fields["values"] {
            if let values = values(valuesEntry, role: role) { mapping.values = values } else { complete = false }
        }
        return complete ? mapping : nil
    }

    /// A `date_format` or `timestamp_format` as written, or nil with the problem reported
    /// at its line (`DateFormatRule` says what is wrong).
    func pattern(_ fields: ConfigFields, _ key: String, timestamp: Bool) -> String? {
        guard let entry = fields[key], let written = reader.nonEmptyText(fields, key) else { return nil }
        switch DateFormatRule.tokens(written, timestamp: timestamp) {
        case .success: return written
        case .failure(let problem):
            reader.report(entry.line, entry.path, problem.message)
            return nil
        }
    }

    /// One ASCII byte; `tab` and the two characters `\t` mean a tab (a YAML
    /// double-quoted "\t" already is one).
    func delimiter(_ entry: ConfigEntry) -> UInt8? {
        guard let written = reader.text(entry) else { return nil }
        if written == "\\t" || written.lowercased() == "tab" { return 9 }
        let scalars = Array(written.unicodeScalars)
        guard scalars.count == 1, let scalar = scalars.first, scalar.isASCII,
              scalar != "\n", scalar != "\r", scalar != "\""
        else {
            reader.report(entry.line, entry.path,
                          "must be exactly one ASCII character such as \",\" \";\" \"|\" or tab (not a quote or line break)")
            return nil
        }
        return UInt8(scalar.value)
    }

    /// `columns`: canonical field → local header or key.
    func columns(_ entry: ConfigEntry) -> [CanonicalField: String]? {
        guard let map = reader.fields(entry, allowed: nil) else { return nil }
        var columns: [CanonicalField: String] = [:]
        var complete = true
        for item in map.entries {
            guard let field = canonicalField(item), let local = reader.text(item) else {
                complete = false
                continue
            }
            if local.isEmpty {
                reader.report(item.line, item.path, "must name the local column or key")
                complete = false
                continue
            }
            columns[field] = local
        }
        return complete ? columns : nil
    }

    /// `values`: field (status, service, exception, dispute) → local value →
    /// canonical value, each target checked against EHCCore's enums.
    func values(_ entry: ConfigEntry, role: Role?) -> [CanonicalField: [String: String]]? {
        guard let map = reader.fields(entry, allowed: nil) else { return nil }
        var values: [CanonicalField: [String: String]] = [:]
        var complete = true
        for item in map.entries {
            guard let field = canonicalField(item, among: FieldMapping.translatableFields),
                  let pairs = reader.fields(item, allowed: nil)
            else {
                complete = false
                continue
            }
            var table: [String: String] = [:]
            for pair in pairs.entries {
                guard let target = reader.text(pair) else {
                    complete = false
                    continue
                }
                let canonical = target.trimmingCharacters(in: .whitespaces)
                if let problem = Self.valueProblem(field, canonical, role: role) {
                    reader.report(pair.line, pair.path, problem)
                    complete = false
                    continue
                }
                table[pair.name] = canonical
            }
            values[field] = table
        }
        return complete ? values : nil
    }
}
