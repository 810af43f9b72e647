import EHCCore
import Foundation

/// A simulated day of drop-folder files for the soak (`SoakTests`), made from a seed.
///
/// A pool of advice requests (synthetic children with NHS numbers from the 999 test
/// range and unusual names, so the privacy scan cannot mistake an English word for
/// one) is sent by two LA feeds (a CSV and a JSON export) and answered by two providers
/// (RBT in NDJSON with `.done` markers, RXY in JSON). Each file carries a few to a
/// thousand requests, in their current state, then moves some of them on (provider
/// acknowledged, in progress, submitted; LA advice received, accepted, cancelled,
/// disputed), so request ids overlap across files and feeds. Due dates are spread
/// from 20 days before the simulated start to 16 days after it, so every day brings
/// reminders and escalations. Mixed in: rows that fail validation (a bad check digit,
/// an impossible date, a status from the wrong side, a broken NDJSON line), a provider
/// answering with another child's NHS number (an identity mismatch), files that are
/// rejected whole (an unterminated quote, truncated JSON, invalid UTF-8) and exact
/// repeats of an earlier file under a new name.
///
/// The generator records what it made: each file's expected outcome, every NHS number
/// (valid or not) and name it wrote, and the LA request ids of rows that must apply.
struct SoakDay {
    /// A file to drop: its feed, name, bytes, whether a `.done` marker follows, and how it must end.
    struct File {
        enum Outcome: String { case applied, duplicate, rejected }
        var feed: String
        var name: String
        var bytes: Data
        var marker: Bool
        var outcome: Outcome
    }

    static let feeds = ["la-csv", "la-json", "rbt", "rxy"]
    static let given = ["Anwen", "Oluwaseun", "Kaveh", "Isolde", "Thaddeus", "Marisol", "Eilidh", "Caoimhe", "Bartholomew",
                        "Ffion", "Leocadia", "Tancredi", "Wilhelmina", "Ottoline", "Peregrine", "Saoirse", "Zenobia",
                        "Ignatius", "Aurelio", "Ysolde", "Cosimo", "Lysander", "Perpetua", "Evander"]
    static let family = ["Okonkwo", "Przybylski", "Featherstonehaugh", "Achterberg", "Nwachukwu", "Szczepanski", "Quennell",
                         "Brocklehurst", "Abernethy", "Kowalczyk", "Thistlethwaite", "Ravensworth", "Oyelaran", "Fitzwilliam",
                         "Delacourt", "Haverstock", "Montgomerie", "Wetherell", "Cholmondeley", "Vanterpool"]
    static let services = ["community-paediatrics", "salt", "ot", "physio", "camhs"]

    private struct Request {
        var id: String
        var caseRef: String
        var nhs: String
        var dateOfBirth: String
        var given: String
        var family: String
        var ods: String
        var service: String
        var assessmentOn: CivilDate
        var requestedOn: CivilDate
        var receivedOn: CivilDate
        var providerStatus = 0       // 0 none, 1 acknowledged, 2 in_progress, 3 submitted
        var submittedOn: CivilDate?
        var laStatus = "requested"   // requested, accepted, cancelled
        var adviceReceivedOn: CivilDate?
        var dispute = false
        var exception: String?
    }

    let seed: UInt64
    /// The simulated day the service's clock starts on, and its start.
    let firstDay: CivilDate
    let start: Timestamp
    private var random: SeededRandom
    private var requests: [Request] = []
    private var made: [String: [File]] = [:]
    private var fileNumber = 0
    /// Every NHS number written, valid or not (for the privacy scan).
    private(set) var nhsNumbers: Set<String> = []
    /// Every given and family name written.
    private(set) var names: Set<String> = []
    /// LA request ids written in rows that must apply (in files that apply).
    private(set) var laRequestIDs: Set<String> = []

    init(seed: UInt64, requests count: Int, start: Timestamp) {
        self.seed = seed
        self.start = start
        firstDay = start.localDate(in: TimeZone(identifier: "Europe/London") ?? .gmt)
        random = SeededRandom(seed: seed)
        for k in 0..<count {
            let due = firstDay.adding(days: random.int(in: -20...16))
            let received = due.adding(days: -42)
            let requested = received.adding(days: -random.int(in: 0...2))
            let nhs = makeNHSNumber()
            let request = Request(id: "SK-\(10_000 + k)", caseRef: "EHC/S\(5_000 + k / 3)", nhs: nhs,
                                  dateOfBirth: CivilDate(year: 2010 + random.int(in: 0...12), month: random.int(in: 1...12),
                                                         day: random.int(in: 1...28))?.description ?? "2015-06-01",
                                  given: random.pick(Self.given), family: random.pick(Self.family),
                                  ods: random.int(in: 0...1) == 0 ? "RBT" : "RXY", service: random.pick(Self.services),
                                  assessmentOn: requested.adding(days: -random.int(in: 0...30)), requestedOn: requested,
                                  receivedOn: received)
            names.insert(request.given)
            names.insert(request.family)
            requests.append(request)
        }
    }

