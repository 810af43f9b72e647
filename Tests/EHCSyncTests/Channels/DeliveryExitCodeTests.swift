import EHCCore
import Foundation
import Testing
@testable import EHCSync

/// SPEC §9's exit codes after deliveries, through the real binary and a real webhook
/// receiver on 127.0.0.1: `digest --send` and `sync` exit 0 only when every message
/// they tried was delivered, 75 when some are left to retry, 1 when one finally failed.
@Suite(.serialized) struct DeliveryExitCodeTests {
    static let now = "2026-03-10T09:00:00Z"

    /// A place whose DCO is reached by webhook at `path` on the receiver.
    static func place(_ receiver: WebhookChannelTests.Receiver, path: String) throws -> TestPlace {
        let place = try TestPlace()
        let extra = """
            notices:
              digest: { at: "07:30", to: [dco] }
            recipients:
              dco: { channels: [dco-hook] }
            channels:
              dco-hook: { webhook: { url: "http://127.0.0.1:\(receiver.port)\(path)", secret_file: "\(receiver.secretFile)" } }

            """
        try place.configure([.la()], extra: extra)
        try place.drop("cases.csv", into: "la-cases", SampleExport.laCSV([SampleExport.laRow("LA-1")]))
        return place
    }

    @Test(arguments: [("/ok", Int32(0)), ("/flaky", Int32(75)), ("/bad", Int32(1))])
    func digestSendExitsByWhatWasDelivered(path: String, status: Int32) throws {
        let receiver = try WebhookChannelTests.Receiver(secret: "whsec_c2VjcmV0LWtleS1mb3ItdGVzdHM=")
        defer { receiver.stop() }
        let place = try Self.place(receiver, path: path)
        let result = try EHCSyncBinary.run(["digest", "--send", "--config", place.configPath, "--now", Self.now])
        #expect(result.status == status, "\(result)")
        #expect(receiver.received.count == 1, "one attempt was made")
        if status == 75 { #expect(result.stderr.contains("not yet delivered")) }
        if status == 1 { #expect(result.stderr.contains("finally failed")) }
    }

    @Test func syncExitsSeventyFiveWhileTheReceiverIsDownAndZeroOnceDelivered() throws {
        let receiver = try WebhookChannelTests.Receiver(secret: "whsec_c2VjcmV0LWtleS1mb3ItdGVzdHM=")
        defer { receiver.stop() }
        let place = try Self.place(receiver, path: "/ok")
        try receiver.fault("503")
        let first = try EHCSyncBinary.run(["sync", "--config", place.configPath, "--now", Self.now])
        #expect(first.status == 75, "the digest waits to be retried: \(first)")
        try receiver.fault("")
        // The backoff's first retry is within minutes; a later cycle sends it.
        let second = try EHCSyncBinary.run(["sync", "--config", place.configPath, "--now", "2026-03-10T11:00:00Z"])
        #expect(second.status == 0, "\(second)")
        #expect(receiver.received.contains { $0["status"] as? Int == 200 })
    }
}
