import EHCCore

/// Checks of a valid observation that hold whatever feed it came from.
enum FuzzObservation {
    /// Its JSON payload parses back to the same values, and its dates are canonical.
    static func check(_ observation: Observation, name: String, broken: inout [String]) {
        let json = observation.valuesJSON
        var parsed: [String: JSONFieldValue] = [:]
        var ndjson = NDJSONRecordDecoder()
        do {
            try Array(json.utf8).withUnsafeBytes { raw in
                try ndjson.consume(raw) { if case .object(_, let fields) = $0 { parsed = fields } }
            }
            try ndjson.finish { if case .object(_, let fields) = $0 { parsed = fields } }
        } catch {
            broken.append("\(name): the payload \(json) does not parse: \(error)")
            return
        }
        for field in CanonicalField.allCases where field != .updated_at {
            let value = observation.values[field]
            let back: String? = if case .text(let text)? = parsed[field.rawValue] { text } else { nil }
            if value != back { broken.append("\(name): \(field.rawValue) is \(value ?? "nil") but its payload says \(back ?? "nil")") }
        }
        for field in [CanonicalField.date_of_birth, .requested_on, .received_on, .due_on, .submitted_on] {
            if let text = observation.values[field], CivilDate(iso: text)?.description != text {
                broken.append("\(name): \(field.rawValue) '\(text)' is not a canonical date")
            }
        }
    }
}
