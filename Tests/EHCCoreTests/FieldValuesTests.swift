import Foundation
import Testing
@testable import EHCCore

@Suite struct FieldValuesTests {
    @Test func everyFieldSitsAtItsOrdinal() {
        #expect(CanonicalField.byOrdinal.count == CanonicalField.allCases.count)
        for (i, field) in CanonicalField.byOrdinal.enumerated() { #expect(field.ordinal == i) }
    }

    @Test func iteratesInSpecOrderWhateverOrderValuesWereSet() {
        var v = FieldValues()
        v[.service] = "salt"
        v[.request_id] = "R1"
        v[.cancel_reason] = "moved"
        #expect(v.keys == [.request_id, .service, .cancel_reason])
        #expect(v.map(\.value) == ["R1", "salt", "moved"])
        #expect(v.count == 3)
    }

    @Test func settingNilRemovesAndEmptyEqualsUnallocated() {
        var v: FieldValues = [.case_ref: "EHC/1"]
        v[.case_ref] = nil
        #expect(v.isEmpty)
        #expect(v == FieldValues())
        #expect(FieldValues() == [:])
        #expect(v[.case_ref] == nil)
    }

    @Test func sameExceptOneFieldIgnoresOnlyThatField() {
        let a: FieldValues = [.request_id: "R1", .status: "Sent", .service: "salt"]
        let b: FieldValues = [.request_id: "R1", .service: "salt"]
        #expect(a.isSame(as: b, except: .status) && b.isSame(as: a, except: .status))
        #expect(!a.isSame(as: b, except: .service))
        #expect(!a.isSame(as: [.request_id: "R1", .status: "Sent", .service: "ot"], except: .status))
        #expect(!b.isSame(as: [.request_id: "R1"], except: .status))
        let empty = FieldValues(), onlyStatus: FieldValues = [.status: "Sent"]
        #expect(empty.isSame(as: onlyStatus, except: .status) && onlyStatus.isSame(as: empty, except: .status))
        #expect(!empty.isSame(as: b, except: .status) && !b.isSame(as: empty, except: .status))
        var cleared: FieldValues = [.case_ref: "C"]
        cleared[.case_ref] = nil  // allocated, all empty
        #expect(cleared.isSame(as: empty, except: .status) && empty.isSame(as: cleared, except: .status))
    }

    @Test func mergeLetsTheCombinerDecideClashes() {
        let a: FieldValues = [.request_id: "R1", .service: "salt"]
        let b: FieldValues = [.service: "ot", .case_ref: "C"]
        #expect(a.merging(b) { $1 } == [.request_id: "R1", .service: "ot", .case_ref: "C"])
        #expect(a.merging(b) { a, _ in a } == [.request_id: "R1", .service: "salt", .case_ref: "C"])
    }

    @Test func descriptionNamesFieldsButNeverValues() {
        let v: FieldValues = [.nhs_number: "9434765919", .given_name: "Amelia"]
        #expect(!v.description.contains("9434765919"))
        #expect(!v.description.contains("Amelia"))
        #expect(v.description.contains("nhs_number"))
    }
}

@Suite struct ObservationJSONTests {
    @Test func valuesJSONRoundTripsAwkwardTextInSpecOrder() throws {
        let awkward = "Siân \"Bee\" O'Neil\\\n\r\t\u{01}end"
        let obs = Observation(role: .la, values: [.service: "salt", .request_id: "R1", .dispute_reason: awkward],
                              updatedAt: Timestamp(millis: 1_767_225_600_000))
        let text = obs.valuesJSON
        #expect(text.hasPrefix("{\"request_id\":\"R1\",\"service\":\"salt\",\"dispute_reason\":"))
        let data = try #require(text.data(using: .utf8))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: String])
        #expect(object == ["request_id": "R1", "service": "salt", "dispute_reason": awkward,
                           "updated_at": "2026-01-01T00:00:00Z"])
    }

    @Test func emptyObservationIsAnEmptyObject() {
        #expect(Observation(role: .provider, values: [:]).valuesJSON == "{}")
        #expect(Observation(role: .provider, values: [:], updatedAt: Timestamp(millis: 0)).valuesJSON
                == "{\"updated_at\":\"1970-01-01T00:00:00Z\"}")
    }
}
