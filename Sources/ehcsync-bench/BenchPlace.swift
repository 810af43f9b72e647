import EHCSync
import Foundation

/// The benchmark's place on disk: a drop folder for the LA feed, a staging folder
/// where exports are written before they are dropped, the store, and the config that
/// ties them together (written out too, so a kept place can be looked at with
/// `ehcsync status --config DIR/ehcsync.yaml`).
struct BenchPlace {
    let dir: String
    /// Made by the benchmark, so removed at the end unless `--keep`.
    let isTemporary: Bool

    var dropFolder: String { dir + "/la" }
    var stagingFolder: String { dir + "/staging" }
    var storePath: String { dir + "/ehcsync.sqlite" }
    var configPath: String { dir + "/ehcsync.yaml" }

    /// Makes the folders: `--dir` must be new or empty, so nothing of an earlier run is measured.
    /// The folder of an earlier run kept with `--keep` or `--dir`.
    static func existing(_ dir: String) throws -> BenchPlace {
        let place = BenchPlace(dir: dir, isTemporary: false)
        guard FileManager.default.fileExists(atPath: place.storePath), FileManager.default.fileExists(atPath: place.configPath) else {
            throw BenchError("\(dir) holds no store and config of an earlier run (ehcsync.sqlite, ehcsync.yaml)")
        }
        return place
    }

    static func make(_ requested: String?) throws -> BenchPlace {
        let fm = FileManager.default
        guard let requested else {
            var base = NSTemporaryDirectory()
            while base.hasSuffix("/") { base.removeLast() }
            var template = Array((base + "/ehcsync-bench.XXXXXX").utf8CString)
            guard let made = mkdtemp(&template) else { throw BenchError("cannot make a temporary folder") }
            let place = BenchPlace(dir: String(cString: made), isTemporary: true)
            try place.makeFolders()
            return place
        }
        let absolute = requested.hasPrefix("/") ? requested : fm.currentDirectoryPath + "/" + requested
        if fm.fileExists(atPath: absolute), !((try? fm.contentsOfDirectory(atPath: absolute))?.isEmpty ?? false) {
            throw BenchError("\(absolute) exists and is not an empty folder: choose another --dir")
        }
        let place = BenchPlace(dir: absolute, isTemporary: false)
        try place.makeFolders()
        return place
    }

    private func makeFolders() throws {
        for folder in [dropFolder, stagingFolder] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
    }

    /// The config of one LA folder feed, as a site would write it for this export.
    var configText: String {
        """
        # Made by ehcsync-bench. Synthetic data only.
        store: \(storePath)
        timezone: Europe/London
        feeds:
          - name: la-cases
            role: la
            every: 5m
            folder: { path: \(dropFolder), pattern: "*.csv", ready: stable, settle_seconds: 0 }
            format: csv
            csv:
              encoding: utf-8
              delimiter: ","
              date_format: dd/MM/yyyy
              columns:
                request_id: Advice Ref
                case_ref: EHC Ref
                assessment_requested_on: Assessment Requested
                nhs_number: NHS No
                date_of_birth: DOB
                given_name: Forename
                family_name: Surname
                provider_ods: Provider ODS
                service: Service
                requested_on: Date Sent
                status: Status
                dispute: Dispute
                updated_at: Last Updated
              values:
                status: { Sent: requested, Cancelled: cancelled, Accepted: accepted, "Returned for amendment": returned }
                service:
                  "Speech, Language & Communication": salt
                  "Occupational Therapy": ot
                  Physiotherapy: physio
                  "Community Paediatrics": community-paediatrics
                  CAMHS: camhs
                  "Health Visiting": health-visiting
                  "School Nursing": school-nursing
                dispute: { "No": none, "Open": open, "Resolved": resolved }

        """
    }

    /// Writes the config and loads it the way the service does.
    func loadConfig() throws -> AppConfig {
        try Data(configText.utf8).write(to: URL(fileURLWithPath: configPath))
        switch ConfigLoader.parse(yaml: configText, file: configPath, environment: [:]) {
        case .success(let config): return config
        case .failure(let errors): throw BenchError("the benchmark's config does not load: \(errors)")
        }
    }

    /// Moves a finished export from staging into the drop folder with an mtime in the
    /// past, so the folder feed sees it as settled, as an export dropped a while ago.
    func drop(_ name: String) throws {
        let staged = stagingFolder + "/" + name
        var times = [timespec(tv_sec: time(nil) - 60, tv_nsec: 0), timespec(tv_sec: time(nil) - 60, tv_nsec: 0)]
        guard utimensat(AT_FDCWD, staged, &times, 0) == 0 else { throw BenchError("cannot set the mtime of \(staged)") }
        guard rename(staged, dropFolder + "/" + name) == 0 else { throw BenchError("cannot move \(staged) into the drop folder") }
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: dir)
    }
}
