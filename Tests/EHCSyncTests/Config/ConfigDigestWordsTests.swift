import EHCCore
import Foundation
import Testing
@testable import EHCSync

/// The words a digest reader sees that a place may set: a recipient's `name:` and
/// `notices.service_names`.
@Suite struct ConfigDigestWordsTests {
    static let channels = """
        channels:
          dco-mail: { email_file: { dir: /var/spool/ehcsync/outbox, from: "EHC Sync <e@example.nhs.uk>", to: [dco@example.nhs.uk] } }

        """

    @Test func recipientNameAndServiceNamesAreRead() throws {
        let yaml = ConfigTestSupport.minimalFeeds + Self.channels + """
            recipients:
              dco: { name: "Dr A Patel, DCO", channels: [dco-mail] }
              team: { channels: [dco-mail] }
            notices:
              service_names: { salt: "Speech and language therapy (0-19)", camhs: CAMHS }
            """
        let config = try #require(ConfigTestSupport.config(yaml))
        #expect(config.recipients.map(\.displayName) == ["Dr A Patel, DCO", nil])
        #expect(config.notices.serviceNames == ["salt": "Speech and language therapy (0-19)", "camhs": "CAMHS"])
        let names = ServiceNames(overrides: config.notices.serviceNames)
        #expect(names.name("salt") == "Speech and language therapy (0-19)")
        #expect(names.name("ot") == "Occupational therapy")
        #expect(names.name("hearing") == "hearing")
    }

    @Test func unwrittenTheyTakeTheDefaults() throws {
        let yaml = ConfigTestSupport.minimalFeeds + Self.channels + "recipients:\n  dco: { channels: [dco-mail] }\n"
        let config = try #require(ConfigTestSupport.config(yaml))
        #expect(config.recipients.first?.displayName == nil)
        #expect(config.notices.serviceNames.isEmpty)
        #expect(ServiceNames().name("salt") == "Speech and language therapy")
        #expect(Service.allCases.allSatisfy { ServiceNames.defaults[$0] != nil })
    }

    @Test func badNamesAreReportedWithTheirKeyPath() {
        let yaml = ConfigTestSupport.minimalFeeds + Self.channels + """
            recipients:
              dco: { name: "  ", channels: [dco-mail] }
            notices:
              service_names: { speech: "Speech", ot: "" }
            """
        let issues = ConfigTestSupport.issues(yaml)
        #expect(issues.map(\.keyPath).sorted() == ["notices.service_names.ot", "notices.service_names.speech", "recipients.dco.name"])
        #expect(issues.first { $0.keyPath == "notices.service_names.speech" }?.message.contains("unknown key 'speech'") == true)
        #expect(issues.first { $0.keyPath == "recipients.dco.name" }?.message.contains("must not be empty") == true)
    }
}
