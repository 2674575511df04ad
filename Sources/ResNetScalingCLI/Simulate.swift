import ArgumentParser
import Foundation
import ResNetScaling

/// `resnet-scaling simulate`: norms and gradients of ResNets at initialization over a grid
/// of depths × β (figures 1–3 of the paper).
struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure signal propagation at initialization over depths × scalings β (figures 1-5, 7).",
        usage: "resnet-scaling simulate --out <file.csv> [--<setting> <value> ...] [--plot <file.svg>] [--histogram <file.svg>] [--heatmap <file.svg>] [--boundary <file.csv>] [--quiet] [--memory-limit <GB>]",
        discussion: """
        For every depth L and model index, draws a fresh model h_0 = A x, h_{k+1} = h_k + α_L f(h_k),
        F(x) = B h_L, whose weights serve every β (α_L = L^-β), and feeds it inputs x ~ U[0,1]^n_in
        with targets y ~ U[0,1]^n_out and loss ‖F(x) − y‖². With p_k = ∂loss/∂h_k it records
          h_ratio = ‖h_L‖/‖h_0‖,  h_diff = ‖h_L − h_0‖/‖h_0‖,
          grad_ratio = ‖p_0‖/‖p_L‖,  grad_diff = ‖p_L − p_0‖/‖p_L‖
        one CSV row per (depth, β, model, input). Non-finite values (explosion) are written as inf/nan.
        Axis values: a list 0.25,0.5,1 or an inclusive range start:stop:count (like numpy.linspace).
        Every setting below is also a key of a simulate sweep spec (see `resnet-scaling sweep`).

        Figure 1/3:  resnet-scaling simulate --out fig1.csv --plot fig1.svg
        Figure 2:    resnet-scaling simulate --width 100 --depth 1000 --beta 0.5 --samples 10000 \\
                       --out fig2.csv --histogram fig2.svg
        Figure 4/5:  resnet-scaling simulate --init smooth --beta 0.5,1,2 --out fig4.csv --plot fig4.svg
        Figure 7:    resnet-scaling simulate --init fbm --hurst 0.05:0.97:51 --beta 0:1.3:70 --depth 1000 \\
                       --samples 5 --inputs 10 --out fig7.csv --heatmap fig7.svg --boundary fig7-boundary.csv

        """ + RunSettings.help(SimulateRequest.settings)
    )

    @Argument(parsing: .allUnrecognized, help: .hidden, completion: .list(RunSettings.flags(SimulateRequest.settings)))
    var settings: [String] = []

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

    @Flag(inversion: .prefixedNo, help: "Draw the theory on --plot, --histogram and --heatmap where a formula applies (exact moments, the SDE limit, the log-normal density, β = max(H, 1/2)).")
    var theory = true

    @Option(help: ArgumentHelp("With --init fbm --hurst: write the measured boundary β*(H), forward and gradient, as CSV.",
                               valueName: "file.csv"))
    var boundary: String?

    @Option(help: ArgumentHelp("""
        The value of a phase-diagram cell (--heatmap, --boundary): mean-log10, the mean over models × inputs of \
        log10 of the relative difference (the reference code's statistic), or log10-mean, log10 of the mean \
        relative difference (this tool's choice before version 0.9).
        """, valueName: "mean-log10|log10-mean"))
    var cell: PhaseDiagram.CellStatistic = .meanOfLog10

    @Flag(help: "Do not print the summary table or progress.")
    var quiet = false

    @OptionGroup var resources: MemoryOption

    @OptionGroup var figureArguments: FigureArguments

    func run() throws {
        let request = try RunSettings.parse(SimulateRequest.settings, settings)
        let spec = request.spec
        let threads = request.threads ?? ProcessInfo.processInfo.activeProcessorCount
        if (heatmap != nil || boundary != nil) && !spec.initializations.allSatisfy({ $0.family == "fbm" }) {
            throw ValidationError("--heatmap and --boundary need --init fbm with a --hurst axis")
        }
        // What the run would hold (records, their CSV, per-thread tapes) against the limit,
        // before anything of that size exists (the estimate saturates, so any sizes are safe here).
        try resources.check(spec.estimatedBytes(threads: threads), subject: "simulate",
                            purpose: "for \(MemoryLimit.format(count: spec.recordCount())) records (\(MemoryLimit.format(count: spec.unitCount())) models × \(spec.betas.count) β × \(spec.inputsPerModel) input(s)) on \(min(threads, max(spec.unitCount(), 1))) thread(s)")
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
        if plot != nil { files.append(("--plot", SimulationFigures.differencesFigure(result, theory: theory).applying(figureArguments.options).svg())) }
        if histogram != nil { files.append(("--histogram", SimulationFigures.histogramFigure(result, theory: theory).applying(figureArguments.options).svg())) }
        if heatmap != nil || boundary != nil {
            let diagram = try PhaseDiagram(result, cell: cell)
            if heatmap != nil {
                let figure = PhaseFigures.heatmapFigure(diagram, depth: spec.depths.max()!, width: spec.width, theory: theory)
                files.append(("--heatmap", figure.applying(figureArguments.options).svg()))
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

extension PhaseDiagram.CellStatistic: ExpressibleByArgument {}
