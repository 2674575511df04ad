import Foundation
import Persistence
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The durable result of one cell: `cells/<id>.json` in the results folder.
public struct CellRecord: Codable, Equatable, Sendable {
    public enum Status: String, Codable, Sendable {
        case done
        case failed
    }

    public var format = 1
    public var cellID: String
    public var index: Int
    public var command: SweepCommand
    public var status: Status
    public var config: [String: String]
    /// The error of a failed cell.
    public var error: String?
    public var host: String
    public var pid: Int32
    public var started: String
    public var seconds: Double
    /// Train cells: the metrics (see `TrainCell.metricNames`).
    public var metrics: [String: Double]?
    /// Simulate cells: one row per (model, β, input): β, model index, input index,
    /// h_ratio, h_diff, grad_ratio, grad_diff.
    public var rows: [[Double]]?
    /// Train cells with `weight-entry`: V_k[i, j] against k.
    public var weightPath: TrainCell.WeightPath?

    enum CodingKeys: String, CodingKey {
        case format, cellID = "cell_id", index, command, status, config, error, host, pid, started, seconds, metrics, rows
        case weightPath = "weight_path"
    }

    public static let rowColumns = ["beta", "model_index", "input_index", "h_ratio", "h_diff", "grad_ratio", "grad_diff"]
}

/// What a sweep stores about itself at sweep time (`sweep.json`): the spec it came from and
/// every cell, so that `collect` can count the missing ones and a later sweep into the same
/// folder can check that it is the same grid.
public struct SweepManifest: Codable, Equatable, Sendable {
    public var format = 1
    public var command: SweepCommand
    public var spec: String
    public var description: String
    public var fingerprint: String
    public var axes: [String]
    public var cells: [Cell]

    public init(plan: SweepPlan) {
        command = plan.spec.command
        spec = URL(fileURLWithPath: plan.spec.source).standardizedFileURL.path
        description = plan.spec.description
        fingerprint = plan.fingerprint
        axes = plan.axisNames
        cells = plan.cells
    }
}

/// A results folder:
///
/// ```
/// DIR/sweep.json          the manifest (spec, every cell with its id and configuration)
/// DIR/cells/<id>.json     one record per finished cell (done or failed), written atomically
/// DIR/locks/<id>.lock     per-cell lock files (flock), held while a process runs the cell
/// DIR/runs/<id>/          train cells: the run folder (metrics.json, checkpoint.bin)
/// DIR/slurm/, DIR/logs/   job scripts and their logs (--slurm)
/// ```
///
/// Records are written to a temporary file, flushed (fsync), renamed over the final name
/// and the folder flushed, so a reader or a crash sees a whole record or none. A cell is
/// run only under an exclusive `flock` on its lock file; the kernel releases it when the
/// process dies (even by SIGKILL), and the record is checked again after the lock is
/// taken, so two processes never both run a cell.
public final class ResultStore: @unchecked Sendable {
    public let directory: String
    public var cellsDirectory: String { path("cells") }
    public var locksDirectory: String { path("locks") }
    public var runsDirectory: String { path("runs") }
    public var manifestPath: String { path("sweep.json") }

    /// Opens (and with `create`, creates) a results folder.
    public init(directory: String, create: Bool) throws {
        // An empty path would silently mean the working directory.
        guard !directory.isEmpty else { throw SpecError(source: "--results", key: "", "must not be empty") }
        self.directory = URL(fileURLWithPath: directory).standardizedFileURL.path
        let fm = FileManager.default
        if create {
            for dir in [self.directory, cellsDirectory, locksDirectory, runsDirectory] {
                var isDir: ObjCBool = false
                if fm.fileExists(atPath: dir, isDirectory: &isDir) {
                    guard isDir.boolValue else { throw SpecError(source: "--results", key: "", "'\(dir)' exists and is not a folder") }
                    continue
                }
                do { try fm.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
                    throw SpecError(source: "--results", key: "", "cannot create '\(dir)': \(error.localizedDescription)")
                }
            }
            guard fm.isWritableFile(atPath: self.directory) else {
                throw SpecError(source: "--results", key: "", "folder '\(self.directory)' is not writable")
            }
        } else {
            do { try InputFile.checkFolder(self.directory) } catch let e as InputFileError {
                if case .missing = e { throw SpecError(source: directory, key: "", "results folder not found") }
                throw SpecError(source: directory, key: "", e.reason)
            }
        }
    }

