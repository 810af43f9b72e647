import Foundation
import Testing

/// One row the store must not take from a file: the line that `NAME.errors.txt` lists
/// and the field it names (nil: a record that could not be read at all, e.g. a CSV
/// row with the wrong number of fields or an NDJSON line that is not JSON).
struct RowFault: Sendable, Equatable, CustomStringConvertible {
    var line: Int
    var field: String?

    /// The start of its line in `NAME.errors.txt`: `line 3: nhs_number` or `line 3: `.
    var listedPrefix: String { "line \(line): " + (field ?? "") }

    var description: String { "\(line) \(field ?? "-")" }
}

/// What a bad input must lead to (issue 6; SPEC §7 and §8): the `outcome` and `expect`
/// columns of `Fixtures/bad-input/MANIFEST.tsv`.
enum BadInputOutcome: Sendable {
    /// Moved whole to `rejected/` beside `NAME.error.txt`, whose text holds `reason`;
    /// nothing of it applied.
    case rejected(reason: String)
    /// Taken and moved to `processed/DATE/`; exactly these rows are listed in
    /// `NAME.errors.txt`, in this order; the others applied.
    case rowErrors([RowFault])
    /// Taken and moved to `processed/DATE/` with no row error.
    case applied
    /// Never taken: left where it was, with no trace in the store or the other folders.
    case ignored
    /// A config file: exactly these issues, in this order, all reported at once.
    case configErrors([ExpectedIssue])
}

/// One bad input of the corpus: a committed fixture (a row of `MANIFEST.tsv`) or an
/// entry the test makes at run time (`MadeAtRunTime`).
struct BadInput: Sendable, CustomTestStringConvertible {
    /// The file's name in its drop folder (or the config fixture's name).
    var name: String
    /// The corpus feed it is dropped into (`CorpusFeed`), or `config`.
    var feed: String
    var outcome: BadInputOutcome
    /// The lines whose rows the store must record as observations (applied, stale or
    /// unmatched) from this file, no more: nothing for a rejected or ignored file.
    var appliedLines: [Int]

    var testDescription: String { feed + "/" + name }

    /// Where the committed fixtures are in the test bundle.
    static func folder() throws -> URL {
        guard let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
            throw TestFailure("the Fixtures resource folder is not in the test bundle")
        }
        return url.appendingPathComponent("bad-input")
    }

    /// The committed fixture's bytes.
    func bytes() throws -> Data { try Data(contentsOf: try Self.folder().appendingPathComponent(name)) }

    /// `MANIFEST.tsv`, one entry per file: its rows are `name`, `feed`, `outcome`,
    /// `expect`, `lines`, tab-separated; `#` starts a comment line. A config fixture
    /// has one row per expected issue, in the order reported.
    static func manifest() throws -> [BadInput] {
        let text = try String(contentsOf: try folder().appendingPathComponent("MANIFEST.tsv"), encoding: .utf8)
        var entries: [BadInput] = []
        for (index, line) in text.split(separator: "\n").enumerated() where !line.hasPrefix("#") {
            let cells = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard cells.count == 5 else { throw TestFailure("MANIFEST.tsv line \(index + 1): expected 5 cells, found \(cells.count)") }
            let (name, feed, expect) = (cells[0], cells[1], cells[3])
            let lines = cells[4] == "-" ? [] : try cells[4].split(separator: ",").map { try integer($0, index) }
            let outcome: BadInputOutcome
            switch cells[2] {
            case "rejected": outcome = .rejected(reason: expect)
            case "applied": outcome = .applied
            case "ignored": outcome = .ignored
            case "row-errors":
                outcome = .rowErrors(try expect.split(separator: ",").map { fault in
                    let parts = fault.split(separator: " ")
                    guard parts.count == 2 else { throw TestFailure("MANIFEST.tsv line \(index + 1): '\(fault)' is not 'LINE FIELD'") }
                    return RowFault(line: try integer(parts[0], index), field: parts[1] == "-" ? nil : String(parts[1]))
                })
            case "config-error":
                // `LINE key.path: message fragment`; an empty key path is written `-`.
                let space = expect.firstIndex(of: " ") ?? expect.endIndex
                let rest = expect[space...].dropFirst()
                let colon = rest.range(of: ": ") ?? rest.endIndex..<rest.endIndex
                let keyPath = String(rest[..<colon.lowerBound])
                let issue = ExpectedIssue(try integer(expect[..<space], index), keyPath == "-" ? "" : keyPath,
                                          String(rest[colon.upperBound...]))
                if let last = entries.last, last.name == name, case .configErrors(let issues) = last.outcome {
                    entries[entries.count - 1].outcome = .configErrors(issues + [issue])
                    continue
                }
                outcome = .configErrors([issue])
            default:
                throw TestFailure("MANIFEST.tsv line \(index + 1): unknown outcome '\(cells[2])'")
            }
            entries.append(BadInput(name: name, feed: feed, outcome: outcome, appliedLines: lines))
        }
        return entries
    }

    private static func integer(_ text: some StringProtocol, _ index: Int) throws -> Int {
        guard let n = Int(text.trimmingCharacters(in: .whitespaces)) else {
            throw TestFailure("MANIFEST.tsv line \(index + 1): '\(text)' is not a number")
        }
        return n
    }
}
