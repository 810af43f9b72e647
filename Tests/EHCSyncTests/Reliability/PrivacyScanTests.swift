import Foundation
import Testing

/// The scanner itself: it must find what it is asked to find, in every form the outputs
/// carry it, and nothing else. A scanner that cannot find a leak would pass any run.
@Suite struct PrivacyScanTests {
    static let scan = PrivacyScan(nhsNumbers: ["943 476 5919", "9990000018"], names: ["Oluwaseun", "Featherstonehaugh", "Mary Ellen"],
                                  secrets: ["s3cret-token-4b7d1e", "hunter2-password"])

    func kinds(_ text: String) -> [String] {
        Self.scan.findings(in: text, source: "t").map { "\($0.kind.rawValue) \($0.value)" }
    }

    @Test(arguments: [
        ("nhs 9434765919 here", "NHS number 9434765919"),
        ("nhs=9434765919", "NHS number 9434765919"),
        ("NHS No 943 476 5919.", "NHS number 9434765919"),
        ("943-476-5919", "NHS number 9434765919"),
        ("943 476-5919", "NHS number 9434765919"),
        ("<td>999 000 0018</td>", "NHS number 9990000018"),
        ("Dear OLUWASEUN,", "name oluwaseun"),
        ("featherstonehaugh's", "name featherstonehaugh"),
        ("ellen", "name ellen"),
        ("Authorization: Bearer s3cret-token-4b7d1e", "secret s3cret-token-4b7d1e"),
        ("pw=xhunter2-passwordx", "secret hunter2-password"),
    ])
    func findsEachForm(_ text: String, _ want: String) {
        #expect(kinds(text) == [want], "in '\(text)'")
    }

    @Test(arguments: [
        "1763800000000 ms: 9434765919123 is longer", "19434765919", "943 476 59190", "9434 765 919", "943  476  5919",
        "Oluwaseuns", "featherstonehaughx", "maryellen and mar", "s3cret-token", "hunter2",
        "sha256 a9434765919b" /* digits inside a hex word still count: see below */,
    ])
    func findsNothingElse(_ text: String) {
        let found = kinds(text)
        if text.hasPrefix("sha256") {
            #expect(found == ["NHS number 9434765919"], "ten digits between letters are still a number")
        } else {
            #expect(found.isEmpty, "in '\(text)': \(found)")
        }
    }

    @Test func findsWhatEncodingsHide() {
        // A quoted-printable soft line break inside a name and an NHS number, as `.eml` bodies wrap.
        #expect(kinds("Child: Feather=\nstonehaugh") == ["name featherstonehaugh"])
        #expect(kinds("No: 94347=\r\n65919") == ["NHS number 9434765919"])
        #expect(kinds("=4Fluwaseun") == ["name oluwaseun"], "=4F is O")
        // JSON escapes, as a webhook body may carry them.
        #expect(kinds(#"{"n":"\u004fluwaseun","s":"s3cret\/token"}"#) == ["name oluwaseun"])
        #expect(kinds(#"{"secret":"s3cret-token-4b7d1e\n"}"#) == ["secret s3cret-token-4b7d1e"])
        // An RFC 2047 header.
        #expect(kinds("Subject: =?UTF-8?Q?Oluwaseun_Featherstonehaugh?=") == ["name oluwaseun", "name featherstonehaugh"])
        #expect(kinds("Subject: =?UTF-8?B?\(Data("Oluwaseun".utf8).base64EncodedString())?=") == ["name oluwaseun"])
    }

    @Test func reportsWhereAndMasksWhat() {
        let findings = Self.scan.findings(in: "one\ntwo 9434765919\nthree", source: "stderr")
        #expect(findings.count == 1)
        #expect(findings.first?.line == 2)
        let text = PrivacyScan.report(findings)
        #expect(text.contains("stderr:2: NHS number 943…19 (10 chars)"), "\(text)")
        #expect(!text.contains("9434765919"), "a report does not spread the value")
    }

    @Test func secretFormsCoverWhatTravels() {
        let webhook = "whsec_" + Data("key-bytes-0123456789".utf8).base64EncodedString()
        #expect(PrivacyScan.secretForms(of: webhook + "\n") == [webhook + "\n", webhook, String(webhook.dropFirst(6))])
        #expect(PrivacyScan.basicCredential(user: "ehcsync", password: "pw") == "ZWhjc3luYzpwdw==")
    }

    @Test func scansFilesInATree() throws {
        let dir = FileManager.default.temporaryDirectory.path + "/ehcsync-scan-" + UUID().uuidString.prefix(12)
        try FileManager.default.createDirectory(atPath: dir + "/a/b", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "clean\n".write(toFile: dir + "/a/clean.txt", atomically: true, encoding: .utf8)
        try "x\n9990000018\n".write(toFile: dir + "/a/b/leak.errors.txt", atomically: true, encoding: .utf8)
        try "9990000018".write(toFile: dir + "/a/b/skipped.csv", atomically: true, encoding: .utf8)
        let result = Self.scan.findings(inTree: dir) { $0.hasSuffix(".txt") }
        #expect(result.files.count == 2)
        #expect(result.findings.map(\.description) == ["\(dir)/a/b/leak.errors.txt:2: NHS number 999…18 (10 chars)"])
    }
}
