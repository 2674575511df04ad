import ArgumentParser
import Foundation
import ResNetScaling

/// `resnet-scaling reproduce`: the paper in one command (the bundled specs as resumable
/// sweeps, the claims checked, the figures with their theory, the report).
struct Reproduce: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Reproduce the paper: run the bundled specs, check the claims, draw the figures, write the report.",
        discussion: """
        Runs experiments/*.yaml (the *-quick.yaml variants with --quick) as sweeps into DIR/runs/<stage>/, \
        plus the exact-moment run and the neural SDE/ODE limits, then writes DIR/figures/*.svg (with the theory), \
        DIR/claims.csv (claim,figure,statement,statistic,measured,ci_low,ci_high,expected,tolerance,verdict,n), \
        DIR/report.md and DIR/report.html (one self-contained page). Finished cells are never rerun: an \
        interrupted reproduce started again finishes only what is missing, and a finished one takes seconds. \
        A DIR holding another reproduction (other size, seed, data folder or tool version) is refused.

        Stages (--only): \(ReproductionStage.accepted) (claims: no run, the report from DIR/runs; \
        fig7-reference: figure 7's grid with the reference code's fBm sampler, its β*(H) beside the exact one's). \
        Training (fig8, fig9-mnist) uses ../shared/data/mnist next to the package or --data-dir D (D/mnist); \
        fig9-cifar10 needs --data-dir D with D/cifar10; without the data they are listed as not run. \
        --slurm writes, per stage, the job array and collect scripts of `sweep --slurm` in DIR/runs/<stage>/slurm, \
        calling a copy of this program in DIR/bin \
        (--submit also submits them); when the jobs are done, the same reproduce command without --slurm \
        finds every cell done, runs the limits and writes the report.

          swift build -c release && .build/release/resnet-scaling reproduce --quick --out report
          resnet-scaling reproduce --out paper --only fig1,fig2,fig4-5,fig7,limits,moments
        """
    )

    @Option(help: ArgumentHelp("The output folder (created if missing; empty, or a previous run of the same reproduction).", valueName: "dir"))
    var out: String

    @Flag(help: "The quick sizes (*-quick.yaml): minutes on 2 cores.")
    var quick = false

    @Flag(help: .hidden)
    var tiny = false

    @Option(help: ArgumentHelp("Only these stages (comma-separated): \(ReproductionStage.accepted).", valueName: "names"))
    var only: String?

    @Option(parsing: .unconditional, help: "Cells run at the same time.", transform: OptionParsing.threads)
    var workers: Int = 1

    @Option(parsing: .unconditional, help: "Threads per cell (default: cores / workers).", transform: OptionParsing.threads)
    var threads: Int?

    @Option(name: .customLong("data-dir"), help: ArgumentHelp("Folder holding mnist/ and cifar10/ (see `resnet-scaling data`).", valueName: "dir"))
    var dataDir: String?

    @Option(help: .hidden)
    var specs: String?

    @OptionGroup var slurmArguments: SlurmArguments

    @OptionGroup var figureArguments: FigureArguments

    @OptionGroup var resources: MemoryOption

    func validate() throws {
        if quick && tiny { throw ValidationError("--quick and --tiny: choose one size") }
        if let dataDir, dataDir.isEmpty { throw ValidationError("--data-dir must not be empty") }
    }

    /// The bundled specs: --specs, else experiments/ in the working folder, else next to the
    /// package the executable was built in (.build/<configuration>/resnet-scaling).
    func specsDirectory() throws -> String {
        if let specs { return URL(fileURLWithPath: specs).standardizedFileURL.path }
        var candidates = [FileManager.default.currentDirectoryPath + "/experiments"]
        if var url = Bundle.main.executableURL?.resolvingSymlinksInPath() {
            for _ in 0..<4 {
                url.deleteLastPathComponent()
                candidates.append(url.path + "/experiments")
            }
        }
        for path in candidates where FileManager.default.fileExists(atPath: path + "/fig1.yaml") {
            return URL(fileURLWithPath: path).standardizedFileURL.path
        }
        throw ValidationError("cannot find the bundled specs (experiments/fig1.yaml): run from the package's folder or give --specs")
    }

    func run() throws {
        let size: ReproductionSize = tiny ? .tiny : quick ? .quick : .paper
        let stages: [ReproductionStage]?
        do { stages = try only.map(ReproductionStage.parse(list:)) } catch let e as ReproductionError { throw ValidationError(e.description) }
        let directory = URL(fileURLWithPath: out).standardizedFileURL.path
        var options = ReproductionOptions(directory: directory, size: size, only: stages, specsDirectory: try specsDirectory(),
                                          dataDirectory: dataDir.map { URL(fileURLWithPath: $0).standardizedFileURL.path },
                                          workers: workers, threads: threads)
        options.memoryLimit = resources.limit
        let started = Date()
        let log: @Sendable (String) -> Void = { FileHandle.standardError.write(Data("reproduce: \($0)\n".utf8)) }
        do {
            // Everything is checked before the folder is created or written.
            let reproduction = try Reproduction(options: options, log: log)
            if slurmArguments.slurm {
                let executable = Bundle.main.executableURL?.resolvingSymlinksInPath().path ?? CommandLine.arguments[0]
                guard FileManager.default.isExecutableFile(atPath: executable) else {
                    throw ValidationError("--slurm: cannot name this program in a job script: '\(executable)' is not an executable file")
                }
                let lines: [String]
                do {
                    lines = try reproduction.writeSlurm(ReproductionSlurmOptions(
                        executable: executable, partition: slurmArguments.partition, time: slurmArguments.time,
                        cpusPerTask: slurmArguments.cpusPerTask, sbatch: try slurmArguments.sbatch(),
                        arraySize: slurmArguments.arraySize, submit: slurmArguments.submit))
                } catch let e as SpecError { throw ValidationError(e.description) }
                for line in lines { print(line) }
                print("when the jobs are done, run the same command without --slurm to write the report")
                return
            }
            let outcomes = try reproduction.run()
            let reportStart = Date()
            var context = ReportContext(size: size, totalSeconds: Date().timeIntervalSince(started))
            context.figureOptions = figureArguments.options
            try ReportDocument.write(outcomes, context: context, directory: directory)
            log("report: \(ProgressReporter.duration(Date().timeIntervalSince(reportStart)))")
            let claims = ReportDocument.claims(outcomes)
            let counts = Verdict.allCases.map { v in "\(claims.filter { $0.verdict == v }.count) \(v.rawValue)" }
            print("\(counts.joined(separator: ", ")) in \(ProgressReporter.duration(Date().timeIntervalSince(started))) → \(directory)/report.html")
        } catch let e as ReproductionError {
            throw ValidationError(e.description)
        }
    }
}
