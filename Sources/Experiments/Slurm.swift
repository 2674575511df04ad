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
    /// `--account`, `--qos`, `--mem`, `--gres`, `--constraint`, `--sbatch-option`: in both scripts.
    public var options: SlurmOptions

    public init(executable: String, spec: String, results: String, overrides: [String], arraySize: Int, partition: String? = nil,
                time: String? = nil, cpusPerTask: Int? = nil, workers: Int = 1, retryFailed: Bool = false, name: String,
                options: SlurmOptions = SlurmOptions()) {
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
        self.options = options
    }

    public var slurmDirectory: String { (results as NSString).appendingPathComponent("slurm") }
    public var logsDirectory: String { (results as NSString).appendingPathComponent("logs") }
    public var arrayScriptPath: String { (slurmDirectory as NSString).appendingPathComponent("array.sbatch") }
    public var collectScriptPath: String { (slurmDirectory as NSString).appendingPathComponent("collect.sbatch") }
    public var tablePath: String { (results as NSString).appendingPathComponent("table.csv") }
    public var figurePath: String { (results as NSString).appendingPathComponent("figure.svg") }

    // MARK: Values in the scripts
    //
    // Values reach a script in two places. Shell command lines: every value is quoted by
    // `ShellQuoting.quote`, which is exact for any bytes. `#SBATCH` directive lines: sbatch
    // reads one line per directive, so a newline there would end the directive and start a
    // shell command; directive values must hold no control character. The partition and
    // time limit are refused if they do; the job name (from the spec's file name) has them
    // replaced; a results path with them has its log files named on sbatch's command line.

    /// Checks a value for an `#SBATCH` line: not empty, no control character, no white space.
    public static func checkDirectiveValue(_ value: String, flag: String) throws {
        guard !value.isEmpty else { throw SpecError(source: flag, key: "", "must not be empty") }
        if value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw SpecError(source: flag, key: "", "\(value.debugDescription) holds a newline or another control character, " +
                            "which a Slurm job script cannot take")
        }
        if value.unicodeScalars.contains(where: { $0.properties.isWhitespace }) {
            throw SpecError(source: flag, key: "", "\(value.debugDescription) holds white space, which Slurm does not accept here")
        }
    }

    /// Checks a time limit: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS, or UNLIMITED.
    public static func checkTime(_ value: String, flag: String = "--time") throws {
        try checkDirectiveValue(value, flag: flag)
        let pattern = #"^([0-9]+(:[0-9]+){0,2}|[0-9]+-[0-9]+(:[0-9]+){0,2}|(?i:unlimited|infinite))$"#
        guard value.range(of: pattern, options: .regularExpression) != nil else {
            throw SpecError(source: flag, key: "", "\(value.debugDescription) is not a Slurm time limit " +
                            "(minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS or UNLIMITED)")
        }
    }

    /// Checks that Slurm can name log files in `results/logs`: its `--output` takes every
    /// character but the backslash, which makes it drop the backslashes and stop expanding
    /// `%A`/`%a` (measured: the job fails to launch, its log folder not found).
    public static func checkResultsFolder(_ path: String, flag: String = "--results") throws {
        if path.contains("\\") {
            throw SpecError(source: flag, key: "", "Slurm cannot write job logs under \(path.debugDescription): " +
                            "its path holds a backslash; choose a results folder without one")
        }
    }

    /// The job name as written in the scripts: control characters (possible in a file name)
    /// replaced by `?`.
    var label: String {
        String(String.UnicodeScalarView(name.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : $0 }))
    }

    /// One `#SBATCH --option="value"` line: double-quoted (sbatch strips the quotes, `\\`
    /// escapes), so that spaces and `#` stay in the value. The value must pass
    /// `checkDirectiveValue` except for white space.
    static func directive(_ option: String, _ value: String) throws -> String {
        if value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw SpecError(source: "--\(option)", key: "", "\(value.debugDescription) holds a control character, " +
                            "which an #SBATCH line cannot take")
        }
        let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "#SBATCH --\(option)=\"\(escaped)\""
    }

    /// Whether the log files can be named in the scripts' directives; when not (a control
    /// character in the results path), `submit` and `submitCommands` give sbatch `--output`.
    public var logsInDirectives: Bool {
        !logsDirectory.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }

    /// The `--output` pattern of a log file: the logs folder with `%` doubled (sbatch expands
    /// `%` patterns in file names, `%%` is a literal `%`), then `name`.
    func outputPattern(_ name: String) -> String {
        logsDirectory.replacingOccurrences(of: "%", with: "%%") + "/" + name
    }

    static let arrayLog = "shard-%A_%a.out"
    static let collectLog = "collect.out"

    /// sbatch options that go on its command line rather than in the script.
    func commandLineOptions(log: String) -> [String] {
        logsInDirectives ? [] : ["--output=" + outputPattern(log)]
    }

    private func header(log: String) throws -> [String] {
        try Self.checkResultsFolder(results)
        var lines: [String] = []
        if logsInDirectives {
            lines.append(try Self.directive("output", outputPattern(log)))
        } else {
            lines.append("# The log file is named on sbatch's command line (--output): the results path cannot be written here.")
        }
        if let partition {
            try Self.checkDirectiveValue(partition, flag: "--partition")
            lines.append(try Self.directive("partition", partition))
        }
        if let time {
            try Self.checkTime(time)
            lines.append(try Self.directive("time", time))
        }
        try options.validate()
        for (option, value, _) in options.named { lines.append(try Self.directive(option, value)) }
        for extra in options.extra {
            lines.append(try extra.value.map { try Self.directive(extra.key, $0) } ?? "#SBATCH --\(extra.key)")
        }
        return lines
    }

    // MARK: Scripts

    public var arrayScript: String {
        get throws {
            let q = ShellQuoting.quote
            var lines = ["#!/bin/bash",
                         "# Sweep \(label): task i of \(arraySize) runs shard i/\(arraySize) (0-based) of the cells.",
                         "# Resubmitting runs only the cells without a record in the results folder.",
                         try Self.directive("job-name", label),
                         "#SBATCH --array=0-\(arraySize - 1)"]
            if let c = cpusPerTask { lines.append("#SBATCH --cpus-per-task=\(c)") }
            lines += try header(log: Self.arrayLog)
            lines += ["set -euo pipefail"]
            var command = [try q(executable), "sweep", try q(spec), "--results", try q(results),
                           "--shard", "\"${SLURM_ARRAY_TASK_ID}/\(arraySize)\"", "--workers", String(workers)]
            command += ["--threads", "\"$(( ${SLURM_CPUS_PER_TASK:-1} / \(workers) > 0 ? ${SLURM_CPUS_PER_TASK:-1} / \(workers) : 1 ))\""]
            if retryFailed { command.append("--retry-failed") }
            for o in overrides { command += ["--set", try q(o)] }
            lines.append(command.joined(separator: " "))
            return lines.joined(separator: "\n") + "\n"
        }
    }

    public var collectScript: String {
        get throws {
            let q = ShellQuoting.quote
            var lines = ["#!/bin/bash",
                         "# Collects sweep \(label) once every array task has succeeded; submitted with",
                         "#   --dependency=afterok:<array job> --kill-on-invalid-dep=yes",
                         try Self.directive("job-name", label + "-collect")]
            lines += try header(log: Self.collectLog)
            lines += ["set -euo pipefail",
                      "\(try q(executable)) collect \(try q(results)) --out \(try q(tablePath))",
                      "# The figure is an extra: when none fits the table (or drawing fails) the job notes it and succeeds.",
                      "\(try q(executable)) plot \(try q(results)) --out \(try q(figurePath)) || " +
                          "echo \"note: no figure drawn (see the message above); the table is complete\" >&2"]
            return lines.joined(separator: "\n") + "\n"
        }
    }

    /// Writes both scripts (executable) under `results/slurm`. Both are made before anything
    /// is created, so a value that cannot be written leaves no file or folder.
    public func writeScripts() throws {
        let array = try arrayScript, collect = try collectScript
        let fm = FileManager.default
        for dir in [slurmDirectory, logsDirectory] {
            try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
        }
        try AtomicFile.write(Data(array.utf8), to: arrayScriptPath, permissions: 0o755)
        try AtomicFile.write(Data(collect.utf8), to: collectScriptPath, permissions: 0o755)
    }

    /// The sbatch commands that submit the two jobs (for people submitting by hand).
    public var submitCommands: [String] {
        get throws {
            let array = try (commandLineOptions(log: Self.arrayLog) + [arrayScriptPath]).map(ShellQuoting.quote)
            let collect = try (commandLineOptions(log: Self.collectLog) + [collectScriptPath]).map(ShellQuoting.quote)
            return ["ARRAY=$(sbatch --parsable \(array.joined(separator: " ")))",
                    "sbatch --parsable --dependency=afterok:${ARRAY%%;*} --kill-on-invalid-dep=yes \(collect.joined(separator: " "))"]
        }
    }

    /// Submits the array, then the collect job depending on it; returns both job ids.
    public func submit() throws -> (array: String, collect: String) {
        let array = try Self.sbatch(["--parsable"] + commandLineOptions(log: Self.arrayLog) + [arrayScriptPath])
        do {
            let collect = try Self.sbatch(["--parsable", "--dependency=afterok:\(array)", "--kill-on-invalid-dep=yes"] +
                                          commandLineOptions(log: Self.collectLog) + [collectScriptPath])
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
