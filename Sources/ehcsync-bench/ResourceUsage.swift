import Foundation

/// The process's memory and CPU figures, read from the kernel. The peak is what the
/// issue's 100 MB budget is about: `ru_maxrss` is the peak over the whole process,
/// and `VmHWM` is the same peak but can be reset between passes (`resetPeak`), so
/// each pass gets its own.
struct ResourceUsage {
    /// `getrusage(RUSAGE_SELF).ru_maxrss`: the process's peak resident set, in bytes.
    var processPeakBytes: Int
    /// `VmHWM` from `/proc/self/status`: the peak since the last `resetPeak`, in bytes.
    var peakSinceResetBytes: Int?
    /// Resident now, from `/proc/self/statm`, in bytes.
    var currentBytes: Int?
    var userSeconds: Double
    var systemSeconds: Double

    static func now() -> ResourceUsage {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return ResourceUsage(
            processPeakBytes: Int(usage.ru_maxrss) * 1024,
            peakSinceResetBytes: statusField("VmHWM:"),
            currentBytes: currentResident(),
            userSeconds: Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6,
            systemSeconds: Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6)
    }

    /// Resets `VmHWM` to the current resident set (`clear_refs` 5, Linux 4.0 and later).
    /// Returns false where the kernel refuses; then only the process peak is reported.
    @discardableResult
    static func resetPeak() -> Bool {
        let fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return write(fd, "5", 1) == 1
    }

    private static func currentResident() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let parts = text.split(separator: " ")
        guard parts.count > 1, let pages = Int(parts[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    private static func statusField(_ name: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(name) {
            let number = line.dropFirst(name.count).split(whereSeparator: { $0 == " " || $0 == "\t" }).first.flatMap { Int($0) }
            return number.map { $0 * 1024 }
        }
        return nil
    }
}

/// Bytes as decimal megabytes (10^6, the stricter reading of the "100 MB")
/// with one decimal, the way the report prints memory.
func megabytes(_ bytes: Int?) -> String {
    guard let bytes else { return "n/a" }
    return String(format: "%.1f MB", Double(bytes) / 1_000_000)
}

/// Prints a line of the report at once, so it interleaves in order with the service's
/// log lines on stderr even when stdout is a pipe.
func say(_ line: String = "") {
    print(line)
    fflush(nil)
}
