import Experiments
import Figures
import Foundation
import Plots
import Resources
import SignalPropagation
import Support

/// How `reproduce` runs.
public struct ReproductionOptions: Sendable {
    /// The output folder: `runs/<stage>/`, `figures/`, `claims.csv`, `report.md`, `report.html`.
    public var directory: String
    public var size: ReproductionSize
    /// The stages asked for (nil: every stage whose data is present).
    public var only: [ReproductionStage]?
    public var workers = 1
    public var threads: Int?
    /// The folder holding `mnist/` and `cifar10/` (nil: the bundled specs' `data-dir`, MNIST only).
    public var dataDirectory: String?
    /// The folder of the bundled specs (`experiments/`).
    public var specsDirectory: String
    public var memoryLimit = MemoryLimit.default

    public init(directory: String, size: ReproductionSize, only: [ReproductionStage]?, specsDirectory: String,
                dataDirectory: String? = nil, workers: Int = 1, threads: Int? = nil) {
        self.directory = directory
        self.size = size
        self.only = only
        self.specsDirectory = specsDirectory
        self.dataDirectory = dataDirectory
        self.workers = workers
        self.threads = threads
    }
}

/// What one stage produced for the report.
public struct StageOutcome: Sendable {
    public var stage: ReproductionStage
    /// Nil when the stage ran (or was read back from its runs); else why not and how to enable it.
    public var notRun: String?
    public var claims: [Claim] = []
    /// Figures by file stem (`fig1`, `sde-limit`, …).
    public var figures: [(name: String, figure: Figure)] = []
    /// Measured numbers beyond the claims, one line each.
    public var numbers: [String] = []
    /// Figure 7's boundary β*(H) with 95 % bootstrap intervals (figure-7 stages only).
    public var boundary: [PhaseBoundaryClaims.BoundaryPoint] = []
    /// The command that reproduces this stage alone.
    public var command: String = ""
    public var seconds: Double = 0
}

/// `reproduce`: runs the bundled specs as sweeps into `DIR/runs/<stage>/` (finished cells are
/// never rerun), checks the claims, and draws the figures; `ReportDocument` writes the report.
public final class Reproduction: @unchecked Sendable {
    public let options: ReproductionOptions
    public let identity: ReproductionIdentity
    private let log: @Sendable (String) -> Void
    /// The planned sweep of each sweep stage to run, and why the others do not run.
    var plans: [ReproductionStage: SweepPlan] = [:]
    var skipped: [ReproductionStage: String] = [:]

    public var runsDirectory: String { options.directory + "/runs" }

    /// Checks everything that can be checked before anything is written: the `--out` folder,
    /// the identity of what it holds, the specs and the data folders. Throws one line.
    public init(options: ReproductionOptions, log: @escaping @Sendable (String) -> Void) throws {
        self.options = options
        self.log = log
        identity = ReproductionIdentity(size: options.size, dataDirectory: options.dataDirectory)
        try Self.checkOutput(options.directory)
        try identity.check(directory: options.directory)
        for stage in ReproductionStage.runStages {
            if let only = options.only, !only.contains(stage) {
                skipped[stage] = "not selected by --only"
                continue
            }
            // A training figure asked for by name needs its data, at any size.
            if let reason = dataProblem(stage) {
                if options.only != nil { throw ReproductionError("\(stage.rawValue): \(reason)") }
                skipped[stage] = reason
                continue
            }
            if options.size == .tiny && stage.dataset != nil {
                skipped[stage] = "training is left out of the tiny size (run without --tiny)"
                continue
            }
            if let spec = try sweepSpec(stage) {
                do { plans[stage] = try SweepPlan(spec: spec) } catch let e as SpecError { throw ReproductionError(e.description) }
            }
        }
    }

