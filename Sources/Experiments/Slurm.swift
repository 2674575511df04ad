import Foundation
import Persistence

/// Job scripts for running a sweep as a Slurm job array: task i of n runs shard i/n of the
/// cells (`sweep … --shard $SLURM_ARRAY_TASK_ID/n`), and a collect job that depends on the
/// whole array (`--dependency=afterok:<array> --kill-on-invalid-dep=yes`) writes the table
/// and the figure. Nothing else schedules work: Slurm does.
public struct SlurmJob: Sendable {
    public var executable: String
    public var spec: String
    public var results: String
    /// `--set` overrides to repeat in every task (paths already absolute).
    public var overrides: [String]
    public var arraySize: Int
    public var partition: String?
    public var time: String?
    public var cpusPerTask: Int?
    public var workers: Int
    public var retryFailed: Bool
    public var name: String

    public init(executable: String, spec: String, results: String, overrides: [String], arraySize: Int, partition: String? = nil,
                time: String? = nil, cpusPerTask: Int? = nil, workers: Int = 1, retryFailed: Bool = false, name: String) {
        self.executable = executable
        self.spec = spec
        self.results = results
        self.overrides = overrides
        self.arraySize = arraySize
        self.partition = partition
        self.time = time
        self.cpusPerTask = cpusPerTask
        self.workers = workers
        self.retryFailed = retryFailed
        self.name = name
    }

    public var slurmDirectory: String { (results as NSString).appendingPathComponent("slurm") }
    public var logsDirectory: String { (results as NSString).appendingPathComponent("logs") }
    public var arrayScriptPath: String { (slurmDirectory as NSString).appendingPathComponent("array.sbatch") }
    public var collectScriptPath: String { (slurmDirectory as NSString).appendingPathComponent("collect.sbatch") }
    public var tablePath: String { (results as NSString).appendingPathComponent("table.csv") }
    public var figurePath: String { (results as NSString).appendingPathComponent("figure.svg") }

    /// Single-quoted for the shell.
    static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// A value for an `#SBATCH` line: double-quoted (sbatch strips the quotes, `\\` escapes),
    /// with `%` doubled when it is a path (sbatch expands `%` patterns in file names).
    static func sbatchValue(_ s: String, path: Bool = false) -> String {
        var v = s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        if path { v = v.replacingOccurrences(of: "%", with: "%%") }
        return "\"" + v + "\""
    }

    /// An `--output` value: the logs folder (taken literally) and a file name pattern.
    func outputValue(_ pattern: String) -> String {
        let folder = Self.sbatchValue(logsDirectory, path: true)
        return String(folder.dropLast()) + "/" + pattern + "\""
    }

    private var commonHeader: [String] {
        var lines: [String] = []
        if let partition { lines.append("#SBATCH --partition=\(partition)") }
        if let time { lines.append("#SBATCH --time=\(time)") }
        return lines
    }

    public var arrayScript: String {
        var lines = ["#!/bin/bash",
                     "# Sweep \(name): task i of \(arraySize) runs shard i/\(arraySize) (0-based) of the cells.",
                     "# Resubmitting runs only the cells without a record in the results folder.",
                     "#SBATCH --job-name=\(Self.sbatchValue(name))",
                     "#SBATCH --array=0-\(arraySize - 1)",
                     "#SBATCH --output=\(outputValue("shard-%A_%a.out"))"]
        if let c = cpusPerTask { lines.append("#SBATCH --cpus-per-task=\(c)") }
        lines += commonHeader
        lines += ["set -euo pipefail"]
        var command = [Self.quote(executable), "sweep", Self.quote(spec), "--results", Self.quote(results),
                       "--shard", "\"${SLURM_ARRAY_TASK_ID}/\(arraySize)\"", "--workers", String(workers)]
        command += ["--threads", "\"$(( ${SLURM_CPUS_PER_TASK:-1} / \(workers) > 0 ? ${SLURM_CPUS_PER_TASK:-1} / \(workers) : 1 ))\""]
        if retryFailed { command.append("--retry-failed") }
        for o in overrides { command += ["--set", Self.quote(o)] }
        lines.append(command.joined(separator: " "))
        return lines.joined(separator: "\n") + "\n"
    }

