/// The version EHC Sync reports in logs, `User-Agent` and `--version`.
public enum EHCSyncVersion {
    public static let string = "0.1.0"
}
