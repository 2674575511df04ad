import ArgumentParser
import Foundation
import ResNetScaling

/// `resnet-scaling simulate`: norms and gradients of ResNets at initialization over a grid
/// of depths × β (figures 1–3 of the paper).
struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure signal propagation at initialization over depths × scalings β (figures 1-5, 7).",
        discussion: """
        For every depth L and model index, draws a fresh model h_0 = A x, h_{k+1} = h_k + α_L f(h_k),
        F(x) = B h_L, whose weights serve every β (α_L = L^-β), and feeds it inputs x ~ U[0,1]^n_in
        with targets y ~ U[0,1]^n_out and loss ‖F(x) − y‖². With p_k = ∂loss/∂h_k it records
          h_ratio = ‖h_L‖/‖h_0‖,  h_diff = ‖h_L − h_0‖/‖h_0‖,
          grad_ratio = ‖p_0‖/‖p_L‖,  grad_diff = ‖p_L − p_0‖/‖p_L‖
        one CSV row per (depth, β, model, input). Non-finite values (explosion) are written as inf/nan.
        Axis values: a list 0.25,0.5,1 or an inclusive range start:stop:count (like numpy.linspace).

        Figure 1/3:  resnet-scaling simulate --out fig1.csv --plot fig1.svg
        Figure 2:    resnet-scaling simulate --width 100 --depth 1000 --beta 0.5 --samples 10000 \\
                       --out fig2.csv --histogram fig2.svg
        Figure 4/5:  resnet-scaling simulate --init smooth --beta 0.5,1,2 --out fig4.csv --plot fig4.svg
        Figure 7:    resnet-scaling simulate --init fbm --hurst 0.05:0.97:51 --beta 0:1.3:70 --depth 1000 \\
                       --samples 5 --inputs 10 --out fig7.csv --heatmap fig7.svg --boundary fig7-boundary.csv
        """
    )

    @Option(help: OptionHelp.model, transform: OptionParsing.model)
    var model: ResidualVariant = .res3

    @Option(help: OptionHelp.activation, transform: OptionParsing.activation)
    var activation: Activation = .relu

    @Option(name: .customLong("init"),
            help: ArgumentHelp("""
                Residual weight initialization: iid-uniform (U[±√(3/fan_in)], the reference's), iid-gaussian \
                (N(0, 1/fan_in)), fbm:<H> (fractional Gaussian noise of Hurst index H in (0, 1), /√d), fbm with \
                --hurst <axis>, smooth[:<ℓ>] (RBF Gaussian process values, ℓ = 0.1), smooth-increments[:<ℓ²>] \
                (increments of an RBF process renormalized to variance 1/d, ℓ² = 0.01).
                """, valueName: "name"))
    var initialization: String = "iid-uniform"

    @Option(parsing: .unconditional, help: ArgumentHelp("Hurst indices H for --init fbm, as an axis: e.g. 0.05:0.97:51.", valueName: "axis"),
            transform: OptionParsing.realAxis)
    var hurst: [Double]?

    @Option(parsing: .unconditional, help: OptionHelp.width, transform: OptionParsing.positiveInt)
    var width: Int = 40

    @Option(name: .customLong("input-dim"), parsing: .unconditional, help: "Input dimension n_in.", transform: OptionParsing.positiveInt)
    var inputDim: Int = 64

    @Option(name: .customLong("output-dim"), parsing: .unconditional, help: "Output dimension n_out.", transform: OptionParsing.positiveInt)
    var outputDim: Int = 1

    @Option(parsing: .unconditional, help: ArgumentHelp("Depths L: a list or start:stop:count (rounded to integers).", valueName: "axis"),
            transform: OptionParsing.depthAxis)
    var depth: [Int] = [10, 120, 230, 340, 450, 560, 670, 780, 890, 1000]

    @Option(parsing: .unconditional, help: ArgumentHelp("Scalings β (α_L = L^-β): a list or start:stop:count.", valueName: "axis"),
            transform: OptionParsing.realAxis)
    var beta: [Double] = [0.25, 0.5, 1]

    @Option(parsing: .unconditional, help: "Independent models per depth (a model's weights serve every β).", transform: OptionParsing.positiveInt)
    var samples: Int = 50

    @Option(parsing: .unconditional, help: "Inputs per (model, β); the same inputs are used for every β.", transform: OptionParsing.positiveInt)
    var inputs: Int = 1

    @Option(parsing: .unconditional, help: "Random seed: the same seed and settings give the same numbers, whatever --threads.",
            transform: OptionParsing.seed)
    var seed: UInt64 = 0

    @Option(parsing: .unconditional, help: "Worker threads.", transform: OptionParsing.threads)
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: ArgumentHelp("Output CSV file (written atomically when the run ends; - for standard output).", valueName: "file.csv"))
    var out: String

    @Option(help: ArgumentHelp("Also draw figure 1/3-style panels (relative differences against L, mean and 95% interval, one panel per β).",
                               valueName: "file.svg"))
    var plot: String?

    @Option(help: ArgumentHelp("Also draw figure 2-style histograms of h_ratio and grad_ratio (per β, at the largest depth).",
                               valueName: "file.svg"))
    var histogram: String?

    @Option(help: ArgumentHelp("With --init fbm --hurst: draw the β × H phase diagram (figure 7): log10 of the mean relative differences, boundary β*(H), references β = 1/2 and β = H.",
                               valueName: "file.svg"))
    var heatmap: String?

    @Option(help: ArgumentHelp("With --init fbm --hurst: write the measured boundary β*(H), forward and gradient, as CSV.",
                               valueName: "file.csv"))
    var boundary: String?

    @Flag(help: "Do not print the summary table or progress.")
    var quiet = false

    @OptionGroup var resources: MemoryOption

    func validate() throws {
        if beta.contains(where: { !$0.isFinite }) { throw ValidationError("--beta: values must be finite numbers") }
        if (heatmap != nil || boundary != nil) && hurst == nil {
            throw ValidationError("--heatmap and --boundary need --init fbm with a --hurst axis")
        }
    }

    /// The initialization axis: one initialization, or fBm at every H of --hurst.
    func initializations() throws -> [Initialization] {
        if let hurst {
            guard initialization.lowercased() == "fbm" else {
                throw ValidationError("--hurst: applies to --init fbm (without :<H>), got --init \(initialization)")
            }
            return try hurst.map { h in
                let value = Initialization.fbm(hurst: h)
                do { try value.validate() } catch let e as ConfigurationError { throw ValidationError("--hurst: \(e.message)") }
                return value
            }
        }
        do { return [try Initialization(parsing: initialization)] } catch let e as ConfigurationError {
            throw ValidationError("--init: \(e.message)")
        }
    }

    func run() throws {
        var spec = SimulationSpec()
        spec.variant = model
        spec.activation = activation
        spec.initializations = try initializations()
        spec.width = width
        spec.inputDimension = inputDim
        spec.outputDimension = outputDim
        spec.depths = depth
        spec.betas = beta
        spec.samples = samples
        spec.inputsPerModel = inputs
        spec.seed = seed
        // What the run would hold (records, their CSV, per-thread tapes) against the limit,
        // before anything of that size exists (the estimate saturates, so any sizes are safe here).
        try resources.check(spec.estimatedBytes(threads: threads), subject: "simulate",
                            purpose: "for \(MemoryLimit.format(count: spec.recordCount())) records (\(MemoryLimit.format(count: spec.unitCount())) models × \(spec.betas.count) β × \(spec.inputsPerModel) input(s)) on \(min(threads, max(spec.unitCount(), 1))) thread(s)")
        do { try spec.validate() } catch let e as ConfigurationError { throw ValidationError("--\(e.setting): \(e.message)") }
        let simulator: Simulator
        do { simulator = try Simulator(spec: spec) } catch let e as ConfigurationError {
            throw ValidationError("--\(e.setting): \(e.message)")
        }
        // Check every output location before the run, so that a long run cannot end in an
        // unusable path; nothing is written unless the run succeeds.
        var outputs = Outputs()
        for (flag, path) in [("--out", out), ("--plot", plot), ("--histogram", histogram), ("--heatmap", heatmap),
                             ("--boundary", boundary)] {
            try outputs.file(flag, path)
        }

        let progress = ProgressReporter(label: "simulate", enabled: !quiet)
        let started = Date()
        let result = simulator.run(threads: threads) { progress.update(fraction: $0) }
        progress.finish()
        let seconds = Date().timeIntervalSince(started)

        // Render every output first, then write them; if a write fails, remove what this run
        // wrote, so that a failed run leaves no partial set of files.
        var files: [(flag: String, text: String)] = [("--out", ResultTables.csv(result))]
        if plot != nil { files.append(("--plot", SimulationFigures.differencesFigure(result).svg())) }
        if histogram != nil { files.append(("--histogram", SimulationFigures.histogramFigure(result).svg())) }
        if heatmap != nil || boundary != nil {
            let diagram = try PhaseDiagram(result)
            if heatmap != nil {
                let figure = PhaseFigures.heatmapFigure(diagram, depth: spec.depths.max()!, width: spec.width)
                files.append(("--heatmap", figure.svg()))
            }
            if boundary != nil { files.append(("--boundary", diagram.boundaryCSV())) }
        }
        try outputs.writeAll(files)
        if !quiet {
            let summary = result.summary()
            if summary.count <= 300 {
                let table = ResultTables.summaryTable(summary)
                outputs.say(table.hasSuffix("\n") ? String(table.dropLast()) : table)
            } else {
                outputs.say("summary: \(summary.count) (depth, init, β) cells — see the CSV\(heatmap == nil ? "" : " and the heatmap")")
            }
            outputs.say(String(format: "%d rows in %.2f s on %d thread(s) → %@", result.records.count, seconds, threads,
                               out == "-" ? "standard output" : out))
        }
    }
}
