import CCurl

/// The libcurl this binary runs with, for `User-Agent` and diagnostics.
public enum CurlVersion {
    public static var string: String {
        guard let info = ehc_version_info(), let v = info.pointee.version else { return "unknown" }
        return String(cString: v)
    }
}
