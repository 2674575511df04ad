import ArgumentParser
import ResNetScaling

/// The `--slurm` options shared by `sweep` and `reproduce`, declared once: every value is
/// checked here and written into the job scripts through `SlurmJob`'s one quoting function.
struct SlurmArguments: ParsableArguments {
    @Flag(help: "Write Slurm job scripts (a job array of shards and a dependent collect job) instead of running.")
    var slurm = false

    @Option(name: .customLong("array-size"), parsing: .unconditional,
            help: "With --slurm: number of array tasks (shards); default: one per cell, at most 1000.",
            transform: OptionParsing.positiveInt)
    var arraySize: Int?

    @Option(help: "With --slurm: partition.")
    var partition: String?

    @Option(help: "With --slurm: time limit per task (e.g. 01:00:00).")
    var time: String?

    @Option(name: .customLong("cpus-per-task"), parsing: .unconditional, help: "With --slurm: CPUs per task.", transform: OptionParsing.threads)
    var cpusPerTask: Int?

    @Option(help: "With --slurm: account to charge (sbatch --account).")
    var account: String?

    @Option(help: "With --slurm: quality of service (sbatch --qos).")
    var qos: String?

    @Option(help: ArgumentHelp("With --slurm: memory per node, e.g. 8G (sbatch --mem; unit K, M, G or T, default M).", valueName: "size"))
    var mem: String?

    @Option(help: ArgumentHelp("With --slurm: generic resources, e.g. gpu:1 (sbatch --gres).", valueName: "list"))
    var gres: String?

    @Option(help: ArgumentHelp("With --slurm: node features required (sbatch --constraint).", valueName: "list"))
    var constraint: String?

    @Option(name: .customLong("sbatch-option"), parsing: .singleValue,
            help: ArgumentHelp("With --slurm: any other sbatch option, as KEY=VALUE (or KEY for a switch), e.g. mail-type=END; repeatable.",
                               valueName: "key=value"))
    var sbatchOptions: [String] = []

    @Flag(help: "With --slurm: submit the jobs (sbatch --parsable) and print their ids.")
    var submit = false

    func validate() throws {
        if !slurm && (arraySize != nil || partition != nil || time != nil || cpusPerTask != nil || submit || account != nil || qos != nil ||
                      mem != nil || gres != nil || constraint != nil || !sbatchOptions.isEmpty) {
            throw ValidationError("--array-size, --partition, --time, --cpus-per-task, --account, --qos, --mem, --gres, --constraint, " +
                                  "--sbatch-option and --submit need --slurm")
        }
        do {
            if let partition { try SlurmJob.checkDirectiveValue(partition, flag: "--partition") }
            if let time { try SlurmJob.checkTime(time, flag: "--time") }
            try sbatch().validate()
        } catch let e as SpecError { throw ValidationError(e.description) }
    }

    /// The sbatch options beyond partition, time and CPUs, as written into both scripts.
    func sbatch() throws -> SlurmOptions {
        SlurmOptions(account: account, qos: qos, mem: mem, gres: gres, constraint: constraint,
                     extra: try sbatchOptions.map { try SbatchOption(parsing: $0) })
    }
}
