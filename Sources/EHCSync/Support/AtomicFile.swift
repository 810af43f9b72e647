import Foundation

/// Writes files so that a reader never sees half of one: a hidden temporary name in
/// the same folder, fsync, then rename into place.
enum AtomicFile {
    static func write(_ text: String, to path: String, mode: mode_t) throws {
        try write(Data(text.utf8), to: path, mode: mode)
    }

    static func write(_ data: Data, to path: String, mode: mode_t) throws {
        let dir = (path as NSString).deletingLastPathComponent
        let temp = dir + "/." + (path as NSString).lastPathComponent + ".\(getpid()).tmp"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode)
        guard fd >= 0 else { throw FeedError("cannot write \(temp): \(String(cString: strerror(errno)))") }
        var ok = true
        var bytes = [UInt8](data)
        bytes.withUnsafeMutableBytes { buf in
            var offset = 0
            while offset < buf.count {
                let n = Foundation.write(fd, buf.baseAddress! + offset, buf.count - offset)
                if n < 0 { if errno == EINTR { continue }; ok = false; return }
                offset += n
            }
        }
        fchmod(fd, mode)
        if fsync(fd) != 0 { ok = false }
        close(fd)
        guard ok, rename(temp, path) == 0 else {
            unlink(temp)
            throw FeedError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }
}

/// A file's row-error list, streamed to a hidden temporary file as errors arrive (a
/// file of a million bad rows never sits in memory), then renamed into place.
final class ErrorsFile {
    let finalPath: String
    let tempPath: String
    let handle: FileHandle

    init(finalPath: String, header: String) throws {
        let dir = (finalPath as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        self.finalPath = finalPath
        tempPath = dir + "/." + (finalPath as NSString).lastPathComponent + ".tmp"
        guard FileManager.default.createFile(atPath: tempPath, contents: nil, attributes: [.posixPermissions: 0o640]),
              let handle = FileHandle(forWritingAtPath: tempPath) else {
            throw FeedError("cannot write \(tempPath)")
        }
        self.handle = handle
        try append(header)
    }

    func append(_ line: String) throws {
        try handle.write(contentsOf: Data((line + "\n").utf8))
    }

    func commit() throws {
        try handle.synchronize()
        try handle.close()
        guard rename(tempPath, finalPath) == 0 else { throw FeedError("cannot write \(finalPath)") }
    }

    func discard() {
        try? handle.close()
        unlink(tempPath)
    }
}
