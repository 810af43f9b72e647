import EHCCore
import Foundation
import Testing
@testable import EHCSync

/// The README's worked folder feed, read from the README itself: its config and its
/// export row go through a real drop folder into a real store, and the store must hold
/// exactly the values the README says it stores. A README edit that stops being true
/// fails here.
@Suite struct ReadmeWorkedExampleTests {
    @Test func theReadmesWorkedExampleStoresWhatTheReadmeSays() async throws {
        let readme = try String(contentsOf: ConfigTestSupport.packageRoot().appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.range(of: "A worked folder feed").map { String(readme[$0.upperBound...]) })
        let yaml = try Self.block(after: "```yaml\n", in: section)
        let csvSection = try #require(section.range(of: "For the export").map { String(section[$0.upperBound...]) })
        let export = try Self.block(after: "```\n", in: csvSection)
        let claim = try #require(csvSection.range(of: "EHC Sync stores").map { String(csvSection[$0.upperBound...]) })
        let sentence = String(claim[..<(claim.range(of: ".\n")?.lowerBound ?? claim.endIndex)])
        let stated = Self.backticked(sentence)
        #expect(stated.count >= 7, "the README states what it stores: \(sentence)")

        let place = try TestPlace()
        var text = yaml.replacingOccurrences(of: "/var/lib/ehcsync/ehcsync.sqlite", with: place.storePath)
        for feed in ["la", "rbt"] {
            let folder = place.folder(feed)
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            text = text.replacingOccurrences(of: "/srv/ehcsync/\(feed)", with: folder)
        }
        try text.write(toFile: place.configPath, atomically: true, encoding: .utf8)
        try place.load(configText: text)
        try place.drop("export.csv", into: "la", bytes: try #require(export.data(using: .windowsCP1252)))
        let report = try await place.cycle("2026-10-01T12:00:00+01:00")
        #expect(report.feeds.first?.result?.filesApplied == 1)
        #expect(report.feeds.first?.result?.rowsFailed == 0)

        let records = try place.records(today: "2026-10-01")
        let item = try #require(records[stated.first { $0.0 == "request_id" }?.1 ?? ""])
        let json = try #require(JSONSerialization.jsonObject(with: Data(item.json().utf8)) as? [String: Any])
        for (field, value) in stated {
            if field == "updated_at" {
                let millis = try place.int("SELECT updated_at FROM observation")
                #expect(Timestamp(millis: Int64(millis)).description == value, "updated_at")
            } else {
                #expect(json[field] as? String == value, "\(field): stored \(json[field] ?? "nothing"), README says \(value)")
            }
        }
    }

    /// The text of the first fenced block that opens with `fence` in `text`.
    static func block(after fence: String, in text: String) throws -> String {
        guard let start = text.range(of: fence), let end = text.range(of: "\n```", range: start.upperBound..<text.endIndex) else {
            throw TestFailure("no \(fence) block")
        }
        return String(text[start.upperBound..<end.lowerBound]) + "\n"
    }

    /// `field value` pairs written in backticks.
    static func backticked(_ text: String) -> [(String, String)] {
        text.split(separator: "`", omittingEmptySubsequences: false).enumerated().compactMap { i, part in
            guard i % 2 == 1 else { return nil }
            let words = part.split(separator: " ", maxSplits: 1)
            return words.count == 2 ? (String(words[0]), String(words[1])) : nil
        }
    }
}