    /// A valid NHS number from the 999 test range (Modulus 11), remembered.
    private mutating func makeNHSNumber() -> String {
        while true {
            let digits = [9, 9, 9] + (0..<6).map { _ in random.int(in: 0...9) }
            let sum = zip(digits, (2...10).reversed()).reduce(0) { $0 + $1.0 * $1.1 }
            let check = (11 - sum % 11) % 11
            guard check != 10 else { continue }
            let n = (digits + [check]).map(String.init).joined()
            nhsNumbers.insert(n)
            return n
        }
    }

    /// The same number with a wrong check digit, remembered.
    private mutating func badCheckDigit(_ n: String) -> String {
        let last = Int(String(n.last ?? "0")) ?? 0
        let bad = String(n.dropLast()) + String((last + 1 + random.int(in: 0...7)) % 10)
        nhsNumbers.insert(bad)
        return bad
    }

    /// How many rows the next file has: mostly a few, sometimes hundreds, now and then a thousand.
    private mutating func size() -> Int {
        let r = random.double()
        if r < 0.70 { return random.int(in: 1...20) }
        if r < 0.95 { return random.int(in: 21...200) }
        return random.int(in: 201...1_000)
    }

    /// The next file, made as at `now` on the simulated clock.
    mutating func next(now: Timestamp) -> File {
        fileNumber += 1
        let feed = Self.feeds[random.int(in: 0...3)]
        let name = String(format: "%@-%05d.%@", feed, fileNumber, feed == "rbt" ? "ndjson" : feed == "la-csv" ? "csv" : "json")
        if let earlier = made[feed], !earlier.isEmpty, random.double() < 0.005 {
            let copy = random.pick(earlier)
            return File(feed: feed, name: name, bytes: copy.bytes, marker: feed == "rbt", outcome: .duplicate)
        }
        let reject = random.double() < 0.005
        let day = now.localDate(in: TimeZone(identifier: "Europe/London") ?? .gmt)
        let pool = feed.hasPrefix("la") ? Array(requests.indices) : requests.indices.filter { requests[$0].ods == (feed == "rbt" ? "RBT" : "RXY") }
        let chosen = random.sample(pool, count: min(size(), pool.count))
        var rows: [String] = []
        var laIDs: [String] = []
        for (line, k) in chosen.enumerated() {
            let stamp = Timestamp(millis: now.millis - Int64(chosen.count - line) * 10)
            if feed.hasPrefix("la") {
                let (row, valid) = laRow(k, json: feed == "la-json", stamp: stamp, day: day)
                rows.append(row)
                if valid { laIDs.append(requests[k].id) }
            } else {
                rows.append(providerRow(k, ndjson: feed == "rbt", stamp: stamp, day: day))
            }
        }
        var text: String
        switch feed {
        case "la-csv":
            text = "request_id,case_ref,nhs_number,date_of_birth,given_name,family_name,provider_ods,service,assessment_requested_on,requested_on,status,advice_received_on,dispute,dispute_reason,cancel_reason,updated_at\n"
                + rows.map { $0 + "\n" }.joined()
            if reject {
                text += "SK-99999,\"EHC/unterminated,9990000018\n"
                nhsNumbers.insert("9990000018")
            }
        case "rbt":
            text = rows.map { $0 + "\n" }.joined()
        default:
            text = "{\"records\": [\n" + rows.joined(separator: ",\n") + "\n]}\n"
            if reject { text = String(text.dropLast(12)) }
        }
        var bytes = Data(text.utf8)
        if reject, feed == "rbt" { bytes.append(contentsOf: [0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x7D, 0x0A]) }
        let file = File(feed: feed, name: name, bytes: bytes, marker: feed == "rbt", outcome: reject ? .rejected : .applied)
        if !reject {
            // The last 50 files of each feed are kept for repeats, not every one (memory).
            made[feed, default: []].append(file)
            if made[feed, default: []].count > 50 { made[feed]?.removeFirst() }
            laRequestIDs.formUnion(laIDs)
        }
        return file
    }

