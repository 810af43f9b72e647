import EHCCore
import Foundation
@testable import EHCSync

/// A reconciler scenario kept as a folder (STYLE.md: "scenario folders (input files +
/// expected outcome) for the reconciler"): `la/*.csv` and `provider/*.ndjson` inputs
/// and an `expected.json` that says which files are dropped in which cycle and what
/// the store must hold after each.
///
/// `expected.json`:
/// ```json
/// { "description": "…",
///   "feed_order": ["provider", "la"],            // optional; default la first
///   "cycles": [
///     { "now": "2026-03-10T09:00:00Z",
///       "drop": ["provider/responses.ndjson", "la/cases.csv"],
///       "expect": {
///         "records": { "LA-1": { "state": "open", "status": "in_progress",
///                                "la_status": "requested", "provider_status": "in_progress",
///                                "received_on": null } },
///         "open_conflicts": { "LA-1": ["status_regression"], "-": ["unmatched_response"] },
///         "resolved_conflicts": { "LA-1": ["unmatched_response"] } } } ] }
/// ```
/// `records` lists every record the store must hold, no more; each named key must
/// match (`null`: not set). Keys are `state`, `status`, `la_status`, `provider_status`,
/// `due_on` (statutory), `working_due_on` or any canonical field (the value that stands). `open_conflicts` lists every open
/// conflict's kind by request id (`-` for none), no more; `resolved_conflicts` does
/// the same for closed ones, for the request ids it names.
struct ScenarioFolder: Sendable, CustomStringConvertible {
    let name: String

    var description: String { name }

    /// `Fixtures/scenarios` in the test bundle.
    static func fixturesRoot() throws -> URL {
        guard let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
            throw TestFailure("the Fixtures resource folder is not in the test bundle")
        }
        return url.appendingPathComponent("scenarios")
    }

    /// Every folder under `Fixtures/scenarios/` that holds an `expected.json`.
    static func all() -> [ScenarioFolder] {
        guard let root = try? fixturesRoot(),
              let names = try? FileManager.default.contentsOfDirectory(atPath: root.path) else { return [] }
        return names.sorted()
            .filter { FileManager.default.fileExists(atPath: root.appendingPathComponent($0).appendingPathComponent("expected.json").path) }
            .map(ScenarioFolder.init(name:))
    }

    /// This scenario's folder in the test bundle.
    func url() throws -> URL { try Self.fixturesRoot().appendingPathComponent(name) }

    /// Its `expected.json`, decoded.
    func spec() throws -> ScenarioSpec {
        let data = try Data(contentsOf: try url().appendingPathComponent("expected.json"))
        return try JSONDecoder().decode(ScenarioSpec.self, from: data)
    }
}

/// The decoded `expected.json` of a scenario folder.
struct ScenarioSpec: Decodable {
    var description: String
    var feedOrder: [String]?
    var cycles: [Cycle]

    struct Cycle: Decodable {
        var now: String
        var drop: [String]
        var expect: Expectation
    }

    struct Expectation: Decodable {
        var records: [String: [String: String?]]
        var openConflicts: [String: [String]]
        var resolvedConflicts: [String: [String]]?

        enum CodingKeys: String, CodingKey {
            case records
            case openConflicts = "open_conflicts"
            case resolvedConflicts = "resolved_conflicts"
        }
    }

    enum CodingKeys: String, CodingKey {
        case description
        case feedOrder = "feed_order"
        case cycles
    }
}

extension AdviceListItem {
    /// A value a scenario can name: the derived words, or a canonical field's standing value.
    func scenarioValue(_ key: String) -> String?? {
        switch key {
        case "state": return .some(view.state.rawValue)
        case "status": return .some(state.status)
        case "la_status": return .some(state.laStatus?.rawValue)
        case "provider_status": return .some(state.providerStatus?.rawValue)
        case "due_on": return .some(view.dueOn?.description)
        case "working_due_on": return .some(view.workingDueOn?.description)
        default:
            guard let field = CanonicalField(rawValue: key) else { return nil }
            return .some(state.value(field))
        }
    }
}
