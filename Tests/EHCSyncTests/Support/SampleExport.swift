import Foundation

/// Small synthetic exports for feed tests. NHS numbers are from the 999 test range and
/// pass the Modulus 11 check unless a test says otherwise.
enum SampleExport {
    /// Valid synthetic NHS numbers.
    static let nhs = ["9990000018", "9990000026", "9990000034", "9990000042", "9990000050",
                      "9990000069", "9990000077", "9990000085", "9990000093", "9990000107"]
    /// Ten digits from the test range whose check digit is wrong.
    static let badCheckDigit = "9990000019"

    /// The header of an LA CSV that uses canonical names (no `columns:` needed).
    static let laHeader = "request_id,case_ref,nhs_number,date_of_birth,provider_ods,service,requested_on,status,updated_at"

    /// One LA CSV row under `laHeader`.
    static func laRow(_ requestID: String, caseRef: String? = nil, nhs: String = nhs[0], dateOfBirth: String = "2016-05-01",
                      service: String = "salt", requestedOn: String = "2026-03-02", status: String = "requested",
                      updatedAt: String = "2026-03-02T10:00:00Z") -> String {
        [requestID, caseRef ?? "EHC/" + requestID, nhs, dateOfBirth, "RBT", service, requestedOn, status, updatedAt]
            .joined(separator: ",")
    }

    /// A whole LA CSV: the canonical header and these rows, LF line ends.
    static func laCSV(_ rows: [String]) -> String {
        ([laHeader] + rows).joined(separator: "\n") + "\n"
    }

    /// One NDJSON line from string pairs, keys in the order given.
    static func ndjsonLine(_ pairs: KeyValuePairs<String, String>) -> String {
        "{" + pairs.map { "\(quoted($0.key)):\(quoted($0.value))" }.joined(separator: ",") + "}"
    }

    /// A JSON string literal for `s`, escaped by JSONSerialization.
    static func quoted(_ s: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [s], options: [.fragmentsAllowed])) ?? Data("[\"\"]".utf8)
        let array = String(decoding: data, as: UTF8.self)
        return String(array.dropFirst().dropLast())
    }
}
