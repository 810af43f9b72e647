import Foundation
import Testing
@testable import EHCSync

/// The callback side of a transfer, fed directly: body limit, header parsing across
/// redirects, upload chunks and the loopback-only peer rule.
@Suite struct CurlTransferSinkTests {
    private func feed(_ sink: CurlTransferSink, header line: String) -> Bool {
        Array(line.utf8).withUnsafeBytes { sink.receiveHeaderLine($0) }
    }

    private func feed(_ sink: CurlTransferSink, body count: Int) -> Bool {
        [UInt8](repeating: 7, count: count).withUnsafeBytes { sink.receiveBody($0) }
    }

    @Test func theBodyLimitIsInclusive() {
        let sink = CurlTransferSink(maxBytes: 10, cancellation: CurlCancellation())
        #expect(feed(sink, body: 6))
        #expect(feed(sink, body: 4))
        #expect(sink.body.count == 10)
        #expect(!feed(sink, body: 1))
        #expect(sink.stop == .bodyTooLarge)
        #expect(sink.body.count == 10)
    }

    @Test func onlyTheLastResponsesHeadersAreKept() {
        let sink = CurlTransferSink(maxBytes: 100, cancellation: CurlCancellation())
        for line in ["HTTP/1.1 302 Found\r\n", "Location: /next\r\n", "X-Hop: 1\r\n", "\r\n",
                     "HTTP/2 200\r\n", "Content-Type: application/json\r\n", "Link: <a>; rel=\"next\"\r\n",
                     "X-Folded: first\r\n", "\t second\r\n", "Link:   <b>  \r\n", "not a header\r\n", "\r\n"] {
            #expect(feed(sink, header: line))
        }
        #expect(sink.headers.map(\.0) == ["content-type", "link", "x-folded", "link"])
        #expect(sink.headers.map(\.1) == ["application/json", "<a>; rel=\"next\"", "first second", "<b>"])
    }

    @Test func aNewStatusLineDropsAnEarlierBody() {
        let sink = CurlTransferSink(maxBytes: 100, cancellation: CurlCancellation())
        #expect(feed(sink, header: "HTTP/1.1 301 Moved\r\n"))
        #expect(feed(sink, body: 5))
        #expect(feed(sink, header: "HTTP/1.1 200 OK\r\n"))
        #expect(sink.body.isEmpty)
    }

    @Test func endlessHeadersAreCutOff() {
        let sink = CurlTransferSink(maxBytes: 100, cancellation: CurlCancellation())
        let line = "X-Filler: " + String(repeating: "a", count: 1000) + "\r\n"
        var accepted = 0
        while feed(sink, header: line), accepted < 10_000 { accepted += 1 }
        #expect(sink.stop == .headersTooLarge)
        #expect(accepted < 300)
    }

    @Test func theUploadComesOutInChunksAndThenEnds() {
        let message = Data((0..<10).map { UInt8($0) })
        let sink = CurlTransferSink(maxBytes: 0, cancellation: CurlCancellation(), upload: message)
        var buffer = [UInt8](repeating: 0, count: 4)
        var sent = Data()
        while let count = buffer.withUnsafeMutableBytes({ sink.fillUpload($0) }), count > 0 {
            sent += buffer[0..<count]
        }
        #expect(sent == message)
    }

    @Test func aCancelledUploadAborts() {
        let cancellation = CurlCancellation()
        let sink = CurlTransferSink(maxBytes: 0, cancellation: cancellation, upload: Data("x".utf8))
        cancellation.cancel()
        var buffer = [UInt8](repeating: 0, count: 4)
        #expect(buffer.withUnsafeMutableBytes { sink.fillUpload($0) } == nil)
        #expect(!sink.shouldContinue())
        #expect(sink.stop == .cancelled)
    }

    @Test(arguments: [("127.0.0.1", true), ("::1", true), ("127.9.9.9", true), ("10.1.2.3", false), ("192.0.2.7", false), ("", false)])
    func plainHTTPMayOnlyReachLoopbackAddresses(address: String, admitted: Bool) {
        let strict = CurlTransferSink(maxBytes: 0, cancellation: CurlCancellation(), loopbackPeersOnly: true)
        #expect(strict.admitPeer(address) == admitted)
        #expect(strict.stop == (admitted ? nil : .nonLoopbackPeer(address)))
        let open = CurlTransferSink(maxBytes: 0, cancellation: CurlCancellation())
        #expect(open.admitPeer(address))
    }
}
