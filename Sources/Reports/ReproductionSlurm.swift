import Experiments
import Foundation
import Persistence

/// How `reproduce --slurm` writes (and submits) the job scripts.
public struct ReproductionSlurmOptions: Sendable {
    /// This program; the jobs run its copy in `DIR/bin/` (`SlurmExecutable`).
    public var executable: String
    public var partition: String?
    public var time: String?
    public var cpusPerTask: Int?
    /// Account, QoS, memory, GRES, constraint and other sbatch options of both scripts.
    public var sbatch: SlurmOptions
    /// Array tasks per stage (nil: one per cell, at most 1000).
    public var arraySize: Int?
    public var submit = false

    public init(executable: String, partition: String? = nil, time: String? = nil, cpusPerTask: Int? = nil,
                sbatch: SlurmOptions = SlurmOptions(), arraySize: Int? = nil, submit: Bool = false) {
        self.executable = executable
        self.sbatch = sbatch
        self.partition = partition
        self.time = time
        self.cpusPerTask = cpusPerTask
        self.arraySize = arraySize
        self.submit = submit
    }
}

extension Reproduction {
    /// Writes, per sweep stage to run, the job array and collect scripts of `sweep --slurm` in
    /// `DIR/runs/<stage>/slurm/` (the same overrides as a local run, so the cells are the same
    /// and a later `reproduce` finds them done), each calling the copy of this program in
    /// `DIR/bin/`, and submits them with `submit`. Returns the
    /// lines to print. The limits run when `reproduce` is started again to write the report.
    public func writeSlurm(_ slurm: ReproductionSlurmOptions) throws -> [String] {
        try SlurmJob.checkResultsFolder(runsDirectory, flag: "--out")
        try FileManager.default.createDirectory(atPath: runsDirectory, withIntermediateDirectories: true)
        try identity.record(directory: options.directory)
        // The scripts run a copy in DIR/bin (as `sweep --slurm`'s do): a rebuild while the
        // jobs wait in the queue does not change their program.
        let installed = try SlurmExecutable.install(slurm.executable, results: options.directory)
        var lines = ["program: \(installed.path) (\(installed.reused ? "the copy made by an earlier submission" : "copied"))"]
        for stage in ReproductionStage.runStages {
            guard let plan = plans[stage] else { continue }
            let specPath: String
            if stage == .moments {
                // The jobs read a spec file: the built-in one is written beside the runs.
                specPath = runsDirectory + "/moments.yaml"
                try AtomicFile.write(Self.momentsYAML(options.size), to: specPath)
            } else {
                specPath = options.specsDirectory + "/" + stage.specFile(options.size)!
            }
            var overrides = options.size == .tiny ? stage.tinyOverrides : []
            if let folder = dataFolder(stage) { overrides.append("data-dir=\(folder)") }
            let store = try ResultStore(directory: storeDirectory(stage), create: true)
            try store.register(plan)
            let tasks = max(1, min(slurm.arraySize ?? min(plan.cells.count, 1000), plan.cells.count))
            let job = SlurmJob(executable: installed.path, spec: specPath, results: store.directory, overrides: overrides,
                               arraySize: tasks, partition: slurm.partition, time: slurm.time, cpusPerTask: slurm.cpusPerTask,
                               workers: options.workers, name: "reproduce-\(stage.rawValue)", options: slurm.sbatch)
            try job.writeScripts()
            if slurm.submit {
                let ids = try job.submit()
                lines.append("\(stage.rawValue): \(plan.cells.count) cells, array job \(ids.array), collect job \(ids.collect)")
            } else {
                lines.append("\(stage.rawValue): \(plan.cells.count) cells in \(tasks) task(s); submit with:")
                lines += try job.submitCommands.map { "  " + $0 }
            }
        }
        return lines
    }
}
