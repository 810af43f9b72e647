import Testing
@testable import EHCSync

/// SPEC §7/§8 for workbooks: `format: xlsx` takes an `xlsx:` block (sheet, columns,
/// values, date_format, max_bytes), defaults to `*.xlsx`, and a block for another format,
/// or an endpoint, is an error at its line.
struct WorkbookConfigTests {
    static func feed(_ body: String) -> String {
        """
        feeds:
          - name: la-cases
            role: la
            folder: { path: /srv/ehcsync/la }
        \(body)
        """
    }

    @Test func xlsxBlockIsReadWithItsDefaults() throws {
        let config = try #require(ConfigTestSupport.config(Self.feed("""
                format: xlsx
                xlsx:
                  sheet: Cases
                  date_format: dd/MM/yyyy
                  max_bytes: 50MB
                  columns: { request_id: Advice Ref }
                  values: { status: { Sent: requested } }
            """)))
        let feed = try #require(config.feeds.first)
        #expect(feed.format == .xlsx)
        #expect(feed.mapping.sheet == "Cases")
        #expect(feed.mapping.maxExpandedBytes == 50_000_000)
        #expect(feed.mapping.columns[.request_id] == "Advice Ref")
        #expect(feed.mapping.dateFormat == "dd/MM/yyyy")
        guard case .folder(let folder) = feed.transport else { Issue.record("not a folder feed"); return }
        #expect(folder.pattern == "*.xlsx")

        let plain = try #require(ConfigTestSupport.config(Self.feed("    format: xlsx")))
        #expect(plain.feeds.first?.mapping.sheet == nil)
        #expect(plain.feeds.first?.mapping.maxExpandedBytes == 200_000_000)
    }

    @Test(arguments: [
        ("    format: xlsx\n    csv: { delimiter: \";\" }", 6, "feeds[0].csv", "format is xlsx: write this mapping under xlsx:, not csv:"),
        ("    format: csv\n    xlsx: { sheet: Cases }", 6, "feeds[0].xlsx", "format is csv: write this mapping under csv:, not xlsx:"),
        ("    format: ndjson\n    xlsx: { sheet: Cases }", 6, "feeds[0].xlsx", "format is ndjson: write this mapping under json:, not xlsx:"),
        ("    format: xlsx\n    xlsx: { encoding: utf-8 }", 6, "feeds[0].xlsx.encoding", "encoding applies only to csv: feeds"),
        ("    format: xlsx\n    xlsx: { max_bytes: lots }", 6, "feeds[0].xlsx.max_bytes", "'lots' is not a size"),
        ("    format: xlsx\n    xlsx: { sheet: \"\" }", 6, "feeds[0].xlsx.sheet", "must not be empty"),
    ])
    func misplacedOrWrongWorkbookSettingsAreErrorsAtTheirLine(_ body: String, _ line: Int, _ path: String, _ message: String) {
        let issues = ConfigTestSupport.issues(Self.feed(body))
        #expect(issues.count == 1, "\(issues)")
        #expect(issues.first?.line == line && issues.first?.keyPath == path, "\(issues)")
        #expect(issues.first?.message.hasPrefix(message) == true, "\(issues)")
    }

    @Test func workbooksComeFromFoldersOnly() {
        let issues = ConfigTestSupport.issues("""
            feeds:
              - name: la-cases
                role: la
                http: { url: "https://example.nhs.uk/cases" }
                format: xlsx
            """)
        #expect(issues.map(\.keyPath) == ["feeds[0].http"], "\(issues)")
        #expect(issues.first?.message.hasPrefix("format: xlsx is read from drop folders only") == true)
    }
}
