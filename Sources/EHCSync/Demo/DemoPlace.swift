import EHCCore
import Foundation

/// Builds a demo place: a config, an LA export as Excel writes it (Windows-1252,
/// `dd/MM/yyyy`, local column names) and provider NDJSON files from three trusts
/// (`providers`), for about 40 synthetic advice requests that between them show every
/// state and conflict kind, so the digest's and the report's by-provider and
/// by-service figures have something to compare.
/// Synthetic people only: NHS numbers from the 999 test range that pass Modulus 11.
public struct DemoPlace {
    public let dir: String
    public let today: CivilDate

    static let marker = ".ehcsync-demo"

    /// When the demo reads yesterday's exports: 07:00, before the config's 07:30 digest,
    /// so that yesterday makes no digest and the demo ends with exactly one, today's.
    public static let yesterdaysCycleMinute = 7 * 60

    public init(dir: String, today: CivilDate) {
        self.dir = dir
        self.today = today
    }

    public var configPath: String { dir + "/ehcsync.yaml" }

    /// Makes the folder fresh. Refuses a folder that holds anything but a previous demo.
    public func prepare() throws {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: dir, isDirectory: &isDir) {
            let contents = (try? fm.contentsOfDirectory(atPath: dir)) ?? []
            guard isDir.boolValue, contents.isEmpty || contents.contains(Self.marker) else {
                throw FeedError("\(dir) exists and is not an EHC Sync demo: choose another --dir")
            }
            try fm.removeItem(atPath: dir)
        }
        for sub in ["la", "provider"] { try fm.createDirectory(atPath: dir + "/" + sub, withIntermediateDirectories: true) }
        try Data("made by ehcsync demo; safe to delete\n".utf8).write(to: URL(fileURLWithPath: dir + "/" + Self.marker))
        try Data(Self.config.utf8).write(to: URL(fileURLWithPath: configPath))
    }

    static let config = """
    # EHC Sync demo place, made by `ehcsync demo`. Synthetic data only.
    store: ehcsync.sqlite
    timezone: Europe/London
    stale_after: 2d
    feeds:
      - name: la-cases
        role: la
        every: 5m
        folder: { path: la, pattern: "*.csv", ready: stable, settle_seconds: 10 }
        format: csv
        csv:
          encoding: windows-1252
          delimiter: ","
          date_format: dd/MM/yyyy
          columns:
            request_id: Advice Ref
            case_ref: EHC Ref
            assessment_requested_on: Assessment Requested
            nhs_number: NHS No
            date_of_birth: DOB
            given_name: Forename
            family_name: Surname
            provider_ods: Provider ODS
            service: Service
            requested_on: Date Sent
            status: Status
            advice_received_on: Advice Received
            returned_on: Returned On
            dispute: Dispute
            dispute_reason: Dispute Reason
            cancel_reason: Cancel Reason
            updated_at: Last Updated
          values:
            status: { Sent: requested, Cancelled: cancelled, Accepted: accepted, "Returned for amendment": returned }
            service:
              "Speech & Language": salt
              "Occupational Therapy": ot
              Physiotherapy: physio
              "Community Paediatrics": community-paediatrics
              CAMHS: camhs
            dispute: { "": none, "No": none, "Open": open, "Resolved": resolved }
      # One MESH mailbox folder receives the NDJSON exports of three trusts; each line
      # names its trust's ODS code.
      - name: trust-community
        role: provider
        every: 15m
        folder: { path: provider, pattern: "*.ndjson", ready: stable, settle_seconds: 10 }
        format: ndjson
    notices:
      due_soon_days: 7
      reminders_before_due_days: [14, 7, 2]
      escalations:
        - { after_due_days: 1, level: 1, to: [dco] }
        - { after_due_days: 14, level: 2, to: [dco, commissioner] }
      conflicts_to: [dco]
      disputes_to: [dco]
      digest: { at: "07:30", weekdays_only: true, to: [dco] }
    recipients:
      dco: { name: "Dr A Patel, Designated Clinical Officer", channels: [dco-mail] }
      commissioner: { channels: [icb-mail] }
      salt-team: { for: { provider_ods: RBT, service: salt }, channels: [salt-mail] }
    channels:
      dco-mail: { email_file: { dir: outbox, from: "EHC Sync <ehcsync@demo.example>", to: ["Designated Clinical Officer <dco@demo.example>"] } }
      icb-mail: { email_file: { dir: outbox, from: "EHC Sync <ehcsync@demo.example>", to: [send.commissioning@demo.example] } }
      salt-mail: { email_file: { dir: outbox, from: "EHC Sync <ehcsync@demo.example>", to: [salt.team@demo.example] } }

    """

    /// One synthetic request and how each side reports it, yesterday and today.
    struct Case {
        var id: String
        var service: String
        var requestedAgo: Int
        var la: [String: String] = [:]          // today's extra LA columns
        var laYesterday: [String: String]? = nil // when yesterday's export differed
        var provider: [[String: String]] = []    // provider lines, in order (yesterday's first)
        var providerToday: [[String: String]] = []
    }

    /// The trust (ODS code) each service is asked of: a community trust, an acute
    /// trust and a mental health trust.
    static let providers: [String: String] = ["salt": "RBT", "ot": "RBT", "physio": "RJ1", "community-paediatrics": "RJ1",
                                              "camhs": "RXQ"]

    /// The trust a case's request went to.
    static func provider(of c: Case) -> String { providers[canonicalService[c.service] ?? ""] ?? "RBT" }

    static let services = ["Speech & Language", "Occupational Therapy", "Physiotherapy", "Community Paediatrics", "CAMHS"]
    static let canonicalService = ["Speech & Language": "salt", "Occupational Therapy": "ot", "Physiotherapy": "physio",
                                   "Community Paediatrics": "community-paediatrics", "CAMHS": "camhs"]
    static let given = ["Amara", "Zoë", "Siân", "Oliver", "Noah", "Isla", "Aarav", "Freya", "Mohammed", "Chloé", "Jack", "Ava"]
    static let family = ["O’Neill", "Smith", "Khan", "Brontë", "Jones", "Patel", "Williams", "Nowak", "Taylor", "Begum"]

    func cases() -> [Case] {
        var out: [Case] = []
        func add(_ n: Int, service: Int, ago: Int, _ build: (inout Case) -> Void = { _ in }) {
            var c = Case(id: "LA-\(2001 + n)", service: Self.services[service % Self.services.count], requestedAgo: ago)
            build(&c)
            out.append(c)
        }
        let t = today
        func d(_ ago: Int) -> String { t.adding(days: -ago).description }
        // Open: asked recently, the provider has acknowledged some.
        for i in 0..<8 { add(i, service: i, ago: 5 + i * 2) { c in if i % 2 == 0 { c.provider = [["status": "acknowledged", "received_on": d(c.requestedAgo - 1)]] } } }
        // Due soon.
        for i in 8..<14 { add(i, service: i, ago: 36 + (i - 8)) { c in c.provider = [["status": "in_progress", "received_on": d(c.requestedAgo)]] } }
        // Overdue, two with a reg 8(2) exception.
        for i in 14..<22 {
            add(i, service: i, ago: 46 + (i - 14) * 4) { c in
                var p = ["status": "in_progress", "received_on": d(c.requestedAgo)]
                if i == 15 { p["exception"] = "missed_appointment"; p["exception_note"] = "two appointments not attended" }
                if i == 18 { p["exception"] = "absent_from_area"; p["exception_note"] = "family abroad for 5 weeks" }
                c.provider = [p]
            }
        }
        // Answered, on time and late; one not yet logged by the LA (advice_not_received).
        for i in 22..<29 {
            add(i, service: i, ago: 40 + (i - 22) * 3) { c in
                let submitted = c.requestedAgo - (i % 3 == 0 ? 44 : 30)
                c.provider = [["status": "in_progress", "received_on": d(c.requestedAgo)],
                              ["status": i == 25 ? "not_known" : "submitted", "submitted_on": d(max(submitted, 1))]]
                if i != 23 { c.la["Advice Received"] = d(max(submitted - 2, 0)) }
            }
        }
        // Closed (accepted) and cancelled.
        for i in 29..<32 { add(i, service: i, ago: 70 + i) { c in c.la["Status"] = "Accepted"; c.la["Advice Received"] = d(20)
            c.provider = [["status": "submitted", "submitted_on": d(25), "received_on": d(c.requestedAgo)]] } }
        add(32, service: 2, ago: 20) { c in c.la["Status"] = "Cancelled"; c.la["Cancel Reason"] = "assessment withdrawn" }
        // Cancelled while the provider was working on it: yesterday in progress, cancelled today.
        add(33, service: 0, ago: 25) { c in
            c.provider = [["status": "in_progress", "received_on": d(24)]]
            c.laYesterday = ["Status": "Sent"]
            c.la["Status"] = "Cancelled"; c.la["Cancel Reason"] = "family moved out of area"
        }
        // Disputed (two), one also overdue.
        add(34, service: 4, ago: 30) { c in c.la["Dispute"] = "Open"; c.la["Dispute Reason"] = "family disputes the CAMHS provision"
            c.provider = [["status": "in_progress", "received_on": d(29)]] }
        add(35, service: 0, ago: 60) { c in c.la["Dispute"] = "Open"; c.la["Dispute Reason"] = "mediation requested" }
        // Field mismatch: the provider thinks it is OT; the LA asked for SALT.
        add(36, service: 0, ago: 12) { c in c.provider = [["status": "acknowledged", "service": "ot", "received_on": d(11)]] }
        // Identity mismatch: the provider's date of birth differs.
        add(37, service: 1, ago: 15) { c in c.provider = [["status": "in_progress", "date_of_birth": "IDENTITY-OTHER"]] }
        // Status regression: submitted yesterday, "in progress" today.
        add(38, service: 2, ago: 33) { c in
            c.provider = [["status": "submitted", "submitted_on": d(2), "received_on": d(32)]]
            c.providerToday = [["status": "in_progress"]]
            c.la["Advice Received"] = d(1)
        }
        // Due date mismatch: the provider states a date two weeks out.
        add(39, service: 3, ago: 18) { c in c.provider = [["status": "in_progress", "received_on": d(17), "due_on": d(17 - 56)]] }
        return out
    }

    /// A valid NHS number from the 999 test range for case `n`.
    static func nhsNumber(_ n: Int) -> String {
        var k = n
        while true {
            let body = String(format: "999%06d", 100_000 + k * 37)
            if let valid = (0...9).lazy.map({ body + String($0) }).first(where: { NHSNumber.normalised($0) != nil }) {
                return valid
            }
            k += 1000
        }
    }

    static func dmy(_ iso: String) -> String {
        guard let d = CivilDate(iso: iso) else { return iso }
        let c = d.components
        return String(format: "%02d/%02d/%04d", c.day, c.month, c.year)
    }

    /// The LA export as Excel saves it: Windows-1252, CRLF, quoted where needed.
    func laExport(yesterday: Bool) -> Data {
        let header = ["Advice Ref", "EHC Ref", "Assessment Requested", "NHS No", "DOB", "Forename", "Surname", "Provider ODS",
                      "Service", "Date Sent", "Status", "Advice Received", "Returned On", "Dispute", "Dispute Reason",
                      "Cancel Reason", "Last Updated"]
        var lines = [header.map(CSVText.field).joined(separator: ",")]
        for (n, c) in cases().enumerated() {
            var row: [String: String] = [
                "Advice Ref": c.id, "EHC Ref": "EHC/\(26000 + n / 2)", "NHS No": Self.spaced(Self.nhsNumber(n)),
                "DOB": Self.dmy(today.adding(days: -(2200 + n * 97)).description), "Forename": Self.given[n % Self.given.count],
                "Surname": Self.family[n % Self.family.count], "Provider ODS": Self.provider(of: c), "Service": c.service,
                "Date Sent": Self.dmy(today.adding(days: -c.requestedAgo).description), "Status": "Sent", "Dispute": "No",
                "Assessment Requested": Self.dmy(today.adding(days: -(c.requestedAgo + 14)).description),
                "Last Updated": Self.dmy(today.adding(days: yesterday ? -1 : 0).description),
            ]
            if yesterday, let y = c.laYesterday { row.merge(y) { $1 } }
            else if !yesterday || c.laYesterday == nil { row.merge(c.la.mapValues { CivilDate(iso: $0) != nil ? Self.dmy($0) : $0 }) { $1 } }
            lines.append(header.map { CSVText.field(row[$0] ?? "") }.joined(separator: ","))
        }
        if !yesterday {
            // One row a real export might carry: a mistyped NHS number. It is skipped and listed.
            lines.append(["LA-2999", "EHC/26999", "", "999 000 0019", "01/01/2016", "Test", "Row", "RBT", "Physiotherapy",
                          Self.dmy(today.description), "Sent", "", "", "No", "", "", ""].map(CSVText.field).joined(separator: ","))
        }
        let text = lines.joined(separator: "\r\n") + "\r\n"
        return Data(text.unicodeScalars.map { Self.windows1252($0) })
    }

    /// One trust's NDJSON export: its lines for the requests it was asked, each naming
    /// the trust's ODS code.
    func providerExport(_ ods: String, yesterday: Bool) -> Data {
        var lines: [String] = []
        let stamp = Timestamp.local(today.adding(days: yesterday ? -1 : 0), minuteOfDay: 6 * 60, in: TimeZone(identifier: "Europe/London") ?? .gmt)
        for (n, c) in cases().enumerated() where Self.provider(of: c) == ods {
            let items = yesterday ? c.provider : c.providerToday
            for (k, item) in items.enumerated() {
                var obj = ["request_id": c.id, "provider_ref": "\(ods)-\(7000 + n)", "provider_ods": ods,
                           "service": Self.canonicalService[c.service] ?? "other", "nhs_number": Self.nhsNumber(n),
                           "updated_at": stamp.adding(seconds: k * 60).description]
                for (key, value) in item { obj[key] = value }
                if obj["date_of_birth"] == "IDENTITY-OTHER" { obj["date_of_birth"] = today.adding(days: -(2200 + n * 97) + 3).description }
                lines.append("{" + obj.sorted { $0.key < $1.key }.map { JSONText.quoted($0.key) + ":" + JSONText.quoted($0.value) }
                    .joined(separator: ",") + "}")
            }
        }
        if yesterday, ods == "RBT" {
            // A response for a request the LA never sent: kept and retried, an unmatched_response.
            lines.append("{\"provider_ods\":\"RBT\",\"provider_ref\":\"RBT-7999\",\"request_id\":\"LA-9999\",\"status\":\"acknowledged\",\"received_on\":\"\(today.adding(days: -3))\",\"updated_at\":\"\(stamp)\"}")
        }
        return Data((lines.joined(separator: "\n") + (lines.isEmpty ? "" : "\n")).utf8)
    }

    static func spaced(_ nhs: String) -> String {
        let u = Array(nhs)
        return String(u[0..<3]) + " " + String(u[3..<6]) + " " + String(u[6..<10])
    }

    static func windows1252(_ s: Unicode.Scalar) -> UInt8 {
        switch s.value {
        case 0..<0x80, 0xA0...0xFF: return UInt8(s.value)
        case 0x2019: return 0x92
        case 0x2018: return 0x91
        case 0x20AC: return 0x80
        default: return UInt8(ascii: "?")
        }
    }

    /// Writes one day's exports, dated so that they count as settled.
    public func drop(yesterday: Bool) throws {
        let name = yesterday ? today.adding(days: -1).description : today.description
        var files = [(dir + "/la/ehc-advice-\(name).csv", laExport(yesterday: yesterday))]
        for ods in Set(Self.providers.values).sorted() {
            let data = providerExport(ods, yesterday: yesterday)
            if !data.isEmpty { files.append((dir + "/provider/\(ods.lowercased())-\(name).ndjson", data)) }
        }
        for (path, data) in files {
            try data.write(to: URL(fileURLWithPath: path))
            let old = Date().addingTimeInterval(yesterday ? -7200 : -3600)
            try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: path)
        }
    }
}
