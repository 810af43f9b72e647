import Foundation
import Testing
@testable import EHCCore

@Suite struct ValidationTests {
    @Test(arguments: [("943 476 5919", "9434765919"), ("9434765919", "9434765919"), ("999-000-0018", "9990000018"),
                      ("0012345679", "0012345679"), ("001 234 5679", "0012345679")])
    func validNHSNumbersNormalise(input: String, expected: String) {
        #expect(NHSNumber.normalised(input) == expected)
        #expect(NHSNumber.normalised(("x" + input + "y").dropFirst().dropLast()) == expected)  // a substring
    }

    @Test(arguments: ["9434765918", "943476591", "94347659190", "943476591X", "", "1000000010"])
    func invalidNHSNumbersFailModulus11(input: String) {
        #expect(NHSNumber.normalised(input) == nil)
    }

    @Test(arguments: [("dd/MM/yyyy", "05/03/2026", "2026-03-05"), ("d/M/yyyy", "5/3/2026", "2026-03-05"),
                      ("d/M/yyyy", "15/12/2026", "2026-12-15"), ("yyyyMMdd", "20260305", "2026-03-05"),
                      ("dd.MM.yyyy", "29.02.2024", "2024-02-29")])
    func datePatternsParse(pattern: String, text: String, expected: String) throws {
        let p = try #require(DatePattern(pattern))
        #expect(p.parse(text)?.description == expected)
    }

    @Test(arguments: [("dd/MM/yyyy", "31/02/2026"), ("dd/MM/yyyy", "2026-03-05x"), ("dd/MM/yyyy", "5/3/26"),
                      ("dd/MM/yyyy", "29/02/2023")])
    func impossibleDatesAreErrors(pattern: String, text: String) throws {
        let p = try #require(DatePattern(pattern))
        #expect(p.parse(text) == nil)
    }

    @Test(arguments: ["dd/MM/yy", "MM/yyyy", "dd/MM/yyyy HH", "ddd/MM/yyyy"])
    func badPatternsAreRefused(pattern: String) {
        #expect(DatePattern(pattern) == nil)
    }

    @Test func isoDatesAreAlwaysAcceptedBesideThePattern() throws {
        let mapping = RecordMapping(role: .la, datePattern: DatePattern("dd/MM/yyyy"))
        #expect(try mapping.canonical(.requested_on, "2026-03-05").get() == "2026-03-05")
        #expect(try mapping.canonical(.requested_on, "05/03/2026").get() == "2026-03-05")
    }

    @Test(arguments: [
        ("2026-03-29T01:30:00Z", "2026-03-29T01:30:00Z"),
        ("2026-03-29T03:30:00+01:00", "2026-03-29T02:30:00Z"),
        ("2026-06-01T09:00:00", "2026-06-01T08:00:00Z"),        // BST, no offset: local time
        ("2026-12-01 09:00:00", "2026-12-01T09:00:00Z"),        // GMT
        ("2026-03-29T01:30:00", "2026-03-29T01:30:00Z"),        // in the spring gap: offset before the change
        ("2026-10-25T01:30:00", "2026-10-25T00:30:00Z"),        // in the autumn overlap: first occurrence
        ("2026-06-01T09:00:00.250Z", "2026-06-01T09:00:00.250Z"),
    ])
    func timestampsWithoutOffsetAreLocalLondonTime(input: String, expected: String) throws {
        let zone = try #require(TimeZone(identifier: "Europe/London"))
        #expect(Timestamp.parse(input, zone: zone)?.description == expected)
    }

    @Test(arguments: ["2026-06-01", "2026-06-01T25:00:00Z", "yesterday", "2026-06-01T09:00:00+1"])
    func badTimestampsAreRefused(input: String) throws {
        let zone = try #require(TimeZone(identifier: "Europe/London"))
        #expect(Timestamp.parse(input, zone: zone) == nil)
    }

    @Test(arguments: [(Role.la, "submitted", false), (.la, "requested", true), (.provider, "accepted", false),
                      (.provider, "In_Progress", true), (.la, "done", false)])
    func statusValuesAreCheckedAgainstTheFeedsSide(role: Role, value: String, ok: Bool) {
        let mapping = RecordMapping(role: role)
        let accepted = (try? mapping.canonical(.status, value).get()) != nil
        #expect(accepted == ok)
    }

    @Test func localValuesMapThroughTheValuesTable() throws {
        let mapping = RecordMapping(role: .la, values: [.service: ["Speech & Language": "salt"], .status: ["Sent": "requested"]])
        #expect(try mapping.canonical(.service, " speech & language ").get() == "salt")
        #expect(try mapping.canonical(.status, "SENT").get() == "requested")
        #expect(try mapping.canonical(.status, "Sent").get() == "requested")
        #expect(try mapping.canonical(.status, "sent").get() == "requested")
        #expect(try mapping.canonical(.service, "Speech & Language").get() == "salt")
        #expect((try? mapping.canonical(.service, "Podiatry").get()) == nil)
        // Values outside the table are folded as before.
        #expect(try mapping.canonical(.service, "SALT").get() == "salt")
        #expect(try mapping.canonical(.status, "Cancelled").get() == "cancelled")
    }

    /// Keys differing only by case fold to one value, whichever way a row writes it.
    @Test func keysDifferingOnlyByCaseMapAlike() throws {
        let mapping = RecordMapping(role: .la, values: [.status: ["Sent": "requested", "SENT": "cancelled"]])
        let folded = try mapping.canonical(.status, "sent").get()
        #expect(try mapping.canonical(.status, "Sent").get() == folded)
        #expect(try mapping.canonical(.status, "SENT").get() == folded)
    }

