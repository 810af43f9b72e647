import CCurl
import Foundation

/// Everything libcurl's callbacks touch during one transfer: the body collected under
/// a hard byte limit, the headers of the latest response, the upload being read, the
/// cancellation flag and the rule for which peers a hop may reach.
///
/// It lives on the transfer's thread only. libcurl gets it as an unretained opaque
/// pointer; the `CurlEasy` that runs the transfer holds the strong reference, so the
/// sink outlives every callback.
final class CurlTransferSink {
    /// The most body bytes kept (after content decoding).
    let maxBytes: Int
    /// The most header bytes of one response; a server streaming headers is cut off.
    let maxHeaderBytes = 256 * 1024
    let cancellation: CurlCancellation
    /// Plain `http` to a loopback host: every hop must connect to a loopback address.
    let loopbackPeersOnly: Bool

    private(set) var body = Data()
    private(set) var headers: [(String, String)] = []
    private var headerBytes = 0
    private let upload: Data
    private var uploadOffset = 0

    /// Why the transfer was stopped from our side, when it was.
    private(set) var stop: StopReason?

    enum StopReason: Equatable {
        case bodyTooLarge
        case headersTooLarge
        case cancelled
        case nonLoopbackPeer(String)
    }

    init(maxBytes: Int, cancellation: CurlCancellation, loopbackPeersOnly: Bool = false, upload: Data = Data()) {
        self.maxBytes = maxBytes
        self.cancellation = cancellation
        self.loopbackPeersOnly = loopbackPeersOnly
        self.upload = upload
    }

    /// Takes a chunk of (decoded) body; false once the limit would be passed, which
    /// makes libcurl stop with `CURLE_WRITE_ERROR`.
    func receiveBody(_ chunk: UnsafeRawBufferPointer) -> Bool {
        guard chunk.count <= maxBytes - body.count else {
            stop = .bodyTooLarge
            return false
        }
        body.append(contentsOf: chunk)
        return true
    }

    /// Takes one raw header line. A status line starts a new response (a redirect or
    /// `100 Continue` was followed), so what came before it is dropped.
    func receiveHeaderLine(_ line: UnsafeRawBufferPointer) -> Bool {
        if line.starts(with: Self.statusPrefix) {
            headers.removeAll()
            body.removeAll()
            headerBytes = 0
        }
        headerBytes += line.count
        guard headerBytes <= maxHeaderBytes else {
            stop = .headersTooLarge
            return false
        }
        var end = line.count
        while end > 0, line[end - 1] == 13 || line[end - 1] == 10 { end -= 1 }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: line[0..<end]), as: UTF8.self)
        if text.isEmpty || text.hasPrefix("HTTP/") { return true }
        if let first = text.first, first == " " || first == "\t", let previous = headers.popLast() {
            // An obsolete folded line continues the previous header's value.
            headers.append((previous.0, previous.1 + " " + Self.trimmed(Substring(text))))
            return true
        }
        guard let colon = text.firstIndex(of: ":") else { return true }
        let name = Self.trimmed(text[..<colon]).lowercased()
        let value = Self.trimmed(text[text.index(after: colon)...])
        if !name.isEmpty { headers.append((name, value)) }
        return true
    }

    /// Copies the next part of the upload into libcurl's buffer; nil means abort.
    func fillUpload(_ buffer: UnsafeMutableRawBufferPointer) -> Int? {
        if cancellation.isCancelled {
            stop = .cancelled
            return nil
        }
        let count = min(buffer.count, upload.count - uploadOffset)
        guard count > 0 else { return 0 }
        let start = upload.startIndex + uploadOffset
        upload[start..<start + count].withUnsafeBytes { buffer.copyMemory(from: $0) }
        uploadOffset += count
        return count
    }

    /// The progress callback's question: go on?
    func shouldContinue() -> Bool {
        guard cancellation.isCancelled else { return true }
        stop = .cancelled
        return false
    }

    /// The pre-request callback's question: may this connection be used? Plain `http`
    /// that was allowed because the host is loopback must stay on loopback addresses,
    /// whatever a redirect or a name lookup says.
    func admitPeer(_ address: String) -> Bool {
        if cancellation.isCancelled {
            stop = .cancelled
            return false
        }
        guard loopbackPeersOnly, !CurlClient.isLoopback(host: address) else { return true }
        stop = .nonLoopbackPeer(address)
        return false
    }

    private static let statusPrefix = Array("HTTP/".utf8)

    private static func trimmed(_ text: Substring) -> String {
        text.trimmingCharacters(in: .whitespaces)
    }
}
