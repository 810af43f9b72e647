import Foundation

/// How one feed's local records map onto the canonical fields of SPEC §3, and the
/// rules that validate them. Built by the I/O layer from the feed's config.
public struct RecordMapping: Sendable {
    public var role: Role
    /// canonical field → the local CSV header or JSON key.
    public var columns: [CanonicalField: String]
    /// canonical field → local value → canonical value (`Sent` → `requested`).
    public var values: [CanonicalField: [String: String]]
    /// Values for fields a feed lacks, applied when the record leaves them empty.
    public var defaults: [CanonicalField: String]
    public var datePattern: DatePattern?
    /// A `timestamp_format`: when set, `updated_at` reads that one form (or RFC 3339, or
    /// an ISO date), not `datePattern` followed by any time.
    public var timestampPattern: DatePattern?
    public var timeZone: TimeZone
    /// Where local timestamps' offsets are kept while a file is read: set by the I/O
    /// side, one per feed's mapping. Without one every local time asks the zone.
    public var offsetCache: LocalOffsetCache?

    /// A mapping from a feed's config; `offsetCache` starts unset.
    public init(role: Role, columns: [CanonicalField: String] = [:], values: [CanonicalField: [String: String]] = [:],
                defaults: [CanonicalField: String] = [:], datePattern: DatePattern? = nil,
                timestampPattern: DatePattern? = nil, timeZone: TimeZone = TimeZone(identifier: "Europe/London") ?? .gmt) {
        self.role = role
        self.columns = columns
        self.values = values
        self.defaults = defaults
        self.datePattern = datePattern
        self.timestampPattern = timestampPattern
        self.timeZone = timeZone
        // Lower-cased lookups so `Sent`, `SENT` and ` sent ` all map.
        var maps = [ValueMap?](repeating: nil, count: CanonicalField.allCases.count)
        for (field, map) in values {
            var m: [String: String] = [:]
            for (k, v) in map { m[k.trimmingCharacters(in: .whitespaces).lowercased()] = v }
            // A value written as the config writes it maps as its folded form does,
            // without lower-casing it first.
            var e: [String: String] = [:]
            for k in map.keys {
                let trimmed = k.trimmingCharacters(in: .whitespaces)
                e[trimmed] = m[trimmed.lowercased()]
            }
            maps[field.ordinal] = ValueMap(exact: e, folded: m)
        }
        valueMaps = maps
    }

    /// One field's `values`: by each key as written (trimmed), and lower-cased.
    struct ValueMap: Sendable {
        let exact: [String: String]
        let folded: [String: String]
    }

    /// `values` by field ordinal: an array, not a dictionary, as every field of every
    /// record asks it.
    let valueMaps: [ValueMap?]

    /// Fields that must be present in every record of this role.
    public var requiredFields: [CanonicalField] { role == .la ? [.request_id] : [] }

    /// Validates one field's raw text. Returns the canonical text, or a message saying
    /// why not. Personal values are never echoed in messages.
    public func canonical(_ field: CanonicalField, _ raw: String) -> Result<String, FieldProblem> {
        var text = raw.trimmedASCIIWhitespace
        if let map = valueMaps[field.ordinal], let mapped = map.exact[text] ?? map.folded[text.lowercasedIfNeeded] { text = mapped }
        switch field.kind {
        case .requestID:
            // Characters are counted only past 64 bytes: counting them is the slow part.
            guard text.utf8.count <= 64 || text.count <= 64, text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else {
                return .failure(.init("must be 1-64 printable characters"))
            }
            return .success(text)
        case .text(let maxLength):
            if let maxLength, text.utf8.count > maxLength, text.count > maxLength {
                return .failure(.init("is longer than \(maxLength) characters"))
            }
            return .success(text)
        case .date:
            if let d = date(text) { return .success(d.description) }
            let expected = datePattern.map { "\($0.text) or YYYY-MM-DD" } ?? "YYYY-MM-DD"
            return .failure(.init((field.isPersonal ? "is not a real date in the form \(expected)"
                                                    : "'\(Self.clip(text))' is not a real date in the form \(expected)")
                                  + dateHint(text)))
        case .timestamp:
            return timestamp(text).map(\.description)
        case .nhsNumber:
            guard let n = NHSNumber.normalised(text) else {
                return .failure(.init("is not a valid NHS number (10 digits with a Modulus 11 check digit)"))
            }
            return .success(n)
        case .service:
            let t = text.lowercasedIfNeeded
            guard Service(rawValue: t) != nil else {
                return .failure(.init("'\(Self.clip(text))' is not a service (\(Service.allCases.map(\.rawValue).joined(separator: ", "))); map local names under values.service"))
            }
            return .success(t)
        case .status:
            let t = text.lowercasedIfNeeded
            switch role {
            case .la:
                if LAStatus(rawValue: t) != nil { return .success(t) }
                if ProviderStatus(rawValue: t) != nil {
                    return .failure(.init("'\(t)' is a provider status; this feed speaks for the LA"))
                }
                return .failure(.init("'\(Self.clip(text))' is not an LA status (\(LAStatus.allCases.map(\.rawValue).joined(separator: ", ")))"))
            case .provider:
                if ProviderStatus(rawValue: t) != nil { return .success(t) }
                if LAStatus(rawValue: t) != nil {
                    return .failure(.init("'\(t)' is an LA status; this feed speaks for a provider"))
                }
                return .failure(.init("'\(Self.clip(text))' is not a provider status (\(ProviderStatus.allCases.map(\.rawValue).joined(separator: ", ")))"))
            }
        case .exception:
            let t = text.lowercasedIfNeeded
            guard AdviceException(rawValue: t) != nil else {
                return .failure(.init("'\(Self.clip(text))' is not a reg 8(2) exception (\(AdviceException.allCases.map(\.rawValue).joined(separator: ", ")))"))
            }
            return .success(t)
        case .dispute:
            let t = text.lowercasedIfNeeded
            guard DisputeState(rawValue: t) != nil else {
                return .failure(.init("'\(Self.clip(text))' is not a dispute state (none, open, resolved)"))
            }
            return .success(t)
        }
    }

