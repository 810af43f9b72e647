import Logging

extension ConfigBuilder {
    /// `log_level:` (swift-log's levels, default `info`) and `metrics_file:` (optional;
    /// a `.prom` file, as node_exporter's textfile collector reads only those). Keys of
    /// the running service that SPEC §8 leaves open; both are read at start and reload.
    func serviceKeys(_ top: ConfigFields) -> (logLevel: Logger.Level, metricsFile: String?)? {
        var ok = true
        var level = Logger.Level.info
        if let entry = top["log_level"] {
            if let chosen = reader.choice(entry, Logger.Level.self) { level = chosen } else { ok = false }
        }
        var metricsFile: String?
        if let entry = top["metrics_file"] {
            metricsFile = plainPath(entry)
            if let path = metricsFile, !path.hasSuffix(".prom") {
                reader.report(entry.line, entry.path, "must name a .prom file: node_exporter's textfile collector reads only those")
                metricsFile = nil
            }
            if metricsFile == nil { ok = false }
        }
        return ok ? (level, metricsFile) : nil
    }
}