    public var collectScript: String {
        var lines = ["#!/bin/bash",
                     "# Collects sweep \(name) once every array task has succeeded; submitted with",
                     "#   --dependency=afterok:<array job> --kill-on-invalid-dep=yes",
                     "#SBATCH --job-name=\(Self.sbatchValue(name + "-collect"))",
                     "#SBATCH --output=\(outputValue("collect.out"))"]
        lines += commonHeader
        lines += ["set -euo pipefail",
                  "\(Self.quote(executable)) collect \(Self.quote(results)) --out \(Self.quote(tablePath))",
                  "\(Self.quote(executable)) plot \(Self.quote(results)) --out \(Self.quote(figurePath))"]
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes both scripts (executable) under `results/slurm`.
    public func writeScripts() throws {
        let fm = FileManager.default
        for dir in [slurmDirectory, logsDirectory] {
            try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
        }
        try AtomicFile.write(Data(arrayScript.utf8), to: arrayScriptPath)
        try AtomicFile.write(Data(collectScript.utf8), to: collectScriptPath)
        for p in [arrayScriptPath, collectScriptPath] { chmod(p, 0o755) }
    }

    /// The sbatch commands that submit the two jobs (for people submitting by hand).
    public var submitCommands: [String] {
        ["ARRAY=$(sbatch --parsable \(Self.quote(arrayScriptPath)))",
         "sbatch --parsable --dependency=afterok:${ARRAY%%;*} --kill-on-invalid-dep=yes \(Self.quote(collectScriptPath))"]
    }

    /// Submits the array, then the collect job depending on it; returns both job ids.
    public func submit() throws -> (array: String, collect: String) {
        let array = try Self.sbatch(["--parsable", arrayScriptPath])
        do {
            let collect = try Self.sbatch(["--parsable", "--dependency=afterok:\(array)", "--kill-on-invalid-dep=yes", collectScriptPath])
            return (array, collect)
        } catch let e as SpecError {
            throw SpecError(source: e.source, key: e.key,
                            "the array job \(array) was submitted, but the collect job was not: \(e.message); " +
                            "submit it by hand once the array is done, or cancel it with scancel \(array)")
        }
    }

    /// How long sbatch may take before it is killed (a hung controller must not hang us).
    static let sbatchTimeoutSeconds = 300

    /// Runs sbatch (killed after `sbatchTimeoutSeconds`) and returns the job id (`--parsable`
    /// prints `id` or `id;cluster`).
    static func sbatch(_ arguments: [String]) throws -> String {
        let process = Process()
        let timeout = "/usr/bin/timeout"
        if FileManager.default.isExecutableFile(atPath: timeout) {
            process.executableURL = URL(fileURLWithPath: timeout)
            process.arguments = ["--kill-after=10", String(sbatchTimeoutSeconds), "/usr/bin/env", "sbatch"] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["sbatch"] + arguments
        }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch {
            throw SpecError(source: "sbatch", key: "", "cannot run sbatch: \(error.localizedDescription)")
        }
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        if process.terminationStatus == 124 || process.terminationStatus == 137 {
            throw SpecError(source: "sbatch", key: "", "did not answer within \(sbatchTimeoutSeconds) s and was stopped")
        }
        guard process.terminationStatus == 0 else {
            throw SpecError(source: "sbatch", key: "", "failed (status \(process.terminationStatus)): \(stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        let id = stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ";").first.map(String.init) ?? ""
        guard !id.isEmpty, id.allSatisfy(\.isNumber) else {
            throw SpecError(source: "sbatch", key: "", "unexpected output '\(stdout)'")
        }
        return id
    }
}
