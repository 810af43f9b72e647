import EHCCore

/// One synthetic advice request as an LA case system exports it: local column values,
/// `dd/MM/yyyy` dates, a local-time `Last Updated`. Built from its index alone, so an
/// export can be written in any order without holding the rows in memory.
///
/// Three requests share a case (the LA asks several services about one child); NHS
/// numbers are from the 999 test range and pass Modulus 11. Synthetic people only.
struct SyntheticRequest {
    var adviceRef: String
    var ehcRef: String
    var assessmentRequested: CivilDate
    var nhsNumber: String
    var dateOfBirth: CivilDate
    var forename: String
    var surname: String
    var providerODS: String
    var service: String
    var dateSent: CivilDate
    var status: String
    var dispute: String
    /// Seconds since the reference day's local midnight, possibly negative.
    var lastUpdatedSeconds: Int

    /// The columns of the export, in the order written.
    static let header = ["Advice Ref", "EHC Ref", "Assessment Requested", "NHS No", "DOB", "Forename", "Surname",
                         "Provider ODS", "Service", "Date Sent", "Status", "Dispute", "Last Updated"]

    static let services = ["Speech, Language & Communication", "Occupational Therapy", "Physiotherapy", "Community Paediatrics", "CAMHS",
                           "Health Visiting", "School Nursing"]
    static let providers = ["RBT", "RJ1", "RYJ", "RWF", "R1K", "RXX", "RTK", "RNQ"]
    static let forenames = ["Amara", "Zoë", "Siân", "Oliver", "Noah", "Isla", "Aarav", "Freya", "Mohammed", "Chloé",
                            "Jack", "Ava", "Leo", "Maya", "Harry", "Ruby"]
    static let surnames = ["O’Neill", "Smith", "Khan", "Brontë", "Jones", "Patel", "Williams", "Nowak", "Taylor", "Begum",
                           "Evans", "Ahmed", "Brown", "Wilson", "Davies", "Hughes"]

    /// The request at `index` of an export whose dates are relative to `reference`.
    init(index: Int, seed: UInt64, reference: CivilDate) {
        let caseIndex = index / 3
        var child = SplitMix64.forItem(caseIndex, seed: seed ^ 0xC0FF_EE00)
        var own = SplitMix64.forItem(index, seed: seed)
        adviceRef = "LA-" + Self.digits(Self.scatter(index, modulus: 100_000_000), width: 8)
        ehcRef = "EHC/" + Self.digits(Self.scatter(caseIndex, modulus: 1_000_000), width: 6)
        assessmentRequested = reference.adding(days: -30 - child.below(120))
        nhsNumber = Self.nhsNumber(caseIndex)
        dateOfBirth = reference.adding(days: -(30 + child.below(25 * 365)))
        forename = Self.forenames[child.below(Self.forenames.count)]
        surname = Self.surnames[child.below(Self.surnames.count)]
        providerODS = Self.providers[own.below(Self.providers.count)]
        service = Self.services[(index % 3 + child.below(Self.services.count)) % Self.services.count]
        dateSent = assessmentRequested.adding(days: 1 + own.below(21))
        let roll = own.below(100)
        status = roll < 85 ? "Sent" : roll < 97 ? "Accepted" : "Cancelled"
        let d = own.below(100)
        dispute = d < 70 ? "" : d < 99 ? "No" : "Open"
        lastUpdatedSeconds = (dateSent.daysSinceEpoch - reference.daysSinceEpoch) * 86_400 + 8 * 3600 + own.below(10 * 3600)
    }

    /// The day after: what tomorrow's full re-export says of this row when the LA
    /// changed it (half accepted or disputed, half given a corrected case reference),
    /// with a new `Last Updated`. Unchanged rows keep theirs, as a real re-export does.
    mutating func changeForNextDay(index: Int) {
        if index % 2 == 0, status == "Sent" {
            status = "Accepted"
        } else if index % 2 == 0, dispute != "Open" {
            dispute = "Open"
        } else {
            ehcRef += "A"
        }
        lastUpdatedSeconds = 86_400 + 9 * 3600 + index % 3600
    }

    /// Whether this row is one of the 1% changed in the second export: exactly one in a hundred.
    static func isChangedNextDay(_ index: Int) -> Bool { index % 100 == 42 }

    /// `a × i + b mod m` with `a` prime to `m`: a bijection, so references never collide
    /// yet do not sort like the row order.
    static func scatter(_ i: Int, modulus: Int) -> Int { (i &* 73_939_133 &+ 12_345_678) % modulus }

    /// A 999-range NHS number with a valid Modulus 11 check digit.
    static func nhsNumber(_ caseIndex: Int) -> String {
        var body = scatter(caseIndex, modulus: 1_000_000)
        while true {
            let nine = "999" + digits(body, width: 6)
            var sum = 0
            for (i, u) in nine.utf8.enumerated() { sum += Int(u - 48) * (10 - i) }
            var check = 11 - sum % 11
            if check == 11 { check = 0 }
            if check != 10 { return nine + String(check) }
            body = (body + 1) % 1_000_000
        }
    }

    static func digits(_ value: Int, width: Int) -> String {
        let s = String(value)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
