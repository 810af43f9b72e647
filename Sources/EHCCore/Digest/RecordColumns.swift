/// The columns that say which request a row is about, the same in every table: the
/// references a person can look up, then (only when identifiers are allowed) who the
/// child is, then the provider and service.
enum RecordColumns {
    /// The leading columns of a record table.
    static func columns(includeIdentifiers: Bool) -> [DisplayTable.Column] {
        var out = [DisplayTable.Column("Request"), DisplayTable.Column("Case")]
        if includeIdentifiers {
            out += [DisplayTable.Column("NHS number"), DisplayTable.Column("Name", textMaxWidth: 40),
                    DisplayTable.Column("Date of birth")]
        }
        return out + [DisplayTable.Column("Provider"), DisplayTable.Column("Service")]
    }

    /// The cells under `columns`, "-" where a value is unknown.
    static func cells(_ state: AdviceState, includeIdentifiers: Bool) -> [String] {
        var out = [state.requestID, state.value(.case_ref) ?? "-"]
        if includeIdentifiers {
            let name = [state.value(.given_name), state.value(.family_name)].compactMap { $0 }.joined(separator: " ")
            out += [state.value(.nhs_number).map(PlainWords.nhsNumber) ?? "-", name.isEmpty ? "-" : name,
                    state.value(.date_of_birth) ?? "-"]
        }
        return out + [state.value(.provider_ods) ?? "-", state.value(.service) ?? "-"]
    }

    /// A date cell, "-" when unknown.
    static func date(_ d: CivilDate?) -> String { d?.description ?? "-" }

    /// The exception cell: the ground in words, or "-".
    static func exception(_ e: AdviceException?) -> String { e.map(PlainWords.exception) ?? "-" }
}