    /// `--out` must be a writable folder, or a missing one whose parent is.
    static func checkOutput(_ path: String) throws {
        guard !path.isEmpty else { throw ReproductionError("--out must not be empty") }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw ReproductionError("--out: '\(path)' exists and is not a folder") }
            guard access(path, W_OK | X_OK) == 0 else { throw ReproductionError("--out: '\(path)' is not writable") }
        } else {
            let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
            guard FileManager.default.fileExists(atPath: parent, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ReproductionError("--out: the parent folder of '\(path)' does not exist")
            }
            guard access(parent, W_OK | X_OK) == 0 else { throw ReproductionError("--out: cannot create '\(path)': its parent is not writable") }
        }
    }

    /// The data folder of a training stage (nil for other stages).
    func dataFolder(_ stage: ReproductionStage) -> String? {
        guard let dataset = stage.dataset else { return nil }
        if let root = options.dataDirectory { return root + "/" + dataset }
        // The bundled specs name the shared MNIST folder; CIFAR-10 needs --data-dir.
        guard dataset == "mnist" else { return nil }
        return URL(fileURLWithPath: options.specsDirectory + "/../../shared/data/mnist").standardizedFileURL.path
    }

    /// Why a training stage cannot run here (nil: it can, or it needs no data).
    func dataProblem(_ stage: ReproductionStage) -> String? {
        guard let dataset = stage.dataset else { return nil }
        guard let folder = dataFolder(stage) else {
            return "needs the \(dataset) data set: give --data-dir D with D/\(dataset) (see `resnet-scaling data --help`)"
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            return "needs the \(dataset) data set: no folder \(folder); give --data-dir D with D/\(dataset) (see `resnet-scaling data --help`)"
        }
        return nil
    }

    /// The sweep of a stage at this size, with its overrides (nil: the stage is not a sweep).
    func sweepSpec(_ stage: ReproductionStage) throws -> SweepSpec? {
        do {
            var spec: SweepSpec
            if stage == .moments {
                spec = try SweepSpec.parse(yaml: Self.momentsYAML(options.size), source: "moments (built in)",
                                           baseDirectory: options.specsDirectory)
            } else if let file = stage.specFile(options.size) {
                let path = options.specsDirectory + "/" + file
                guard FileManager.default.fileExists(atPath: path) else {
                    throw ReproductionError("\(stage.rawValue): the bundled spec \(path) is missing (run from the package's folder)")
                }
                spec = try SweepSpec.load(path: path)
                if options.size == .tiny { try spec.apply(overrides: stage.tinyOverrides) }
            } else {
                return nil
            }
            if let folder = dataFolder(stage) { try spec.apply(overrides: ["data-dir=\(folder)"]) }
            return spec
        } catch let e as SpecError {
            throw ReproductionError(e.description)
        }
    }

    /// The exact-moment run: res-1, identity, i.i.d. Gaussian, d = 40, L ∈ {10, 1000}, β = 1/2.
    static func momentsYAML(_ size: ReproductionSize) -> String {
        let samples = size == .paper ? 2000 : size == .quick ? 500 : 60
        let depths = size == .tiny ? "[10, 100]" : "[10, 1000]"
        return """
        command: simulate
        description: Exact second moments of res-1 with the identity activation
        settings:
          model: res1
          activation: identity
          init: iid-gaussian
          width: 40
          beta: 0.5
          samples: \(samples)
        axes:
          depth: \(depths)
        seed: 0
        models-per-cell: \(max(1, samples / 4))

        """
    }

    /// Runs the stages and evaluates every stage (those not run are read back from their runs
    /// when present). Writes `DIR/reproduction.json` and `DIR/runs/`; not the report.
    public func run() throws -> [StageOutcome] {
        try FileManager.default.createDirectory(atPath: runsDirectory, withIntermediateDirectories: true)
        try identity.record(directory: options.directory)
        let started = Date()
        let toRun = ReproductionStage.runStages.filter { skipped[$0] == nil }
        var expectedLeft = toRun.map { $0.expectedSeconds(options.size) }.reduce(0, +)
        var expectedDone = 0.0
        var outcomes: [StageOutcome] = []
        for stage in ReproductionStage.runStages {
            let stageStart = Date()
            var outcome: StageOutcome
            if let reason = skipped[stage] {
                outcome = try evaluateStored(stage, reason: reason)
            } else {
                outcome = try runStage(stage)
            }
            outcome.seconds = Date().timeIntervalSince(stageStart)
            outcome.command = command(stage)
            outcomes.append(outcome)
            if skipped[stage] == nil {
                let estimate = stage.expectedSeconds(options.size)
                expectedLeft -= estimate
                expectedDone += estimate
                let elapsed = Date().timeIntervalSince(started)
                let eta = expectedDone > 0 ? expectedLeft * elapsed / expectedDone : 0
                let index = toRun.firstIndex(of: stage)! + 1
                let verdicts = Dictionary(grouping: outcome.claims, by: \.verdict).map { "\($0.value.count) \($0.key.rawValue)" }.sorted()
                log("[\(index)/\(toRun.count)] \(stage.rawValue): \(ProgressReporter.duration(outcome.seconds))" +
                    (verdicts.isEmpty ? "" : ", claims " + verdicts.joined(separator: ", ")) +
                    "; overall ETA \(ProgressReporter.duration(max(0, eta)))")
            }
        }
        return outcomes
    }

    func storeDirectory(_ stage: ReproductionStage) -> String { runsDirectory + "/" + stage.rawValue }

    private func runStage(_ stage: ReproductionStage) throws -> StageOutcome {
        if stage == .limits { return try runLimits() }
        guard let plan = plans[stage] else { return StageOutcome(stage: stage, notRun: "no spec") }
        let sweepOptions = SweepOptions(workers: options.workers, threads: options.threads, memoryLimit: options.memoryLimit)
        let threads = SweepRunner.threadsPerCell(plan: plan, options: sweepOptions)
        do {
            try plan.checkMemory(plan.cells, workers: options.workers, threads: threads, limit: options.memoryLimit)
            let store = try ResultStore(directory: storeDirectory(stage), create: true)
            let name = stage.rawValue
            let log = self.log
            let runner = SweepRunner(plan: plan, store: store, options: sweepOptions, log: { _ in },
                                     warn: { log("\(name): warning: \($0)") })
            let report = try runner.run()
            if report.failed + report.alreadyFailed > 0 {
                log("\(name): \(report.failed + report.alreadyFailed) cell(s) failed (see \(store.directory)/cells)")
            }
            return try evaluate(stage, store: store)
        } catch let e as SpecError {
            throw ReproductionError("\(stage.rawValue): \(e.description)")
        }
    }

    /// A stage not run now: its stored runs are read back when present.
    private func evaluateStored(_ stage: ReproductionStage, reason: String) throws -> StageOutcome {
        let directory = storeDirectory(stage)
        if stage == .limits, FileManager.default.fileExists(atPath: directory + "/sde.json"),
           let outcome = try? runLimits(), !outcome.figures.isEmpty {
            return outcome
        }
        if stage != .limits, FileManager.default.fileExists(atPath: directory + "/sweep.json"),
           let store = try? ResultStore(directory: directory, create: false),
           let outcome = try? evaluate(stage, store: store), !outcome.figures.isEmpty {
            return outcome
        }
        var outcome = StageOutcome(stage: stage, notRun: reason)
        outcome.claims = StageClaims.notRun(stage, size: options.size, reason: reason)
        return outcome
    }

    private func evaluate(_ stage: ReproductionStage, store: ResultStore) throws -> StageOutcome {
        let table = try Collector.collect(store)
        var outcome = StageOutcome(stage: stage)
        outcome.numbers.append("cells: \(table.summary.line)")
        guard !table.rows.isEmpty else {
            outcome.notRun = "no finished cell in \(store.directory)"
            outcome.claims = StageClaims.notRun(stage, size: options.size, reason: outcome.notRun!)
            return outcome
        }
        try StageClaims.evaluate(stage, table: table, size: options.size, into: &outcome)
        return outcome
    }

    private func runLimits() throws -> StageOutcome {
        var sde: SDELimitSpec = options.size == .paper ? .paper : .quick
        var ode: ODELimitSpec = options.size == .paper ? .paper : .quick
        if options.size == .tiny {
            sde.depths = [10, 100, 250]
            sde.fineDepth = 1000
            sde.paths = 8
            ode.depths = [25, 50, 100]
            ode.models = 3
        }
        let threads = options.threads ?? ProcessInfo.processInfo.activeProcessorCount
        var outcome = StageOutcome(stage: .limits)
        do {
            let s = try LimitStore.sde(sde, threads: threads, directory: storeDirectory(.limits))
            outcome.claims += LimitClaims.sde(s)
            var sdeFigure = LimitFigures.sdeFigure(s)
            // Several figures are inlined in one HTML page: their SVG ids must not collide.
            sdeFigure.idPrefix = "sde"
            outcome.figures.append(("sde-limit", sdeFigure))
            let strong = s.strongRate()
            outcome.numbers.append("SDE: d = \(sde.width), \(sde.paths) paths × \(sde.inputsPerPath) inputs, L ∈ \(sde.depths), " +
                                   "L_fine = \(sde.fineDepth): strong-error rate \(StageClaims.estimate(strong.slope)) (theory −1/2), " +
                                   "\(NumberFormat.fixed(s.seconds, decimals: 1)) s")
            let o = try LimitStore.ode(ode, threads: threads, directory: storeDirectory(.limits))
            outcome.claims += LimitClaims.ode(o)
            var odeFigure = LimitFigures.odeFigure(o)
            odeFigure.idPrefix = "ode"
            outcome.figures.append(("ode-limit", odeFigure))
            outcome.numbers.append("ODE: d = \(ode.width), \(ode.models) models × \(ode.inputsPerModel) inputs, L ∈ \(ode.depths), " +
                                   "RK4 reference on \(ode.refinement)× finer grid: error rate \(StageClaims.estimate(o.rate().slope)) " +
                                   "(theory −1), \(NumberFormat.fixed(o.seconds, decimals: 1)) s")
        } catch let e as ConfigurationError {
            throw ReproductionError("limits: \(e.description)")
        }
        return outcome
    }

    /// The command that reproduces one stage alone.
    func command(_ stage: ReproductionStage) -> String {
        let size = options.size == .quick ? " --quick" : options.size == .tiny ? " --tiny" : ""
        let data = options.dataDirectory.map { " --data-dir \(((try? ShellQuoting.quote($0)) ?? $0))" } ?? ""
        return "resnet-scaling reproduce --out \(((try? ShellQuoting.quote(options.directory)) ?? options.directory))\(size) --only \(stage.rawValue)\(data)"
    }
}