    /// An `updated_at` value (already trimmed): RFC 3339, local time in the zone when
    /// it has no offset, or a date alone meaning local midnight.
    ///
    /// Without a `timestamp_format`, the feed's date format (or ISO) followed by a time
    /// (`01/10/2026 09:12`) is local time too. A local time the clocks skip (01:30 on the
    /// last Sunday of March in London) is read with the offset before the change, and
    /// one they repeat (01:30 on the last Sunday of October) as its first occurrence,
    /// summer time: `Timestamp.offset(ofLocal:in:)`.
    func timestamp(_ text: String) -> Result<Timestamp, FieldProblem> {
        if let t = Timestamp.parse(text, zone: timeZone, cache: offsetCache) { return .success(t) }
        if let pinned = timestampPattern {
            if let (d, time) = pinned.local(text) { return .success(local(d, time)) }
            if let d = CivilDate(iso: text) { return .success(local(d, nil)) }
            return .failure(.init("'\(Self.clip(text))' is not a timestamp in the form \(pinned.text), RFC 3339 or YYYY-MM-DD"))
        }
        if let (d, time) = datePattern?.local(text) ?? DatePattern.iso.local(text) { return .success(local(d, time)) }
        let dates = datePattern.map { "\($0.text) or YYYY-MM-DD" } ?? "YYYY-MM-DD"
        return .failure(.init("'\(Self.clip(text))' is not a timestamp (RFC 3339, or \(dates) with an optional time such as 09:12)"
                              + dateHint(text)))
    }

    /// A date field's day: ISO, the feed's date format, either followed by a time (dropped),
    /// or the date of an RFC 3339 timestamp as written.
    func date(_ text: String) -> CivilDate? {
        if let d = CivilDate(iso: text) ?? datePattern?.parseDate(text) ?? DatePattern.iso.parseDate(text) { return d }
        guard Timestamp.parse(text, zone: .gmt) != nil else { return nil }
        return CivilDate(iso: text.prefix(10))
    }

    /// What would fix a date that fails: the `date_format` that reads it, where one does.
    func dateHint(_ text: String) -> String {
        guard datePattern?.text != DatePattern.dayMonthYear.text, DatePattern.dayMonthYear.parseDate(text) != nil else { return "" }
        return "; it would read with date_format: d/M/yyyy"
    }

    /// The instant of a local day and time (midnight when no time was written).
    private func local(_ day: CivilDate, _ time: ClockTime?) -> Timestamp {
        Timestamp.local(day, secondOfDay: time?.secondsOfDay ?? 0, millisecond: time?.millisecond ?? 0, in: timeZone,
                        cache: offsetCache)
    }

    /// Builds an observation from `(field, raw text, column)` pairs, applying defaults and
    /// checking every field; the first failing field makes the whole row an error.
    public func observation(line: Int, pairs: [(CanonicalField, String, column: String)]) -> Result<Observation, RowError> {
        observation(line: line, values: pairs.lazy.enumerated().map { ($0.element.0, $0.element.1, $0.offset) },
                    column: { pairs[$0].column })
    }

    /// The same from `(field, raw text, source)` values, where `column(source)` names the
    /// column or key a value came from, asked only for an error: a name handed along
    /// with each value cost a retain and a release a field of every row.
    func observation<Values: Sequence>(line: Int, values pairs: Values, column: (Int) -> String) -> Result<Observation, RowError>
        where Values.Element == (CanonicalField, String, Int) {
        var values = FieldValues()
        var updatedAt: Timestamp?
        /// Validates one value into `values` (or `updatedAt`, parsed once); the error names `column`.
        func accept(_ field: CanonicalField, _ raw: String, column: @autoclosure () -> String) -> RowError? {
            let problem: FieldProblem
            if field == .updated_at {
                switch timestamp(raw.trimmedASCIIWhitespace) {
                case .success(let t): updatedAt = t; return nil
                case .failure(let p): problem = p
                }
            } else {
                switch canonical(field, raw) {
                case .success(let v): values[field] = v; return nil
                case .failure(let p): problem = p
                }
            }
            return RowError(line: line, field: field.rawValue, column: column(), message: problem.message)
        }
        for (field, raw, source) in pairs where !raw.isBlank {
            if let error = accept(field, raw, column: column(source)) { return .failure(error) }
        }
        for (field, raw) in defaults where field == .updated_at ? updatedAt == nil : values[field] == nil {
            if let error = accept(field, raw, column: "defaults") { return .failure(error) }
        }
        for field in requiredFields where values[field] == nil {
            return .failure(RowError(line: line, field: field.rawValue, message: "is required and is empty"))
        }
        if role == .provider, values[.request_id] == nil, values[.provider_ref] == nil,
           values[.nhs_number] == nil {
            return .failure(RowError(line: line, message: "a provider record needs request_id, provider_ref or nhs_number to be linked"))
        }
        return .success(Observation(role: role, values: values, updatedAt: updatedAt, line: line))
    }

    static func clip(_ s: String) -> String { s.count > 40 ? String(s.prefix(40)) + "…" : s }
}

/// Why one field's value was refused.
public struct FieldProblem: Error, Sendable, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
}
