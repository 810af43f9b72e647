import EHCCore
import EHCSync
import Foundation

/// Issue 3's figures on the ingested store: planning a day's notices, building and
/// rendering the DCO's digest and producing the quarterly report. Reading the records
/// from the store is timed apart from the pure work, so each figure says what it is.
struct NoticeBenchmark {
    let db: AppDatabase
    let config: AppConfig
    let today: CivilDate

    struct Figures {
        var today: CivilDate
        var load: Double, plan: Double, digestBuild: Double, digestText: Double, digestHTML: Double, report: Double
        var records: Int, items: Int, overdue: Int, reportRows: Int

        /// The figures as the benchmark prints them.
        var lines: [String] {
            [
                "notices, digest and report on this store (\(records) records, as on \(today))",
                String(format: "  read records    %.2f s (the store read every one of these needs)", load),
                String(format: "  plan notices    %.3f s (%d items)", plan, items),
                String(format: "  digest          %.3f s build, %.3f s text, %.3f s HTML (%d overdue)", digestBuild, digestText, digestHTML, overdue),
                String(format: "  quarter report  %.3f s (%d rows)", report, reportRows),
                "  target (issue 3): each under 1 s on 1,000,000 records",
            ]
        }
    }

    /// `--notices-only`: the figures alone, on the store a kept run left in `dir`.
    static func run(kept dir: String) throws {
        let place = try BenchPlace.existing(dir)
        let db: AppDatabase
        do { db = try AppDatabase(path: place.storePath) } catch { throw BenchError("\(error)") }
        let figures = try NoticeBenchmark(db: db, config: try place.loadConfig(), today: IngestBenchmark.reference.adding(days: 2)).run()
        figures.lines.forEach { print($0) }
    }

    func run() throws -> Figures {
        let rules = config.adviceRules
        var t = ContinuousClock.now
        let items = try AdviceQuery.list(db, rules: rules, today: today, dueSoonDays: config.notices.dueSoonDays)
        let load = seconds(since: t)
        let records = items.map { ($0.state, $0.view) }

        let policy = NoticePolicy(
            remindersBeforeDueDays: [14, 7, 2],
            escalations: [.init(afterDueDays: 1, level: 1, to: ["dco"]), .init(afterDueDays: 14, level: 2, to: ["dco", "commissioner"])],
            conflictsTo: ["dco"], disputesTo: ["dco"],
            teams: [.init(name: "salt-team", match: [.service: "salt"])], fallback: "dco")
        t = ContinuousClock.now
        let planned = NoticePlanner(policy: policy, rules: rules).planSideBySide(records: records, conflicts: [], recorded: [], today: today)
        let plan = seconds(since: t)

        t = ContinuousClock.now
        let digest = DigestBuilder.build(DigestInput(date: today, generatedAt: Timestamp(Date()), recipient: "dco", records: records))
        let digestBuild = seconds(since: t)
        t = ContinuousClock.now
        let text = digest.text()
        let digestText = seconds(since: t)
        t = ContinuousClock.now
        let html = digest.html()
        let digestHTML = seconds(since: t)
        precondition(!text.isEmpty && !html.isEmpty)

        t = ContinuousClock.now
        let rows = OnTimeReport.rows(records: records, from: today.quarterStart, to: today, by: .provider, today: today)
        let report = seconds(since: t)
        return Figures(today: today, load: load, plan: plan, digestBuild: digestBuild, digestText: digestText, digestHTML: digestHTML,
                       report: report, records: records.count, items: planned.count, overdue: digest.summary.overdue,
                       reportRows: rows.count)
    }

    func seconds(since start: ContinuousClock.Instant) -> Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
