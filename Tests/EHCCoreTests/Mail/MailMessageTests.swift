import Foundation
import Testing
@testable import EHCCore

@Suite struct MailMessageTests {
    static let digest = DigestBuilder.build(DigestFixture.input())

    static func message(subject: String = digest.subject, text: String = digest.text(), html: String = digest.html(),
                        from: String = "EHC Sync <ehcsync@example.nhs.uk>",
                        to: [String] = ["dco@example.nhs.uk"]) -> MailMessage {
        MailMessage(from: from, to: to, subject: subject, date: Timestamp(millis: 1_795_419_000_000),
                    messageID: "<digest-dco-2026-11-23@ehcsync.local>", text: text, html: html)
    }

    /// Python's `email` package as an independent parser: what a mail client would see.
    static func parsedByPython(_ data: Data) throws -> [String: Any] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ehcsync-mail-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("message.eml")
        try data.write(to: file)
        let script = """
            import sys, json, email
            from email import policy
            m = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=policy.default)
            parts = {}
            for p in m.walk():
                if not p.is_multipart():
                    parts[p.get_content_type()] = {"content": p.get_content(), "cte": p["Content-Transfer-Encoding"],
                                                   "charset": p.get_content_charset()}
            defects = [str(d) for d in m.defects]
            for p in m.walk():
                defects += [str(d) for d in p.defects]
            for k in m.keys():
                defects += [str(d) for d in getattr(m[k], "defects", ())]
            print(json.dumps({
                "subject": str(m["subject"]), "from": str(m["from"]), "to": str(m["to"]),
                "from_name": m["from"].addresses[0].display_name, "from_addr": m["from"].addresses[0].addr_spec,
                "to_addrs": [a.addr_spec for a in m["to"].addresses],
                "message_id": m["message-id"], "date": m["date"].datetime.isoformat(),
                "mime": m["mime-version"], "auto": m["auto-submitted"], "type": m.get_content_type(),
                "parts": parts, "defects": defects, "headers": list(m.keys())}))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, file.path]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw PythonFailed(message: String(decoding: errors, as: UTF8.self))
        }
        return try #require(JSONSerialization.jsonObject(with: output) as? [String: Any])
    }

    struct PythonFailed: Error, CustomStringConvertible {
        var message: String
        var description: String { "python3 failed: \(message)" }
    }

    /// MIME text is CRLF on the wire; compare with the LF text we rendered.
    static func lf(_ s: Any?) -> String? { (s as? String)?.replacingOccurrences(of: "\r\n", with: "\n") }

    static func part(_ parsed: [String: Any], _ type: String) -> [String: Any]? {
        (parsed["parts"] as? [String: Any])?[type] as? [String: Any]
    }

    @Test func pythonReadsTheDigestBackExactly() throws {
        let m = Self.message()
        let parsed = try Self.parsedByPython(m.rfc5322())
        #expect(parsed["subject"] as? String == m.subject)
        #expect(parsed["message_id"] as? String == "<digest-dco-2026-11-23@ehcsync.local>")
        #expect(parsed["from_name"] as? String == "EHC Sync")
        #expect(parsed["from_addr"] as? String == "ehcsync@example.nhs.uk")
        #expect(parsed["to_addrs"] as? [String] == ["dco@example.nhs.uk"])
        #expect(parsed["date"] as? String == "2026-11-23T07:30:00+00:00")
        #expect(parsed["mime"] as? String == "1.0")
        #expect(parsed["auto"] as? String == "auto-generated")
        #expect(parsed["type"] as? String == "multipart/alternative")
        #expect(Self.lf(Self.part(parsed, "text/plain")?["content"]) == m.text)
        #expect(Self.lf(Self.part(parsed, "text/html")?["content"]) == m.html)
        #expect(Self.part(parsed, "text/plain")?["cte"] as? String == "quoted-printable")
        #expect(Self.part(parsed, "text/html")?["charset"] as? String == "utf-8")
        #expect((parsed["defects"] as? [String]) == [])
        #expect(parsed["headers"] as? [String] == ["From", "To", "Subject", "Date", "Message-ID", "MIME-Version",
                                                   "Auto-Submitted", "X-Auto-Response-Suppress", "Content-Type"])
    }

    @Test(arguments: [
        "Disputed: Siân’s advice — “urgent” ✓",
        "日本語の件名とても長い件名日本語の件名とても長い件名日本語の件名とても長い件名日本語の件名",
        "EHC Sync: " + String(repeating: "overdue ", count: 30),
        "A word far too long to fold " + String(repeating: "x", count: 120),
        "Looks like =?UTF-8?B?SGk=?= an encoded word",
        "Family emoji 👨‍👩‍👧‍👦 and accents é è ê",
    ])
    func nonASCIIAndLongSubjectsDecodeToTheOriginal(subject: String) throws {
        let m = Self.message(subject: subject, text: "Body é\n", html: "<p>Body é</p>\n")
        let data = m.rfc5322()
        let parsed = try Self.parsedByPython(data)
        #expect(parsed["subject"] as? String == subject)
        #expect((parsed["defects"] as? [String]) == [])
        let head = String(decoding: data, as: UTF8.self).components(separatedBy: "\r\n\r\n")[0]
        for line in head.components(separatedBy: "\r\n") {
            #expect(line.utf8.count <= 78, "header line of \(line.utf8.count): \(line)")
            #expect(line.utf8.allSatisfy { $0 < 0x80 }, "raw non-ASCII in a header: \(line)")
        }
    }

    @Test func displayNamesAreEncodedOrQuoted() throws {
        let m = Self.message(from: "Équipe EHC, Nord <ehc@example.nhs.uk>",
                             to: ["\"Smith, Jo\" <jo@example.nhs.uk>", "plain@example.nhs.uk", "Dr Zoë Ångström <zoe@example.nhs.uk>"])
        let parsed = try Self.parsedByPython(m.rfc5322())
        #expect(parsed["from_name"] as? String == "Équipe EHC, Nord")
        #expect(parsed["from_addr"] as? String == "ehc@example.nhs.uk")
        #expect(parsed["to_addrs"] as? [String] == ["jo@example.nhs.uk", "plain@example.nhs.uk", "zoe@example.nhs.uk"])
        #expect((parsed["to"] as? String)?.contains("Dr Zoë Ångström") == true)
        #expect((parsed["to"] as? String)?.contains("Smith, Jo") == true)
    }

    @Test func lineBreaksInHeaderInputCannotAddHeaders() throws {
        let m = MailMessage(from: "EHC Sync <ehcsync@example.nhs.uk>\r\nBcc: thief@example.com",
                            to: ["dco@example.nhs.uk\nBcc: thief@example.com"],
                            subject: "Digest\r\nBcc: thief@example.com\r\n\r\nInjected body",
                            date: Timestamp(millis: 0), messageID: "<x@y>\r\nBcc: thief@example.com",
                            text: "text", html: "<p>html</p>")
        let data = m.rfc5322()
        let parsed = try Self.parsedByPython(data)
        let headers = try #require(parsed["headers"] as? [String])
        #expect(!headers.contains("Bcc"))
        #expect(headers.count == 9)
        #expect(Self.lf(Self.part(parsed, "text/plain")?["content"]) == "text")
        #expect((parsed["subject"] as? String)?.contains("Injected body") == true)  // kept, but on the Subject line
    }

    @Test func everyLineEndsInCRLFAndFitsIn998Octets() {
        var input = DigestFixture.input()
        input.records[3].0.la[.dispute_reason] = String(repeating: "é", count: 3000) + "   "
        let d = DigestBuilder.build(input)
        let text = d.text() + "trailing spaces   \nand tab\t\n.\n.leading dot\nFrom here\n= sign\n"
        let data = Self.message(text: text, html: d.html()).rfc5322()
        let bytes = [UInt8](data)
        var lineLength = 0
        for (i, b) in bytes.enumerated() {
            if b == 0x0A {
                #expect(i > 0 && bytes[i - 1] == 0x0D, "bare LF at \(i)")
                lineLength = 0
            } else {
                if b == 0x0D { #expect(i + 1 < bytes.count && bytes[i + 1] == 0x0A, "bare CR at \(i)") }
                lineLength += 1
                #expect(lineLength <= 999, "line over 998 octets at \(i)")
            }
        }
        #expect(bytes.suffix(2) == [0x0D, 0x0A])
        #expect(bytes.allSatisfy { $0 < 0x80 }, "the whole message is 7-bit")
    }

    @Test func bodiesWithOddLinesRoundTripThroughPython() throws {
        let text = "trailing spaces   \nand tab\t\n.\n.leading dot\nFrom here\n= sign ==\n"
            + String(repeating: "long line with é and = and spaces ", count: 20) + "\n\nlast line without newline"
        let html = "<p>A&amp;B</p>\n<p>" + String(repeating: "ünïcödé ", count: 100) + "</p>"
        let m = Self.message(text: text, html: html)
        let parsed = try Self.parsedByPython(m.rfc5322())
        #expect(Self.lf(Self.part(parsed, "text/plain")?["content"]) == text)
        #expect(Self.lf(Self.part(parsed, "text/html")?["content"]) == html)
    }

    @Test func theSameNoticeGivesTheSameBytes() {
        #expect(Self.message().rfc5322() == Self.message().rfc5322())
        let other = MailMessage(from: "a@b", to: ["c@d"], subject: "s", date: Timestamp(millis: 0), messageID: "<other@x>",
                                text: "t", html: "h")
        #expect(MailMessage.boundary(for: "<other@x>", avoiding: []) != MailMessage.boundary(for: "<digest@x>", avoiding: []))
        #expect(!other.rfc5322().isEmpty)
    }

    @Test func theBoundaryAvoidsTheBodies() {
        let base = MailMessage.boundary(for: "<m@x>", avoiding: [])
        let clash = Array(("--" + base).utf8)
        #expect(MailMessage.boundary(for: "<m@x>", avoiding: [clash]) == base + "_1")
    }

    @Test(arguments: [
        (Int64(1_795_419_000_000), 0, "Mon, 23 Nov 2026 07:30:00 +0000"),
        (Int64(1_774_765_800_000), 3600, "Sun, 29 Mar 2026 07:30:00 +0100"),
        (Int64(0), -18_000, "Wed, 31 Dec 1969 19:00:00 -0500"),
        (Int64(1_792_913_400_000), 19_800, "Sun, 25 Oct 2026 13:00:00 +0530"),
    ])
    func datesInRFC5322Form(millis: Int64, offset: Int, expected: String) {
        #expect(MailDate.format(Timestamp(millis: millis), offsetSeconds: offset) == expected)
    }

    @Test func theDateHeaderFollowsTheZone() throws {
        let london = try #require(TimeZone(identifier: "Europe/London"))
        let summer = MailMessage(from: "a@b", to: ["c@d"], subject: "s", date: Timestamp(millis: 1_790_000_000_000),
                                 messageID: "<m@x>", text: "t", html: "h")
        #expect(String(decoding: summer.rfc5322(in: london), as: UTF8.self).contains("\r\nDate: Mon, 21 Sep 2026 15:13:20 +0100\r\n"))
    }

    @Test(arguments: [
        ("a=b", "a=3Db"),
        ("trailing ", "trailing=20"),
        ("tab\t", "tab=09"),
        (".dot", "=2Edot"),
        ("é", "=C3=A9"),
        ("a\nb", "a\r\nb"),
        ("a\r\nb\rc", "a\r\nb\r\nc"),
    ])
    func quotedPrintableRules(input: String, expected: String) {
        #expect(String(decoding: QuotedPrintable.encode(input), as: UTF8.self) == expected)
    }

    @Test func quotedPrintableSoftBreaksAt76() {
        let encoded = String(decoding: QuotedPrintable.encode(String(repeating: "é", count: 100) + String(repeating: "a", count: 200)),
                             as: UTF8.self)
        for line in encoded.components(separatedBy: "\r\n") { #expect(line.utf8.count <= 76) }
        #expect(!encoded.contains("=\r\n\r\n"))
    }
}