    /// One LA row (CSV or a JSON object) and whether it must apply; then the LA's side may move on.
    private mutating func laRow(_ k: Int, json: Bool, stamp: Timestamp, day: CivilDate) -> (String, Bool) {
        var r = requests[k]
        var fields: [(String, String)] = [
            ("request_id", r.id), ("case_ref", r.caseRef), ("nhs_number", r.nhs), ("date_of_birth", r.dateOfBirth),
            ("given_name", r.given), ("family_name", r.family), ("provider_ods", r.ods), ("service", r.service),
            ("assessment_requested_on", r.assessmentOn.description), ("requested_on", r.requestedOn.description),
            ("status", r.laStatus), ("advice_received_on", r.adviceReceivedOn?.description ?? ""),
            ("dispute", r.dispute ? "open" : ""), ("dispute_reason", r.dispute ? "tribunal appeal lodged" : ""),
            ("cancel_reason", r.laStatus == "cancelled" ? "assessment withdrawn" : ""), ("updated_at", stamp.description),
        ]
        var valid = true
        if random.double() < 0.02 {
            valid = false
            switch random.int(in: 0...2) {
            case 0: fields[2].1 = badCheckDigit(r.nhs)
            case 1: fields[9].1 = "2026-02-30"
            default: fields[10].1 = "submitted"
            }
        }
        if valid {
            // The LA moves on: advice logged after the provider submitted, then accepted; a few cancel or dispute.
            let roll = random.double()
            if r.laStatus == "requested", r.providerStatus == 3, r.adviceReceivedOn == nil, roll < 0.5 {
                r.adviceReceivedOn = r.submittedOn
            } else if r.laStatus == "requested", r.adviceReceivedOn != nil, roll < 0.3 {
                r.laStatus = "accepted"
            } else if r.laStatus == "requested", roll < 0.004 {
                r.laStatus = "cancelled"
            } else if !r.dispute, roll > 0.997 {
                r.dispute = true
            }
            requests[k] = r
        }
        if json {
            let pairs = fields.filter { !$0.1.isEmpty }.map { "\(SampleExport.quoted($0.0)): \(SampleExport.quoted($0.1))" }
            return ("{" + pairs.joined(separator: ", ") + "}", valid)
        }
        return (fields.map(\.1).joined(separator: ","), valid)
    }

    /// One provider record (an NDJSON line or a JSON object); then the provider may move on.
    private mutating func providerRow(_ k: Int, ndjson: Bool, stamp: Timestamp, day: CivilDate) -> String {
        var r = requests[k]
        if r.providerStatus < 3, random.double() < 0.4 {
            r.providerStatus += 1
            if r.providerStatus == 3 { r.submittedOn = min(day, r.receivedOn.adding(days: 42 + random.int(in: -10...5))) }
            if r.providerStatus == 2, random.double() < 0.05 { r.exception = random.pick(["missed_appointment", "absent_from_area"]) }
        }
        requests[k] = r
        let status = ["acknowledged", "acknowledged", "in_progress", "submitted"][r.providerStatus]
        var fields: [(String, String)] = [
            ("provider_ref", "\(r.ods)-\(k)"), ("nhs_number", r.nhs), ("date_of_birth", r.dateOfBirth),
            ("given_name", r.given), ("family_name", r.family), ("service", r.service),
            ("received_on", r.receivedOn.description), ("status", status), ("updated_at", stamp.description),
        ]
        // Most records echo the LA's id; some are linked by NHS number, ODS and service.
        if random.double() < 0.95 { fields.insert(("request_id", r.id), at: 0) }
        if let on = r.submittedOn { fields.append(("submitted_on", on.description)) }
        if let exception = r.exception { fields.append(("exception", exception)) }
        let roll = random.double()
        if roll < 0.003 {
            fields[fields.firstIndex { $0.0 == "nhs_number" } ?? 0].1 = makeNHSNumber()   // another child's number: identity mismatch
        } else if roll < 0.013 {
            fields[fields.firstIndex { $0.0 == "nhs_number" } ?? 0].1 = badCheckDigit(r.nhs)
        } else if roll < 0.018 {
            fields[fields.firstIndex { $0.0 == "status" } ?? 0].1 = "cancelled"   // an LA status from a provider
        }
        let object = "{" + fields.map { "\(SampleExport.quoted($0.0)): \(SampleExport.quoted($0.1))" }.joined(separator: ", ") + "}"
        if ndjson, random.double() < 0.005 { return String(object.dropLast(5)) }   // a broken line: a row error
        return object
    }
}
