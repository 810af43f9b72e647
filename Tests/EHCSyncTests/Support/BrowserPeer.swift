import Foundation
import Testing

/// A page as headless Chromium laid it out, from `Tests/Peers/browser_peer.py`
/// (selenium + chromedriver; `.ci/setup` installs them): for tests of what a person
/// sees, at a phone's width and a desktop's, with a screenshot to look at.
///
/// The peer is one short-lived process per page, not a server: it loads a `file://`
/// page (nothing else; the browser has no network), measures it, saves the PNG and
/// prints one JSON line. A later workspace test can load its pages the same way.
struct BrowserPage: Decodable {
    /// The CSS width asked for.
    var viewportWidth: Int
    var innerWidth: Int
    /// `document.documentElement.scrollWidth`: wider than the viewport means sideways scrolling.
    var scrollWidth: Int
    var scrollHeight: Int
    /// The page's visible text, as `innerText` gives it.
    var text: String
    /// Elements whose right edge is past the viewport.
    var overflowing: [Overflow]

    struct Overflow: Decodable, CustomStringConvertible {
        var tag: String
        var text: String
        var right: Double
        var description: String { "<\(tag)> right edge \(right): \(text)" }
    }

    enum CodingKeys: String, CodingKey {
        case viewportWidth = "viewport_width", innerWidth = "inner_width", scrollWidth = "scroll_width"
        case scrollHeight = "scroll_height", text, overflowing
    }

    /// Where screenshots go: `$EHCSYNC_SCREENSHOTS`, else `ehcsync-screenshots` in the
    /// temporary folder (never the repository).
    static var screenshotDirectory: String {
        let dir = ProcessInfo.processInfo.environment["EHCSYNC_SCREENSHOTS"]
            ?? FileManager.default.temporaryDirectory.path + "/ehcsync-screenshots"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Loads `file` at `width` CSS pixels (as a phone when `mobile`), saving a
    /// screenshot as `screenshot` in `screenshotDirectory`.
    static func load(_ file: String, width: Int, mobile: Bool, screenshot: String) throws -> BrowserPage {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", PeerProcess.peersDirectory + "/browser_peer.py", "--file", file, "--width", String(width),
                             "--screenshot", screenshotDirectory + "/" + screenshot] + (mobile ? ["--mobile"] : [])
        // stderr goes to a file, so a chatty driver can never fill a pipe and stall.
        let logPath = FileManager.default.temporaryDirectory.path + "/ehcsync-browser-" + UUID().uuidString.prefix(12) + ".log"
        guard FileManager.default.createFile(atPath: logPath, contents: nil), let log = FileHandle(forWritingAtPath: logPath) else {
            throw TestFailure("cannot create \(logPath) for the browser peer's stderr")
        }
        defer {
            try? log.close()
            try? FileManager.default.removeItem(atPath: logPath)
        }
        let output = Pipe()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = log
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let err = (try? Data(contentsOf: URL(fileURLWithPath: logPath))) ?? Data()
        guard process.terminationStatus == 0 else {
            throw TestFailure("browser_peer.py failed (\(process.terminationStatus)):\n" + String(decoding: err, as: UTF8.self))
        }
        do {
            return try JSONDecoder().decode(BrowserPage.self, from: out)
        } catch {
            throw TestFailure("browser_peer.py printed no measures: \(error)\n" + String(decoding: out + err, as: UTF8.self))
        }
    }
}
