import Foundation

/// The crash-consistency harness's independent oracle: what the store and the
/// receivers must hold, worked out here from the generated input alone, by SPEC §4 and
/// §5 as they apply to the simple data the harness generates. It calls nothing of the
/// product: a fault in the reconciler cannot hide behind the same fault here.
///
/// The generated LA rows state every varied field (never an empty cell), vary the LA
/// status only between `requested` and `cancelled` (both moves are allowed by rule 5:
/// cancelled from any point, requested after cancelled reopens), and never repeat an
/// `updated_at` for one request. So the newest row by `updated_at` is the record, and in
/// the order files are taken each row is created (first of its request), stale (older
/// than the newest applied before it: rule 2), unchanged (same values as that one) or
/// updated.
enum CrashOracle {
    /// The fields the harness varies, as canonical names.
    static let variedFields = ["case_ref", "service", "requested_on", "status"]

    /// One generated row of an LA feed.
    struct Row: Equatable {
        var requestID: String
        var caseRef: String
        var service: String
        var requestedOn: String
        var status: String
        /// Seconds since 1970.
        var updatedAt: Int64

        var values: [String: String] {
            ["case_ref": caseRef, "service": service, "requested_on": requestedOn, "status": status]
        }

        /// The row under `SampleExport.laHeader`, NHS number and date of birth fixed per request.
        func csv(nhs: String) -> String {
            SampleExport.laRow(requestID, caseRef: caseRef, nhs: nhs, service: service, requestedOn: requestedOn, status: status,
                               updatedAt: CrashOracle.rfc3339(updatedAt))
        }
    }

    enum Outcome: String { case created, updated, unchanged, stale }

    /// What the store must end with after taking `files` in order.
    struct Expected {
        /// The newest row of each request.
        var records: [String: Row] = [:]
        /// The outcome of each row, by file index then row index.
        var outcomes: [[Outcome]] = []
    }

    /// Replays the files in the order they are taken.
    static func replay(_ files: [[Row]]) -> Expected {
        var expected = Expected()
        for file in files {
            var outcomes: [Outcome] = []
            for row in file {
                if let newest = expected.records[row.requestID] {
                    if row.updatedAt < newest.updatedAt {
                        outcomes.append(.stale)
                    } else {
                        outcomes.append(row.values == newest.values ? .unchanged : .updated)
                        expected.records[row.requestID] = row
                    }
                } else {
                    outcomes.append(.created)
                    expected.records[row.requestID] = row
                }
            }
            expected.outcomes.append(outcomes)
        }
        return expected
    }

    /// `2026-03-01T08:00:00Z` for seconds since 1970, by Foundation's own formatter.
    static func rfc3339(_ seconds: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }

    /// Seconds since 1970 of a `YYYY-MM-DD` day at `hour` UTC.
    static func seconds(_ day: String, hour: Int = 0) -> Int64 {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        formatter.timeZone = TimeZone(identifier: "UTC")
        let date = formatter.date(from: day) ?? Date(timeIntervalSince1970: 0)
        return Int64(date.timeIntervalSince1970) + Int64(hour) * 3600
    }

    /// `YYYY-MM-DD` of a day `days` after `day`.
    static func day(_ day: String, plus days: Int) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        formatter.timeZone = TimeZone(identifier: "UTC")
        let date = formatter.date(from: day) ?? Date(timeIntervalSince1970: 0)
        return formatter.string(from: date.addingTimeInterval(Double(days) * 86_400))
    }

    /// True for Monday to Friday.
    static func isWeekday(_ day: String) -> Bool {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .gmt
        let weekday = calendar.component(.weekday, from: Date(timeIntervalSince1970: TimeInterval(seconds(day))))
        return weekday != 1 && weekday != 7
    }

    // MARK: Notices

    /// One notice item a receiver must get: its kind, recipient, request (none for a
    /// digest) and step (a reminder's days before due, an escalation's level, a
    /// digest's day).
    struct NoticeItem: Hashable, Comparable, CustomStringConvertible {
        var kind: String
        var recipient: String
        var requestID: String
        var step: String

        var description: String { "\(kind) \(recipient) \(requestID) \(step)" }
        static func < (a: Self, b: Self) -> Bool { a.description < b.description }
    }

    /// Every item SPEC §5 plans for requests sent to RBT on `requestedOn` (by id), when
    /// a cycle runs on each of `days` (ascending, each a day on which some step falls due,
    /// so no step is ever skipped and none supersedes another): reminders 14, 7 and 2
    /// days before the statutory due date (`requested_on` + 6 weeks) to the team whose
    /// `for` matches (salt-team for SALT, else the DCO), escalation level 1 a day after
    /// it to the DCO, level 2 fourteen days after to the DCO and the commissioner; and a
    /// digest to the DCO on each weekday run (runs are after 07:30 London).
    static func notices(requests: [(id: String, service: String, requestedOn: String)], days: [String]) -> Set<NoticeItem> {
        let visited = Set(days)
        var items = Set<NoticeItem>()
        for r in requests {
            let due = day(r.requestedOn, plus: 42)
            let team = r.service == "salt" ? "salt-team" : "dco"
            for before in [14, 7, 2] where visited.contains(day(due, plus: -before)) {
                items.insert(NoticeItem(kind: "reminder", recipient: team, requestID: r.id, step: String(before)))
            }
            if visited.contains(day(due, plus: 1)) {
                items.insert(NoticeItem(kind: "escalation", recipient: "dco", requestID: r.id, step: "1"))
            }
            if visited.contains(day(due, plus: 14)) {
                items.insert(NoticeItem(kind: "escalation", recipient: "dco", requestID: r.id, step: "2"))
                items.insert(NoticeItem(kind: "escalation", recipient: "commissioner", requestID: r.id, step: "2"))
            }
        }
        for d in days where isWeekday(d) {
            items.insert(NoticeItem(kind: "digest", recipient: "dco", requestID: "", step: d))
        }
        return items
    }

    /// The days a notice step falls due for these request dates, ascending.
    static func noticeDays(requestedOn dates: [String]) -> [String] {
        var days = Set<String>()
        for r in dates {
            let due = day(r, plus: 42)
            for offset in [-14, -7, -2, 1, 14] { days.insert(day(due, plus: offset)) }
        }
        return days.sorted()
    }
}