    public func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }

    /// The folder's own files and folders (the manifest, cells, locks, runs, Slurm scripts
    /// and logs), which no output of a command reading the folder may overwrite; the
    /// folder's other files (e.g. the table and figure of the Slurm collect job) are free.
    public static func ownEntries(of directory: String) -> [(description: String, path: String, isFolder: Bool)] {
        let d = directory as NSString
        return [("the sweep manifest", d.appendingPathComponent("sweep.json"), false)]
            + ["cells", "locks", "runs", "slurm", "logs"].map { ("the results folder's \($0)/", d.appendingPathComponent($0), true) }
    }

    public func recordPath(_ id: String) -> String { (cellsDirectory as NSString).appendingPathComponent("\(id).json") }
    public func runDirectory(_ id: String) -> String { (runsDirectory as NSString).appendingPathComponent(id) }

    // MARK: Manifest

    public func manifest() throws -> SweepManifest? {
        guard InputFile.entryExists(manifestPath) else { return nil }
        let data: Data
        do { data = try InputFile.read(manifestPath) } catch let e as InputFileError {
            throw SpecError(source: manifestPath, key: "", "unreadable sweep manifest: \(e.reason)")
        }
        do { return try RecordJSON.decoder.decode(SweepManifest.self, from: data) } catch {
            throw SpecError(source: manifestPath, key: "", "unreadable sweep manifest: \(error)")
        }
    }

    /// Writes the manifest of `plan`, or checks that the folder already holds the same grid.
    /// The manifest is created exclusively (written whole to a temporary file, then hard-linked
    /// to `sweep.json`, which fails if it exists), so of two processes registering different
    /// grids at once exactly one wins and the other is refused.
    public func register(_ plan: SweepPlan) throws {
        if let existing = try manifest() { return try check(existing, against: plan) }
        let tmp = path(".sweep.json.new-\(getpid())-\(UUID().uuidString)")
        defer { unlink(tmp) }
        try AtomicFile.write(try RecordJSON.encoder.encode(SweepManifest(plan: plan)), to: tmp)
        if link(tmp, manifestPath) != 0 {
            let code = errno
            guard code == EEXIST else {
                throw SpecError(source: manifestPath, key: "", "cannot create the sweep manifest: \(String(cString: strerror(code)))")
            }
            // Another process registered first: the folder must hold this same grid.
            guard let existing = try manifest() else {
                throw SpecError(source: manifestPath, key: "", "the sweep manifest exists but cannot be read")
            }
            try check(existing, against: plan)
        }
    }

    private func check(_ existing: SweepManifest, against plan: SweepPlan) throws {
        guard existing.fingerprint == plan.fingerprint else {
            throw SpecError(source: "--results", key: "",
                            "'\(directory)' holds another sweep (\(existing.cells.count) cells from \(existing.spec)); " +
                            "its cells differ from this spec's \(plan.cells.count): use another results folder")
        }
    }

    // MARK: Records

    /// The record of a cell, nil when there is none (or it cannot be read).
    public func record(_ id: String) -> CellRecord? {
        guard let data = FileManager.default.contents(atPath: recordPath(id)) else { return nil }
        return try? RecordJSON.decoder.decode(CellRecord.self, from: data)
    }

    public func write(_ record: CellRecord) throws {
        try AtomicFile.write(try RecordJSON.encoder.encode(record), to: recordPath(record.cellID))
    }

    /// Every readable record, by id.
    public func records() -> [String: CellRecord] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: cellsDirectory)) ?? []
        var result: [String: CellRecord] = [:]
        for name in names where name.hasSuffix(".json") && !name.hasPrefix(".") {
            let id = String(name.dropLast(5))
            if let r = record(id) { result[id] = r }
        }
        return result
    }

    // MARK: Locks

    /// Takes the cell's lock without waiting; nil if another process (or thread) holds it.
    public func tryLock(_ id: String) throws -> CellLock? {
        let path = (locksDirectory as NSString).appendingPathComponent("\(id).lock")
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw SpecError(source: path, key: "", "cannot open lock file: \(String(cString: strerror(errno)))")
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            close(fd)
            if code == EWOULDBLOCK || code == EAGAIN { return nil }
            throw SpecError(source: path, key: "", "cannot lock: \(String(cString: strerror(code)))")
        }
        // Who holds it, for people looking at the folder (not used for locking).
        let note = "\(ProcessInfo.processInfo.hostName) \(getpid())\n"
        _ = ftruncate(fd, 0)
        _ = note.withCString { pwrite(fd, $0, strlen($0), 0) }
        return CellLock(fd: fd)
    }
}

/// An exclusive lock on one cell; released by `release()`, on deinit, or by the kernel when
/// the process dies.
public final class CellLock: @unchecked Sendable {
    private var fd: Int32

    init(fd: Int32) { self.fd = fd }

    public func release() {
        guard fd >= 0 else { return }
        flock(fd, LOCK_UN)
        close(fd)
        fd = -1
    }

    deinit { release() }
}


/// JSON of records and manifests: sorted keys; inf/-inf/nan written as strings.
enum RecordJSON {
    static var encoder: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return e
    }

    static var decoder: JSONDecoder {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return d
    }
}
