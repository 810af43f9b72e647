import Foundation
import Testing
@testable import EHCCore

@Suite struct AdviceItemJSONTests {
    static let record = AdviceSamples.record("R-1", due: "2026-11-12", answered: "2026-11-20", exception: .absent_from_area,
                                             laFields: DigestFixture.person.merging([.assessment_requested_on: "2026-09-01"]) { a, _ in a },
                                             providerFields: [.received_on: "2026-10-01", .exception_note: "away"],
                                             today: "2026-11-23")

    static func keys(_ json: String) -> [String] {
        // Top-level keys in order: the object is flat, so every `"key":` at depth 1.
        var keys: [String] = []
        let scanner = json.dropFirst().dropLast()
        var inString = false, escaped = false, current = "", expectingKey = true
        for ch in scanner {
            if inString {
                if escaped { escaped = false; current.append(ch); continue }
                if ch == "\\" { escaped = true; continue }
                if ch == "\"" { inString = false; if expectingKey { keys.append(current) }; continue }
                current.append(ch)
            } else if ch == "\"" {
                inString = true
                current = ""
            } else if ch == ":" {
                expectingKey = false
            } else if ch == "," {
                expectingKey = true
            }
        }
        return keys
    }

    @Test func theFieldsOfAdviceListWithEachKeyOnce() throws {
        let (state, view) = Self.record
        let json = AdviceItemJSON.render(state: state, view: view, openConflicts: 2, includeIdentifiers: true,
                                         updatedAt: Timestamp(millis: 0))
        let keys = Self.keys(json)
        #expect(keys == ["request_id", "provider_ref", "case_ref", "assessment_requested_on", "nhs_number", "date_of_birth",
                         "given_name", "family_name", "provider_ods", "service", "requested_on", "received_on", "due_on",
                         "status", "submitted_on", "exception", "exception_note", "updated_at", "la_status",
                         "provider_status", "state", "disputed", "answered_on", "on_time", "timeline_week",
                         "open_conflicts"].filter { $0 != "provider_ref" })
        #expect(Set(keys).count == keys.count)
        let object = try #require(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["due_on"] as? String == "2026-11-12")
        #expect(object["on_time"] as? Bool == false)
        #expect(object["exception"] as? String == "absent_from_area")
        #expect(object["updated_at"] as? String == "1970-01-01T00:00:00Z")
    }

    @Test func identifiersAreLeftOutByDefault() {
        let (state, view) = Self.record
        let json = AdviceItemJSON.render(state: state, view: view, openConflicts: 0, includeIdentifiers: false)
        for key in ["nhs_number", "date_of_birth", "given_name", "family_name"] { #expect(!Self.keys(json).contains(key)) }
        for value in ["Amelia", "Okonkwo", "9434765919", "2019-03-14"] { #expect(!json.contains(value)) }
    }
}
