import Foundation

/// Finds the files of a drop folder that are ready to take (SPEC §7): matching the
/// pattern, regular (never symlinks, FIFOs or folders), not hidden or temporary, and
/// either settled or announced by a marker.
struct FolderScanner {
    /// A file ready to take, with the marker that announced it (moved with it).
    struct Candidate: Equatable {
        var name: String
        var marker: String?
        var size: Int64
        var mtime: Double
    }

    let path: String
    let pattern: String
    let ready: ReadyRule
    let settleSeconds: Int

    static let reservedSuffixes = [".tmp", ".part", ".done", ".ctl", ".error.txt", ".errors.txt", ".partial", ".swp"]

    /// True for names EHC Sync must never take, whatever the pattern says.
    static func isIgnored(_ name: String) -> Bool {
        if name.hasPrefix(".") || name.hasPrefix("~") { return true }
        let lower = name.lowercased()
        return reservedSuffixes.contains { lower.hasSuffix($0) }
    }

    /// The ready files, oldest first (then by name), so exports apply in the order made.
    func scan(wallClock: Date) throws -> [Candidate] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw FeedError("cannot list the drop folder \(path): \((error as NSError).localizedDescription)")
        }
        let nameSet = Set(names)
        var out: [Candidate] = []
        for name in names where !Self.isIgnored(name) && fnmatch(pattern, name, 0) == 0 {
            var st = stat()
            guard lstat(path + "/" + name, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { continue }
            let mtime = Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9
            switch ready {
            case .stable:
                guard wallClock.timeIntervalSince1970 - mtime >= Double(settleSeconds) else { continue }
                out.append(Candidate(name: name, marker: nil, size: Int64(st.st_size), mtime: mtime))
            case .marker:
                let stem = (name as NSString).deletingPathExtension
                let markers = [name + ".done", name + ".ctl", stem + ".done", stem + ".ctl"]
                guard let marker = markers.first(where: { nameSet.contains($0) && Self.isRegular(path + "/" + $0) }) else { continue }
                out.append(Candidate(name: name, marker: marker, size: Int64(st.st_size), mtime: mtime))
            }
        }
        return out.sorted { ($0.mtime, $0.name) < ($1.mtime, $1.name) }
    }

    /// Regular files in the folder that the pattern will never take (hidden, temporary
    /// and marker names aside): data a DCO may be missing (SPEC §7).
    func strays() -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return [] }
        return names.filter { name in
            !Self.isIgnored(name) && fnmatch(pattern, name, 0) != 0 && Self.isRegular(path + "/" + name)
        }.sorted()
    }

    static func isRegular(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
    }
}
