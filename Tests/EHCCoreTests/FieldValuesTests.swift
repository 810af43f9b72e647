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
