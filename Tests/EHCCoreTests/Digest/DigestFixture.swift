import Foundation
@testable import EHCCore

/// A fixed place on Monday 23 November 2026 with a record in every section of the
/// digest, and the identifying values that must never appear unless asked for.
enum DigestFixture {
    static let today = "2026-11-23"
    static let generatedAt = Timestamp(millis: 1_795_419_000_000)  // 2026-11-23T07:30:00Z

    /// Values that identify a child; scanned for in every rendering.
    static let identifiers = ["Amelia", "Okonkwo", "9434765919", "943 476 5919", "2019-03-14", "Siân", "Prys", "4010232137",
                              "401 023 2137", "2020-07-01"]

    static let person: FieldValues = [.given_name: "Amelia", .family_name: "Okonkwo-Smith",
                                                    .nhs_number: "9434765919", .date_of_birth: "2019-03-14"]
    static let welsh: FieldValues = [.given_name: "Siân", .family_name: "Prys",
                                                   .nhs_number: "4010232137", .date_of_birth: "2020-07-01"]

    static func records(today: String = today) -> [(AdviceState, DeadlineView)] {
        func r(_ id: String, provider: String = "RBT", service: String = "salt", due: String, answered: String? = nil,
               status: LAStatus = .requested, exception: AdviceException? = nil, la: FieldValues = [:],
               pv: FieldValues = [:]) -> (AdviceState, DeadlineView) {
            AdviceSamples.record(id, provider: provider, service: service, due: due, answered: answered, status: status,
                                 exception: exception, laFields: la, providerFields: pv, today: today)
        }
        return [
            r("R-006", service: "ot", due: "2026-12-20"),
            r("R-001", due: "2026-10-30", la: person.merging([.assessment_requested_on: "2026-08-10"]) { a, _ in a }),
            r("R-002", service: "ot", due: "2026-11-16", exception: .missed_appointment,
              pv: [.exception_note: "Two appointments missed in October"]),
            r("R-003", provider: "RXQ", service: "camhs", due: "2026-11-20",
              la: [.dispute: "open", .dispute_reason: "Family disagrees with the <section F> provision & \"hours\" of therapy",
                   .assessment_requested_on: "2026-09-28"]),
            r("R-004", due: "2026-11-26"),
            r("R-005", provider: "RXQ", service: "physio", due: "2026-11-30"),
            r("R-007", due: "2026-11-25", answered: "2026-11-22"),
            r("R-008", service: "ot", due: "2026-11-10", answered: "2026-11-20", exception: .exceptional_circumstances),
            r("R-009", provider: "RXQ", service: "camhs", due: "2026-11-05", answered: "2026-11-01"),
            r("R-010", due: "2026-10-22", status: .accepted, la: [.advice_received_on: "2026-10-20"]),
            r("R-011", due: "2026-11-01", status: .cancelled, la: [.cancel_reason: "Family moved away"]),
            r("R-012", provider: "RXQ", service: "community-paediatrics", due: "2026-12-05", answered: "2026-11-21",
              la: welsh.merging([.dispute: "open", .dispute_reason: "Tribunal: the parents appeal section F"]) { a, _ in a }),
        ]
    }

    static func input(includeIdentifiers: Bool = false) -> DigestInput {
        DigestInput(
            date: day(today), generatedAt: generatedAt, recipient: "dco", records: records(),
            openConflicts: [
                DigestConflict(id: 17, kind: .identity_mismatch, requestID: "R-001",
                               detail: "nhs_number differs between the LA and the provider", openedAt: Timestamp(millis: 1_795_338_900_000)),
                DigestConflict(id: 9, kind: .unmatched_response, requestID: nil,
                               detail: "provider_ref TR-88 matches no open request", openedAt: Timestamp(millis: 1_795_000_000_000)),
                DigestConflict(id: 21, kind: .field_mismatch, requestID: "R-004",
                               detail: "service: the LA says salt, the provider says ot", openedAt: Timestamp(millis: 1_795_340_000_000)),
            ],
            answeredSince: day("2026-11-20"),
            feeds: [
                DigestFeed(name: "la-cases", role: .la, state: .degraded, lastSuccessAt: Timestamp(millis: 1_795_418_000_000),
                           rejectedFiles: 1, rowErrors: 3, problems: [
                            FeedProblem(kind: .rowErrors, file: "ehc-advice-2026-11-23.csv", count: 3,
                                        reason: "line 42, column NHS No: fails the Modulus 11 check"),
                            FeedProblem(kind: .rejected, file: "ehc-advice-2026-11-22.csv",
                                        reason: "line 1: no column maps to request_id; add it under csv.columns"),
                           ]),
                DigestFeed(name: "la-archive", role: .la, state: .ok, lastSuccessAt: Timestamp(millis: 1_795_418_000_000)),
                DigestFeed(name: "trust-community", role: .provider, state: .failing, lastSuccessAt: Timestamp(millis: 1_795_300_000_000),
                           lastError: "HTTP 503 from https://integration.example.nhs.uk/ehc/advice", consecutiveFailures: 4),
                DigestFeed(name: "salt-drop", role: .provider, state: .stale, lastSuccessAt: Timestamp(millis: 1_795_000_000_000)),
                DigestFeed(name: "camhs", role: .provider, state: .never),
            ],
            failedNotices: [
                DigestFailedNotice(id: 42, kind: .escalation, recipient: "commissioner", channel: "icb-smtp",
                                   lastError: "STARTTLS refused by mail.example.nhs.uk", createdAt: Timestamp(millis: 1_795_250_000_000)),
            ],
            includeIdentifiers: includeIdentifiers)
    }
}

/// Compares a rendering with its golden file in `Fixtures/digest/`, or rewrites the
/// file when `EHCSYNC_UPDATE_GOLDEN=1` (then review the diff and commit it).
enum Golden {
    static var updating: Bool { ProcessInfo.processInfo.environment["EHCSYNC_UPDATE_GOLDEN"] == "1" }

    static func sourceURL(_ name: String) -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/digest/" + name)
    }

    /// `nil` when it matches (or was rewritten); else where it first differs.
    static func mismatch(_ actual: String, _ name: String) throws -> String? {
        if updating {
            try actual.write(to: sourceURL(name), atomically: true, encoding: .utf8)
            return nil
        }
        guard let dir = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else { return "no Fixtures folder in the bundle" }
        guard let expected = try? String(contentsOf: dir.appendingPathComponent("digest/" + name), encoding: .utf8) else {
            return "no golden file \(name): run with EHCSYNC_UPDATE_GOLDEN=1"
        }
        if expected == actual { return nil }
        let a = actual.components(separatedBy: "\n"), e = expected.components(separatedBy: "\n")
        for i in 0..<max(a.count, e.count) where (i < a.count ? a[i] : nil) != (i < e.count ? e[i] : nil) {
            return "\(name) line \(i + 1):\n  expected: \(i < e.count ? e[i] : "<end>")\n  actual:   \(i < a.count ? a[i] : "<end>")"
        }
        return "\(name) differs"
    }
}
