import EHCCore
import Foundation
import Testing
@testable import EHCSync

/// The reconciler's rules (SPEC §4) run end to end from scenario folders: real files
/// dropped into real folders, the real engine, a real store. Each folder under
/// `Fixtures/scenarios/` says what it drops in each cycle and what the store must then
/// hold (see `ScenarioFolder`).
@Suite struct ReconcilerScenarioTests {
    @Test func scenarioFoldersArePresent() {
        let names = ScenarioFolder.all().map(\.name)
        #expect(names.count >= 4, "scenario folders found: \(names)")
    }

    @Test(arguments: ScenarioFolder.all())
    func scenarioReachesItsExpectedOutcome(_ scenario: ScenarioFolder) async throws {
        let spec = try scenario.spec()
        let folder = try scenario.url()
        let place = try TestPlace()
        let feeds: [String: FeedSpec] = ["la": .la("la"), "provider": .provider("provider")]
        let order = spec.feedOrder ?? ["la", "provider"]
        try place.configure(try order.map { name in
            guard let feed = feeds[name] else { throw TestFailure("\(scenario): unknown feed '\(name)' in feed_order") }
            return feed
        })

        for (index, cycle) in spec.cycles.enumerated() {
            let step = "\(scenario) cycle \(index + 1)"
            for path in cycle.drop {
                let parts = path.split(separator: "/").map(String.init)
                guard parts.count == 2, feeds[parts[0]] != nil else { throw TestFailure("\(step): drop '\(path)' is not la/NAME or provider/NAME") }
                try place.drop(parts[1], into: parts[0], bytes: Data(contentsOf: folder.appendingPathComponent(path)))
            }
            let report = try await place.cycle(cycle.now)
            for feed in report.feeds {
                #expect(feed.error == nil, "\(step): feed \(feed.name) failed: \(feed.error ?? "")")
                #expect(feed.result?.filesRejected == 0, "\(step): a file of \(feed.name) was rejected")
                #expect(feed.result?.rowsFailed == 0, "\(step): \(feed.name) had row errors")
            }
            try check(cycle.expect, in: place, today: try TestPlace.timestamp(cycle.now).localDate(in: place.zone), step: step)
        }
    }

    private func check(_ expect: ScenarioSpec.Expectation, in place: TestPlace, today: CivilDate, step: String) throws {
        let records = try place.records(today: today.description)
        #expect(records.keys.sorted() == expect.records.keys.sorted(), "\(step): the records in the store")
        for (requestID, fields) in expect.records.sorted(by: { $0.key < $1.key }) {
            guard let item = records[requestID] else { continue }
            for (key, wanted) in fields.sorted(by: { $0.key < $1.key }) {
                guard let actual = item.scenarioValue(key) else {
                    Issue.record("\(step): expected.json names '\(key)', which is neither a state word nor a canonical field")
                    continue
                }
                #expect(actual == wanted, "\(step): \(requestID).\(key)")
            }
        }

        let conflicts = try place.conflicts(includeResolved: true)
        func kinds(_ items: [ConflictItem]) -> [String: [String]] {
            Dictionary(grouping: items, by: { $0.requestID ?? "-" }).mapValues { $0.map(\.kind.rawValue).sorted() }
        }
        let open = kinds(conflicts.filter { $0.status == "open" })
        let wantedOpen = expect.openConflicts.mapValues { $0.sorted() }.filter { !$0.value.isEmpty }
        #expect(open == wantedOpen, "\(step): open conflicts by request id")
        let resolved = kinds(conflicts.filter { $0.status != "open" })
        for (requestID, wanted) in (expect.resolvedConflicts ?? [:]).sorted(by: { $0.key < $1.key }) {
            #expect(resolved[requestID] ?? [] == wanted.sorted(), "\(step): resolved conflicts of \(requestID)")
        }
    }

    /// SPEC §4 rule 1: unmatched records are retried after all feeds were read, "so the
    /// order in which feeds are read never changes the outcome". Every scenario, run
    /// with the LA's feed first and then with the provider's first, must leave the same
    /// records and the same open conflicts after every cycle.
    @Test(arguments: ScenarioFolder.all())
    func feedOrderNeverChangesAScenariosOutcome(_ scenario: ScenarioFolder) async throws {
        let spec = try scenario.spec()
        let folder = try scenario.url()
        let orders = [["la", "provider"], ["provider", "la"]]
        var outcomes: [[String]] = []
        for order in orders {
            let place = try TestPlace()
            try place.configure(order.map { $0 == "la" ? FeedSpec.la("la") : FeedSpec.provider("provider") })
            var trace: [String] = []
            for (index, cycle) in spec.cycles.enumerated() {
                for path in cycle.drop {
                    let parts = path.split(separator: "/").map(String.init)
                    try place.drop(parts[1], into: parts[0], bytes: Data(contentsOf: folder.appendingPathComponent(path)))
                }
                try await place.cycle(cycle.now)
                let today = try TestPlace.timestamp(cycle.now).localDate(in: place.zone).description
                for (id, item) in try place.records(today: today).sorted(by: { $0.key < $1.key }) {
                    trace.append("cycle \(index + 1) \(id): \(item.view.state.rawValue) \(item.state.status) "
                                 + "la=\(item.state.laStatus?.rawValue ?? "-") provider=\(item.state.providerStatus?.rawValue ?? "-")")
                }
                for conflict in try place.conflicts(includeResolved: false) {
                    trace.append("cycle \(index + 1) open \(conflict.kind) \(conflict.requestID ?? "-") \(conflict.field ?? "")")
                }
            }
            outcomes.append(trace.sorted())
        }
        #expect(outcomes[0] == outcomes[1], "\(scenario): la first vs provider first")
    }
}
