import Foundation
import Persistence
import Support
import Training
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

    /// The format of records and manifests this version writes and reads. Format 1 (before
    /// the settings were declared once) kept configurations as text and hashed another
    /// canonical form; its folders are refused (see ``ResultStore/manifest()``).
    public static let currentFormat = 2

    public var format = CellRecord.currentFormat
    /// The version of the tool that ran the cell.
    public var toolVersion = ToolVersion.current
    public var cellID: String
    public var index: Int
    public var command: SweepCommand
    public var status: Status
    /// The cell's settings as typed values (numbers as numbers, booleans as booleans, the
    /// residual bias as used), as in the manifest.
    public var settings: [String: JSONValue]
    /// Simulate cells: the model indices `[first, end)`.
    public var models: [Int]?
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
    public var weightPath: WeightPath?

    public init(cell: Cell, status: Status, host: String, pid: Int32, started: String, seconds: Double) {
        cellID = cell.id
        index = cell.index
        command = cell.command
        self.status = status
        settings = cell.spec.settings
        models = cell.spec.models.map { [$0.lowerBound, $0.upperBound] }
        self.host = host
        self.pid = pid
        self.started = started
        self.seconds = seconds
    }

    enum CodingKeys: String, CodingKey {
        case format, toolVersion = "tool_version", cellID = "cell_id", index, command, status, settings, models, error, host, pid
        case started, seconds, metrics, rows, weightPath = "weight_path"
    }

    public static let rowColumns = ["beta", "model_index", "input_index", "h_ratio", "h_diff", "grad_ratio", "grad_diff"]
}

/// The `format` of a record or manifest, read before the rest.
private struct FormatProbe: Decodable { var format: Int? }

/// What a sweep stores about itself at sweep time (`sweep.json`): the spec it came from and
/// every cell, so that `collect` can count the missing ones and a later sweep into the same
/// folder can check that it is the same grid.
public struct SweepManifest: Codable, Equatable, Sendable {
    enum CodingKeys: String, CodingKey {
        case format, toolVersion = "tool_version", command, spec, description, fingerprint, axes, cells
    }

    public var format = CellRecord.currentFormat
    /// The version of the tool that registered the sweep.
    public var toolVersion = ToolVersion.current
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
        let format = (try? RecordJSON.decoder.decode(FormatProbe.self, from: data))?.format
        if let format, format != CellRecord.currentFormat {
            // Its cell ids hash another canonical form: read as this format, every cell would
            // look missing and be run again beside the old records.
            throw SpecError(source: "--results", key: "",
                            "'\(directory)' holds the results of an earlier version of resnet-scaling (results format \(format); " +
                            "this version reads format \(CellRecord.currentFormat), whose cell ids differ): use a new results folder")
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

    /// What `cells/<id>.json` holds: nothing, a record, or a file that cannot be read as the
    /// cell's record (truncated, not JSON, another cell's record, unreadable) with the reason.
    public enum StoredRecord: Sendable {
        case none
        case record(CellRecord)
        case unreadable(reason: String)
    }

    /// Looks up the record of a cell, telling a missing record from an unreadable one.
    public func lookup(_ id: String) -> StoredRecord {
        let data: Data
        // Through InputFile: a FIFO or device planted at the record's path is reported, not read (it could block).
        do { data = try InputFile.read(recordPath(id)) } catch InputFileError.missing {
            return .none
        } catch let e as InputFileError {
            return .unreadable(reason: e.reason)
        } catch {
            return .unreadable(reason: "\(error)")
        }
        guard !data.isEmpty else { return .unreadable(reason: "the file is empty") }
        if let format = (try? RecordJSON.decoder.decode(FormatProbe.self, from: data))?.format, format != CellRecord.currentFormat {
            return .unreadable(reason: "it was written by another version of resnet-scaling (record format \(format), not \(CellRecord.currentFormat))")
        }
        let record: CellRecord
        do { record = try RecordJSON.decoder.decode(CellRecord.self, from: data) } catch let e as DecodingError {
            return .unreadable(reason: RecordJSON.describe(e) + " (\(data.count) bytes)")
        } catch {
            return .unreadable(reason: "\(error)")
        }
        guard record.cellID == id else { return .unreadable(reason: "it holds the record of cell \(record.cellID)") }
        return .record(record)
    }

    /// The record of a cell, nil when there is none or it cannot be read (see `lookup`).
    public func record(_ id: String) -> CellRecord? {
        if case .record(let r) = lookup(id) { return r }
        return nil
    }

    /// The warning for a record that cannot be read: the next sweep runs its cell again.
    public func unreadableWarning(_ id: String, reason: String) -> String {
        "\(recordPath(id)) is unreadable: \(reason); it will be run again"
    }

    public func write(_ record: CellRecord) throws {
        try AtomicFile.write(try RecordJSON.encoder.encode(record), to: recordPath(record.cellID))
    }

    /// Every record file in `cells/`: the readable records and the reasons of the unreadable
    /// ones, by id.
    public func scan() -> (records: [String: CellRecord], unreadable: [String: String]) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: cellsDirectory)) ?? []
        var records: [String: CellRecord] = [:], unreadable: [String: String] = [:]
        for name in names where name.hasSuffix(".json") && !name.hasPrefix(".") {
            let id = String(name.dropLast(5))
            switch lookup(id) {
            case .none: break
            case .record(let r): records[id] = r
            case .unreadable(let reason): unreadable[id] = reason
            }
        }
        return (records, unreadable)
    }

    /// Every readable record, by id.
    public func records() -> [String: CellRecord] { scan().records }

    // MARK: Locks

    /// Takes the cell's lock without waiting; nil if another process (or thread) holds it.
    public func tryLock(_ id: String) throws -> FileLock? {
        let path = (locksDirectory as NSString).appendingPathComponent("\(id).lock")
        do { return try FileLock.tryLock(path) } catch let e as FileLockError {
            throw SpecError(source: e.path, key: "", e.reason)
        }
    }
}

/// JSON of records and manifests: sorted keys; inf/-inf/nan written as strings.
enum RecordJSON {
    static var encoder: JSONEncoder { NonFiniteJSON.encoder() }
    static var decoder: JSONDecoder { NonFiniteJSON.decoder() }

    /// One short clause for a decoding error: what is wrong and where.
    static func describe(_ error: DecodingError) -> String {
        func at(_ context: DecodingError.Context) -> String {
            let path = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return path.isEmpty ? "" : " at \(path)"
        }
        switch error {
        case .dataCorrupted(let c) where c.codingPath.isEmpty: return "not valid JSON (truncated?)"
        case .dataCorrupted(let c): return "invalid value\(at(c)): \(c.debugDescription)"
        case .keyNotFound(let key, let c): return "missing key '\(key.stringValue)'\(at(c))"
        case .typeMismatch(_, let c), .valueNotFound(_, let c): return "wrong value\(at(c)): \(c.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}