    @Test func personalValuesAreNeverEchoedInErrors() {
        let mapping = RecordMapping(role: .la)
        guard case .failure(let p) = mapping.canonical(.nhs_number, "9434765918") else { Issue.record("accepted a bad NHS number"); return }
        #expect(!p.message.contains("9434765918"))
        guard case .failure(let d) = mapping.canonical(.date_of_birth, "31/02/2015") else { Issue.record("accepted a bad date"); return }
        #expect(!d.message.contains("31/02/2015"))
    }

    @Test func rowsNeedARequestIDFromTheLA() {
        let mapping = RecordMapping(role: .la)
        let result = mapping.observation(line: 7, pairs: [(.case_ref, "EHC1", column: "case_ref")])
        #expect(throws: RowError.self) { try result.get() }
        if case .failure(let e) = result { #expect(e.line == 7 && e.field == "request_id") }
    }
}

@Suite struct TrimTests {
    @Test(arguments: [("  a b \t", "a b"), ("abc", "abc"), ("\r\nx\n", "x"), ("   ", ""), ("", ""),
                      ("\u{00A0}LA-1\u{00A0}", "LA-1"), ("é ", "é"), (" Zoë", "Zoë"),
                      ("\u{2003}Zoë\u{3000}", "Zoë"), ("Zoë\u{0085}", "Zoë"), (" \u{00A0} x\u{202F}", "x"),
                      ("Ø", "Ø"), ("Renée", "Renée"), ("José\u{0301}", "José\u{0301}"), ("\u{00A0}", "")])
    func trimsWhiteSpaceIncludingNoBreakSpaces(input: String, expected: String) {
        #expect(input.trimmedASCIIWhitespace == expected)
    }

    @Test(arguments: [("salt", "salt"), ("SALT", "salt"), ("Sent", "sent"), ("in_progress", "in_progress"),
                      ("ÉTÉ", "été"), ("", ""), ("a-Z", "a-z")])
    func lowerCasesOnlyWhenNeeded(input: String, expected: String) {
        #expect(input.lowercasedIfNeeded == expected)
    }
}

/// Local times are turned into instants through a cache of whole local hours
/// (`LocalOffsetCache`, owned by the caller); it must give what asking the zone each time gives, including
/// around clock changes, in zones that change by half an hour or sit at a half hour,
/// before 1970, and with zones taking turns.
@Suite struct LocalOffsetCacheTests {
    /// The offset as worked out without the cache (the rule `Timestamp.offset` states).
    static func uncached(_ local: Int64, _ zone: TimeZone) -> Int {
        func at(_ utc: Int64) -> Int { zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(utc))) }
        let before = at(local - 43_200), after = at(local + 43_200)
        if at(local - Int64(before)) == before { return before }
        if at(local - Int64(after)) == after { return after }
        return before
    }

    @Test(arguments: ["Europe/London", "Australia/Lord_Howe", "Asia/Kolkata", "America/St_Johns"])
    func cachedOffsetsMatchTheZoneEveryQuarterHour(identifier: String) throws {
        let zone = try #require(TimeZone(identifier: identifier))
        let other = try #require(TimeZone(identifier: identifier == "Europe/London" ? "Asia/Kolkata" : "Europe/London"))
        // 2026 in full, and a stretch of 1968-69 (British Standard Time, before the epoch).
        let starts: [Int64] = [1_767_225_600 - 86_400, -47_000_000]
        let cache = LocalOffsetCache()
        var mismatches: [String] = []
        // Forwards, then backwards: a wrongly kept hour shows whichever side is asked first.
        let steps = Array(0..<(366 * 96))
        for start in starts {
            for step in steps + steps.reversed() {
                let local = start + Int64(step) * 900 + Int64(step % 7) * 61
                let expected = Self.uncached(local, zone)
                for _ in 0..<2 where Timestamp.offset(ofLocal: local, in: zone, cache: cache) != expected {
                    mismatches.append("\(identifier) local \(local)")
                }
                // Another zone in between: the cache is for one zone at a time.
                if step % 500 == 0, Timestamp.offset(ofLocal: local, in: other, cache: cache) != Self.uncached(local, other) {
                    mismatches.append("\(other.identifier) local \(local)")
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    /// A mapping reads local times the same with its cache as without one, across the
    /// spring gap and the autumn overlap, and the cache is filled by reading.
    @Test(arguments: ["2026-03-29 00:30", "2026-03-29 01:30", "2026-03-29 02:30", "2026-10-25 00:30",
                      "2026-10-25 01:30", "2026-10-25 02:30", "2026-06-01T09:12:00", "1960-01-01T00:59:59.999"])
    func aMappingReadsTheSameWithACache(text: String) throws {
        let london = try #require(TimeZone(identifier: "Europe/London"))
        var cached = RecordMapping(role: .la, timeZone: london)
        let plain = cached
        cached.offsetCache = LocalOffsetCache()
        for _ in 0..<2 {
            let a = try cached.timestamp(text).get(), b = try plain.timestamp(text).get()
            #expect(a == b, "\(text)")
            #expect(Timestamp.parse(text.replacingOccurrences(of: " ", with: "T"), zone: london, cache: cached.offsetCache)
                    == Timestamp.parse(text.replacingOccurrences(of: " ", with: "T"), zone: london))
        }
    }
}
