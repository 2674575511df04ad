import ArgumentParser
import Foundation
import ResNetScaling

/// `resnet-scaling sweep`: a grid of `simulate` or `train` runs from a YAML spec, resumable,
/// shardable, and as a Slurm job array.
struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a grid of simulate or train cells from a YAML spec: resumable, shardable, Slurm job arrays.",
        discussion: """
        The spec (see experiments/*.yaml) gives the command, fixed settings, axes and the seed; the keys of \
        settings and axes are the settings of the command (see `resnet-scaling simulate --help` and \
        `resnet-scaling train --help`), and `models-per-cell: N` splits a simulate run's models into cells. \
        The grid is expanded into typed cells with stable ids (SHA-256 of the cell's canonical settings); each finished \
        cell is recorded atomically as DIR/cells/<id>.json, done or failed. Running the same command again \
        (after a crash, a kill, or in parallel on the same folder) runs only the cells without a record: \
        cells are locked with flock while they run. simulate cells are one (depth, initialization) with \
        every β inside; train cells are one training run in DIR/runs/<id> (resumed from its checkpoint).

        --shard i/n runs every n-th cell starting at i (0-based: 0 ≤ i < n).
        --slurm writes DIR/slurm/array.sbatch (one shard per array task) and DIR/slurm/collect.sbatch \
        (collect + plot, after the array); --submit also submits both and prints their job ids. The scripts run \
        a copy of this program, DIR/bin/resnet-scaling-<version>-<revision>-<sha>: a second submission from the \
        same build reuses it, one from another build adds its own copy beside it. --partition, --time, --account, \
        --qos, --mem, --gres, --constraint and each --sbatch-option KEY=VALUE become #SBATCH lines of both scripts.

          resnet-scaling sweep experiments/fig7-quick.yaml --results runs/fig7 --workers 2
          resnet-scaling collect runs/fig7 --out fig7.csv && resnet-scaling plot fig7.csv --out fig7.svg
          resnet-scaling sweep experiments/fig9-mnist.yaml --results /shared/fig9 --slurm --array-size 100 \\
            --partition cpu --time 04:00:00 --cpus-per-task 4 --submit
        """
    )

    @Argument(help: ArgumentHelp("The YAML spec file.", valueName: "spec.yaml"))
    var spec: String

    @Option(help: ArgumentHelp("Results folder (created if missing; on a shared filesystem for Slurm).", valueName: "dir"))
    var results: String

    @Option(parsing: .unconditional, help: "Cells run at the same time by this process.", transform: OptionParsing.threads)
    var workers: Int = 1

    @Option(parsing: .unconditional, help: "Threads per cell (default: the spec's threads, else cores / workers).", transform: OptionParsing.threads)
    var threads: Int?

    @Option(parsing: .unconditional, help: ArgumentHelp("Run only shard i of n: every n-th cell starting at i (0-based).", valueName: "i/n"))
    var shard: String?

    @Option(name: .customLong("set"), parsing: .singleValue,
            help: ArgumentHelp("Override a setting of the spec (or models-per-cell): key=value (several values a,b,c or start:stop:count make it an axis).",
                               valueName: "key=value"))
    var overrides: [String] = []

    @Flag(name: .customLong("retry-failed"), help: "Run again the cells recorded as failed.")
    var retryFailed = false

    @OptionGroup var slurmArguments: SlurmArguments

    @Flag(help: "Print only the final summary.")
    var quiet = false

    @Option(name: .customLong("max-cells"), parsing: .unconditional,
            help: "Refuse grids of more cells than this (counted before they are expanded).",
            transform: OptionParsing.positiveInt)
    var maxCells: Int = SweepPlan.defaultMaximumCells

    @OptionGroup var resources: MemoryOption

    func validate() throws {
        // An empty path would silently mean the working directory.
        if results.isEmpty { throw ValidationError("--results must not be empty") }
        if slurmArguments.slurm && shard != nil { throw ValidationError("--shard: the Slurm array assigns shards; do not combine with --slurm") }
    }

    func run() throws {
        // The spec must not be one of the files the sweep writes in its results folder.
        var outputs = Outputs()
        for entry in ResultStore.ownEntries(of: results) { try outputs.folder("--results", entry.path) }
        try outputs.input("the spec", file: spec)
        var parsed: SweepSpec
        // A YAML document's nodes take far more than its text: ~64 bytes per byte.
        try InputSize.check(spec, expansion: 64, limit: resources.limit, what: "a YAML spec")
        do {
            parsed = try SweepSpec.load(path: spec)
            try parsed.apply(overrides: overrides)
        } catch let e as SpecError { throw ValidationError(e.description) }
        let plan: SweepPlan
        do { plan = try SweepPlan(spec: parsed, maximumCells: maxCells) } catch let e as SpecError { throw ValidationError(e.description) }
        if slurmArguments.slurm {
            do { try SlurmJob.checkResultsFolder(URL(fileURLWithPath: results).standardizedFileURL.path) } catch let e as SpecError {
                throw ValidationError(e.description)
            }
        }
        // Everything that can be checked without the results folder is checked before it is
        // created: the shard, the threads, and the memory of the cells run at once (train
        // cells without their data here; with it once the data is loaded).
        var options = SweepOptions(workers: workers, threads: threads, retryFailed: retryFailed, memoryLimit: resources.limit)
        if let shard {
            do { options.shard = try Shard(parsing: shard) } catch let e as SpecError { throw ValidationError(e.description) }
        }
        let threadsPerCell = SweepRunner.threadsPerCell(plan: plan, options: options)
        try ResourceLimits.checkThreads(threadsPerCell, subject: "\(spec): threads")
        if !slurmArguments.slurm {
            try plan.checkMemory(plan.cells(in: options.shard), workers: workers, threads: threadsPerCell, limit: resources.limit)
        }
        let store: ResultStore
        do { store = try ResultStore(directory: results, create: true) } catch let e as SpecError { throw ValidationError(e.description) }

        if slurmArguments.slurm {
            do { try store.register(plan) } catch let e as SpecError { throw ValidationError(e.description) }
            try writeSlurm(plan: plan, store: store, spec: parsed)
            return
        }
        let quiet = self.quiet
        // Overall progress (done, failed, running, ETA) on one line that the cell lines scroll past.
        let printer = ProgressReporter(label: "sweep", enabled: !quiet)
        let runner = SweepRunner(plan: plan, store: store, options: options, log: { line in
            printer.clear()
            if !quiet { FileHandle.standardError.write(Data("sweep: \(line)\n".utf8)) }
        }, warn: { line in
            printer.clear()
            FileHandle.standardError.write(Data("sweep: warning: \(line)\n".utf8))
        })
        runner.progress = { p in printer.update { "sweep: " + p.line } }
        defer { printer.clear() }
        let started = Date()
        let report: SweepReport
        do { report = try runner.run() } catch let e as SpecError { throw ValidationError(e.description) }
        print(String(format: "%@ (shard %@, %.1f s) → %@", report.summary, options.shard.description,
                     Date().timeIntervalSince(started), store.directory))
    }

    /// The sbatch options given (each `--sbatch-option` parsed and checked).
    private func writeSlurm(plan: SweepPlan, store: ResultStore, spec parsed: SweepSpec) throws {
        let executable = Bundle.main.executableURL?.resolvingSymlinksInPath().path ?? CommandLine.arguments[0]
        // A path that is not UTF-8 reaches us altered (invalid bytes become U+FFFD), and the
        // job would run a program that does not exist: refuse it here.
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw ValidationError("--slurm: cannot name this program in a job script: '\(executable)' is not an executable file " +
                                  "(is its path valid UTF-8?)")
        }
        let specPath = URL(fileURLWithPath: spec).standardizedFileURL.path
        // Overrides with paths were made absolute by the spec; repeat them as resolved.
        let resolved = overrides.map { item -> String in
            guard let eq = item.firstIndex(of: "=") else { return item }
            let key = String(item[..<eq])
            if key == "data-dir", let v = parsed.settings[key] { return "\(key)=\(v)" }
            return item
        }
        let tasks = min(slurmArguments.arraySize ?? min(plan.cells.count, 1000), plan.cells.count)
        let name = "sweep-" + (URL(fileURLWithPath: spec).deletingPathExtension().lastPathComponent)
        // The scripts run a copy in DIR/bin (see SlurmExecutable): a rebuild while the jobs
        // wait does not change their program.
        let installed: (path: String, reused: Bool)
        do { installed = try SlurmExecutable.install(executable, results: store.directory) } catch let e as SpecError {
            throw ValidationError(e.description)
        }
        let options: SlurmOptions
        do { options = try slurmArguments.sbatch() } catch let e as SpecError { throw ValidationError(e.description) }
        let job = SlurmJob(executable: installed.path, spec: specPath, results: store.directory, overrides: resolved, arraySize: max(tasks, 1),
                           partition: slurmArguments.partition, time: slurmArguments.time, cpusPerTask: slurmArguments.cpusPerTask, workers: workers, retryFailed: retryFailed,
                           name: name, options: options)
        do { try job.writeScripts() } catch let e as SpecError { throw ValidationError(e.description) }
        print("program: \(installed.path) (\(installed.reused ? "the copy made by an earlier submission" : "copied"))")
        print("\(plan.cells.count) cells in \(job.arraySize) array task(s): \(job.arrayScriptPath)")
        print("collect job: \(job.collectScriptPath) → \(job.tablePath), \(job.figurePath)")
        if slurmArguments.submit {
            let ids: (array: String, collect: String)
            do { ids = try job.submit() } catch let e as SpecError { throw ValidationError(e.description) }
            print("array job \(ids.array)")
            print("collect job \(ids.collect)")
        } else {
            print("submit with:")
            do { for line in try job.submitCommands { print("  \(line)") } } catch let e as SpecError {
                throw ValidationError(e.description)
            }
        }
    }
}
