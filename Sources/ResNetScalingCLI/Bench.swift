import ArgumentParser
import Foundation
import ResNetScaling

/// `resnet-scaling bench`: speed of the hot paths on this machine.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure the speed of the kernels, the random streams and the experiments on this machine.",
        discussion: """
        Matrix products are reported in GFLOP/s (single thread) beside the machine's FP32 peak
        (AVX2 + FMA: 2 FMA units × 8 lanes × 2 FLOP × ~3.1 GHz ≈ 99 GFLOP/s per core).
        The experiment section times figure 1 at paper size, extrapolates figure 2 from a subset, and
        runs the figure-7 grid (51 H × 70 β × 5 models × 10 inputs at L = 1000, d = 40, fBm weights)
        with its breakdown: weight sampling, forward and backward passes (CPU seconds over threads).
        """
    )

    enum Section: String, ExpressibleByArgument, CaseIterable {
        case kernels, random, processes, training, experiments, all
    }

    @Option(help: "What to measure: kernels, random, processes, training, experiments or all.")
    var section: Section = .all

    @Option(parsing: .unconditional, help: "Worker threads for the experiment section.", transform: OptionParsing.threads)
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(name: .customLong("figure2-models"), parsing: .unconditional, help: "Models of figure 2 (d = 100, L = 1000) to time before extrapolating to 10⁴.",
            transform: OptionParsing.positiveInt)
    var figure2Models: Int = 200

    @Option(name: .customLong("figure7-hursts"), parsing: .unconditional, help: "Hurst indices of the figure-7 grid (51 at paper size).",
            transform: OptionParsing.positiveInt)
    var figure7Hursts: Int = 51

    @OptionGroup var resources: MemoryOption

    func run() throws {
        // Every experiment is built and checked against the memory limit before anything runs.
        let experiments = try experimentSpecs()
        for (name, spec) in [("figure 1", experiments.figure1), ("figure 2", experiments.figure2), ("figure 7", experiments.figure7)] {
            try resources.check(spec.estimatedBytes(threads: threads), subject: "bench (\(name))",
                                purpose: "for \(MemoryLimit.format(count: spec.recordCount())) records on \(threads) thread(s)")
        }
        if section == .kernels || section == .all {
            print("== Matrix products (single thread) ==")
            // Warm-up: the first products after start-up run before the core has reached its
            // sustained clock and with cold caches; measured here, they read 10-20% low.
            _ = KernelBenchmark.run(shapes: Array(KernelBenchmark.standardShapes.prefix(2)), repetitions: 15)
            // Many short repetitions: the median resists the noise of shared virtual CPUs.
            let rows = KernelBenchmark.run(shapes: KernelBenchmark.standardShapes, repetitions: 31)
            let table = KernelBenchmark.formattedTable(rows)
            print(table, terminator: table.hasSuffix("\n") ? "" : "\n")
            print(String(format: "measured FMA peak of this core: %.1f GFLOP/s (nominal %.0f)\n",
                         KernelBenchmark.measurePeakGFLOPS(), KernelBenchmark.peakGFLOPS))
        }
        if section == .random || section == .all {
            print("== Random streams (single thread) ==")
            print(RandomBenchmark.formattedTable(RandomBenchmark.run()))
        }
        if section == .processes || section == .all {
            print("== Correlated weight sequences (single thread, 3200 sequences of L = 1000) ==")
            print(ProcessBenchmark.formattedTable(ProcessBenchmark.run()))
        }
        if section == .training || section == .all {
            print("== Training steps (res-1 and res-3, d = 30, L = 1000, batch 128, Adam; synthetic MNIST-shaped data) ==")
            print(TrainingBenchmark.formattedTable(try TrainingBenchmark.run(threads: threads)))
        }
        if section == .experiments || section == .all {
            print("== Experiments at initialization (\(threads) thread(s)) ==")
            let t1 = try time(experiments.figure1)
            print(String(format: "figure 1 (10 depths × 3 β × 50 models, d = 40, L ≤ 1000): %.2f s", t1))

            let t2 = try time(experiments.figure2)
            let perModel = t2 / Double(figure2Models)
            let weights = 2.0 * 100 * 100 * 1000
            print(String(format: "figure 2 (d = 100, L = 1000, β = 0.5): %d models in %.2f s → %.1f CPU ms/model → 10⁴ models ≈ %.0f s",
                         figure2Models, t2, perModel * 1000 * Double(threads), perModel * 10_000))
            print(String(format: "  random weights drawn (forward + backward): %.2f × 10⁹/s",
                         2 * weights * Double(figure2Models) / t2 / 1e9))

            let start = Date()
            let result = try Simulator(spec: experiments.figure7).run(threads: threads)
            let wall = Date().timeIntervalSince(start)
            let t = result.timings
            print(String(format: "figure 7 (%d H × 70 β × 5 models × 10 inputs = %d probes, L = 1000, d = 40, fBm): %.1f s wall",
                         figure7Hursts, result.records.count, wall))
            print(String(format: "  CPU seconds: sampling %.1f, forward %.1f, backward %.1f; matrix products %.1f GFLOP/s per thread (%.0f%% of peak)",
                         t.sampling, t.forward, t.backward, t.flops / (t.forward + t.backward) / 1e9,
                         100 * t.flops / (t.forward + t.backward) / 1e9 / KernelBenchmark.peakGFLOPS))
        }
    }

    /// Figure 1 at paper size, figure 2 with `--figure2-models` models, and the figure-7 grid
    /// with `--figure7-hursts` Hurst indices.
    private func experimentSpecs() throws -> (figure1: SimulationSpec, figure2: SimulationSpec, figure7: SimulationSpec) {
        var figure1 = SimulationSpec()  // defaults are figure 1 at paper size
        figure1.seed = 0
        var figure2 = SimulationSpec()
        figure2.width = 100
        figure2.depths = [1000]
        figure2.betas = [0.5]
        figure2.samples = figure2Models
        var figure7 = SimulationSpec()
        figure7.depths = [1000]
        figure7.betas = try AxisParser.values("0:1.3:70", flag: "beta")
        do {
            figure7.initializations = try AxisParser.values("0.05:0.97:\(figure7Hursts)", flag: "hurst").map { .fbm(hurst: $0) }
        } catch let e as ConfigurationError {
            throw ValidationError("--figure7-hursts: \(e.message)")
        }
        figure7.samples = 5
        figure7.inputsPerModel = 10
        for spec in [figure1, figure2, figure7] { try spec.validate() }
        return (figure1, figure2, figure7)
    }

    private func time(_ spec: SimulationSpec) throws -> Double {
        let simulator = try Simulator(spec: spec)
        let start = Date()
        _ = simulator.run(threads: threads)
        return Date().timeIntervalSince(start)
    }
}
