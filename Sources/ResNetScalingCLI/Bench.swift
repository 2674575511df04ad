import ArgumentParser
import Foundation
import ResNetScaling

/// `resnet-scaling bench`: speed of the hot paths on this machine.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure the speed of the kernels, the random streams and the experiments on this machine.",
        discussion: """
        Matrix products are reported in GFLOP/s (single thread) beside the machine's FP32 peak,
        measured with 12 FMA chains of the widest vectors the kernels use here (AVX2: 8 lanes,
        e.g. 2 FMA units × 8 lanes × 2 FLOP × ~3.1 GHz ≈ 99 GFLOP/s per core; AVX-512: 16
        lanes where the CPU has it; RESNET_DISABLE_AVX512=1 measures the AVX2 code).
        Each headline workload (the training step, figures 2 and 7) is reported as time taken,
        GFLOP of matrix products, their floor (that work at the measured single-core FMA peak
        times the threads) and the fraction floor / time. Figure 1 is timed at paper size, figure 2
        is extrapolated from a subset of its 10⁴ models, the figure-7 grid (51 H × 70 β × 5 models ×
        10 inputs at L = 1000, d = 40, fBm weights) is run whole with its breakdown (weight
        sampling, forward and backward passes, CPU seconds over threads), and the wall time of
        figure 9 at paper size (500 MNIST training runs of 10 epochs) is estimated from measured
        step and evaluation times. `--runs` repeats the measurements (training: 15 steps per run;
        figures 2 and 7: whole runs) and the table gives the best, median and worst time. Beside
        each workload, how many CPUs other processes kept busy meanwhile (Linux: /proc/stat, which
        counts the whole machine, also outside a container's CPUs): on a shared machine only
        measurements where that is near 0 are comparable.
        """
    )

    enum Section: String, ExpressibleByArgument, CaseIterable {
        case kernels, random, processes, training, figure1, figure2, figure7, figure9, experiments, all
    }

    @Option(help: "What to measure: kernels, random, processes, training, figure1, figure2, figure7, figure9, experiments (figures 1, 2 and 7) or all.")
    var section: Section = .all

    @Option(parsing: .unconditional, help: "Worker threads for the training and experiment sections.", transform: OptionParsing.threads)
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(name: .customLong("figure2-models"), parsing: .unconditional, help: "Models of figure 2 (d = 100, L = 1000) to time before extrapolating to 10⁴.",
            transform: OptionParsing.positiveInt)
    var figure2Models: Int = 200

    @Option(name: .customLong("figure7-hursts"), parsing: .unconditional, help: "Hurst indices of the figure-7 grid (51 at paper size).",
            transform: OptionParsing.positiveInt)
    var figure7Hursts: Int = 51

    @Option(parsing: .unconditional, help: "Repetitions of the training (15 steps each), figure-2 and figure-7 timings (the table gives the best, median and worst).",
            transform: OptionParsing.positiveInt)
    var runs: Int = 1

    @OptionGroup var resources: MemoryOption

    func run() throws {
        func wants(_ s: Section) -> Bool {
            section == s || section == .all || (section == .experiments && [.figure1, .figure2, .figure7].contains(s))
        }
        // Every experiment is built, and each one the sections run is checked against the
        // memory limit, before anything runs.
        let experiments = try experimentSpecs()
        for (figure, name, spec) in [(Section.figure1, "figure 1", experiments.figure1), (.figure2, "figure 2", experiments.figure2),
                                     (.figure7, "figure 7", experiments.figure7)] where wants(figure) {
            try resources.check(spec.estimatedBytes(threads: threads), subject: "bench (\(name))",
                                purpose: "for \(MemoryLimit.format(count: spec.recordCount())) records on \(threads) thread(s)")
        }
        if wants(.kernels) {
            print("== Matrix products (single thread) ==")
            // Warm-up: the first products after start-up run before the core has reached its
            // sustained clock and with cold caches; measured here, they read 10-20% low.
            _ = KernelBenchmark.run(shapes: Array(KernelBenchmark.standardShapes.prefix(2)), repetitions: 15)
            // Many short repetitions: the median resists the noise of shared virtual CPUs.
            let rows = KernelBenchmark.run(shapes: KernelBenchmark.standardShapes, repetitions: 31)
            let table = KernelBenchmark.formattedTable(rows)
            print(table, terminator: table.hasSuffix("\n") ? "" : "\n")
            print("")
        }
        if wants(.random) {
            print("== Random streams (single thread) ==")
            print(RandomBenchmark.formattedTable(RandomBenchmark.run()))
        }
        if wants(.processes) {
            print("== Correlated weight sequences (single thread, 3200 sequences of L = 1000) ==")
            print(ProcessBenchmark.formattedTable(ProcessBenchmark.run()))
        }
        // Every floor below is measured against this core's FMA peak, measured once.
        let needsPeak = [Section.kernels, .training, .figure2, .figure7, .figure9].contains(where: wants)
        let peak = needsPeak ? KernelBenchmark.measurePeakGFLOPS() : KernelBenchmark.peakGFLOPS
        if needsPeak {
            print(String(format: "measured FMA peak of this core: %.1f GFLOP/s (%@; nominal AVX2 %.0f)\n", peak,
                         KernelBenchmark.peakInstructionSet, KernelBenchmark.peakGFLOPS))
        }
        var rows: [FloorRow] = []
        if wants(.training) {
            print("== Training steps (res-1 and res-3, d = 30, L = 1000, batch 128, Adam; synthetic MNIST-shaped data) ==")
            var training: [TrainingBenchmark.Row] = []
            for variant in [ResidualVariant.res1, .res3] {
                for t in threads > 1 ? [1, threads] : [1] {
                    let load = MachineLoad()
                    let r = try TrainingBenchmark.row(variant, threads: t, steps: 15 * runs)
                    training.append(r)
                    rows.append(FloorRow(label: "training step, \(r.label.prefix(4))", threads: r.threads,
                                         best: r.bestSecondsPerStep, median: r.secondsPerStep, worst: r.worstSecondsPerStep,
                                         runs: r.steps, flops: r.flopsPerStep, peak: peak, unit: "ms", scale: 1000,
                                         others: load.others))
                }
            }
            print(TrainingBenchmark.formattedTable(training, peakGFLOPS: peak))
        }
        if wants(.figure1) || wants(.figure2) || wants(.figure7) {
            print("== Experiments at initialization (\(threads) thread(s)) ==")
        }
        if wants(.figure1) {
            let t1 = try time(experiments.figure1).seconds
            print(String(format: "figure 1 (10 depths × 3 β × 50 models, d = 40, L ≤ 1000): %.2f s", t1))
        }
        if wants(.figure2) {
            rows.append(try figure2(experiments.figure2, peak: peak))
        }
        if wants(.figure7) {
            rows.append(try figure7(experiments.figure7, peak: peak))
        }
        if !rows.isEmpty {
            print("\n== Time against the floor (matrix products at \(String(format: "%.1f", peak)) GFLOP/s per thread) ==")
            print(FloorRow.table(rows))
        }
        if wants(.figure9) {
            try figure9()
        }
    }

    /// Figure 2 (res-3, d = 100, L = 1000, β = 0.5, 10⁴ models), extrapolated from `figure2Models`.
    private func figure2(_ spec: SimulationSpec, peak: Double) throws -> FloorRow {
        var times: [Double] = []
        var flops = 0.0
        let load = MachineLoad()
        for _ in 0..<runs {
            let (seconds, simulator) = try time(spec)
            times.append(seconds * 10_000 / Double(figure2Models))
            flops = simulator.matrixProductFlops * 10_000 / Double(figure2Models)
        }
        times.sort()
        let median = times[times.count / 2]
        print(String(format: "figure 2 (d = 100, L = 1000, β = 0.5): %d models → %.1f CPU ms/model → 10⁴ models ≈ %.1f s (best %.1f)",
                     figure2Models, median / 10_000 * 1000 * Double(threads), median, times[0]))
        // The products are matrix–vector (one β, one input): the random weights, not the FMA
        // units, bound this figure. Their floor: drawing each weight once at the measured rate.
        let perModel: Double = 2 * 100 * 100 * 1000 + 100 * 64 + 100  // V and W of 1000 layers, A, B
        let weights = 10_000 * perModel
        let rate = RandomBenchmark.run(minimumSeconds: 0.1).first { $0.name == "fillUniform Float" }?.valuesPerSecond ?? .nan
        print(String(format: "  %.2g random weights, each drawn once at %.2f × 10⁹/s per thread: %.1f s (the floor of this figure)",
                     weights, rate / 1e9, weights / rate / Double(threads)))
        return FloorRow(label: "figure 2 (10⁴ models)", threads: threads, times: times, flops: flops, peak: peak, unit: "s",
                        others: load.others)
    }

    /// Figure 7's grid (`figure7Hursts` H × 70 β × 5 models × 10 inputs, d = 40, L = 1000, fBm).
    private func figure7(_ spec: SimulationSpec, peak: Double) throws -> FloorRow {
        var times: [Double] = []
        var flops = 0.0
        let load = MachineLoad()
        for _ in 0..<runs {
            let simulator = try Simulator(spec: spec)
            let start = Date()
            let result = simulator.run(threads: threads)
            let wall = Date().timeIntervalSince(start)
            times.append(wall)
            flops = simulator.matrixProductFlops
            let t = result.timings
            print(String(format: "figure 7 (%d H × 70 β × 5 models × 10 inputs = %d probes, L = 1000, d = 40, fBm): %.1f s wall",
                         figure7Hursts, result.records.count, wall))
            print(String(format: "  CPU seconds: sampling %.1f, forward %.1f, backward %.1f; matrix products %.1f GFLOP/s per thread (%.0f%% of peak)",
                         t.sampling, t.forward, t.backward, t.flops / (t.forward + t.backward) / 1e9,
                         100 * t.flops / (t.forward + t.backward) / 1e9 / peak))
        }
        times.sort()
        return FloorRow(label: "figure 7 (\(figure7Hursts) H)", threads: threads, times: times, flops: flops, peak: peak,
                        unit: "s", others: load.others)
    }

    /// The wall time of figure 9 at paper size (500 runs × 10 epochs of res-1, d = 30, L = 1000,
    /// batch 128, Adam, fBm init with its residual bias; MNIST: 469 steps and 10⁴ test examples
    /// per epoch), from measured step and evaluation times, for the two ways of using the
    /// threads: one run per thread side by side (`sweep --workers N`) or one run at a time on
    /// all threads.
    private func figure9() throws {
        print("== Figure 9 at paper size (MNIST: 500 runs × 10 epochs × (469 steps + 10⁴ test examples)), estimated ==")
        let load = MachineLoad()
        defer { if !load.note.isEmpty { print("  (\(load.note))") } }
        let config = TrainingConfiguration(model: .res1, width: 30, depth: 1000, beta: 0.5,
                                           initialization: .fbm(hurst: 0.5))
        let epochs = 500.0 * 10
        let step1 = try TrainingBenchmark.stepTimes(config, threads: 1, steps: 15 * runs).median
        let eval1 = try TrainingBenchmark.evaluationTimePerExample(config, threads: 1)
        let epoch1 = 469 * step1 + 10_000 * eval1
        print(String(format: "  1 thread per run: %.2f ms/step, %.1f ms per 1000 test examples → %.1f s/epoch",
                     step1 * 1000, eval1 * 1e6, epoch1))
        var estimate = epochs * epoch1 / Double(threads)
        print(String(format: "  %d run(s) side by side (sweep --workers %d): %.2f h (assuming no slowdown from sharing the memory system)",
                     threads, threads, estimate / 3600))
        if threads > 1 {
            let stepN = try TrainingBenchmark.stepTimes(config, threads: threads, steps: 15 * runs).median
            let evalN = try TrainingBenchmark.evaluationTimePerExample(config, threads: threads)
            let epochN = 469 * stepN + 10_000 * evalN
            print(String(format: "  one run at a time on %d threads: %.2f ms/step, %.1f ms per 1000 test examples → %.1f s/epoch → %.2f h",
                         threads, stepN * 1000, evalN * 1e6, epochN, epochs * epochN / 3600))
            estimate = min(estimate, epochs * epochN)
        }
        print(String(format: "figure 9 (MNIST, paper size) estimated wall time on %d thread(s): %.2f h", threads, estimate / 3600))
    }

    /// Figures 1, 2 and 7 at paper size (figure 2 with `figure2Models` models, figure 7 with
    /// `figure7Hursts` H), validated.
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

    private func time(_ spec: SimulationSpec) throws -> (seconds: Double, simulator: Simulator) {
        let simulator = try Simulator(spec: spec)
        let start = Date()
        _ = simulator.run(threads: threads)
        return (Date().timeIntervalSince(start), simulator)
    }
}

/// One line of the bench's summary: time taken (best, median, worst), GFLOP of matrix
/// products, their floor at the measured peak on `threads` threads, floor / time, and how
/// many CPUs other processes kept busy during the measurement.
struct FloorRow {
    var label: String
    var threads: Int
    /// Fastest, median and slowest time in seconds, over `runs` measurements.
    var best: Double
    var median: Double
    var worst: Double
    var runs: Int
    var flops: Double
    var peak: Double
    /// Display unit of the times ("ms" with scale 1000, "s" with scale 1).
    var unit: String
    var scale: Double
    /// CPUs kept busy by other processes during the measurement (nil: unknown).
    var others: Double?

    init(label: String, threads: Int, best: Double, median: Double, worst: Double, runs: Int, flops: Double, peak: Double,
         unit: String, scale: Double, others: Double?) {
        self.label = label; self.threads = threads; self.best = best; self.median = median; self.worst = worst
        self.runs = runs; self.flops = flops; self.peak = peak; self.unit = unit; self.scale = scale; self.others = others
    }

    /// From measured times in seconds.
    init(label: String, threads: Int, times: [Double], flops: Double, peak: Double, unit: String, others: Double?) {
        let sorted = times.sorted()
        self.init(label: label, threads: threads, best: sorted[0], median: sorted[sorted.count / 2], worst: sorted[sorted.count - 1],
                  runs: sorted.count, flops: flops, peak: peak, unit: unit, scale: 1, others: others)
    }

    /// The matrix products at `peak` GFLOP/s on each of `threads` threads, in seconds.
    var floor: Double { flops / (peak * 1e9 * Double(threads)) }

    static func table(_ rows: [FloorRow]) -> String {
        var lines = ["| workload | threads | time (best) | time (median) | time (worst) | runs | GFLOP | floor | floor / median time | CPUs busy with other processes |",
                     "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for r in rows {
            let times = String(format: "%.2f %@ | %.2f %@ | %.2f %@", r.best * r.scale, r.unit, r.median * r.scale, r.unit,
                               r.worst * r.scale, r.unit)
            let work = String(format: "%d | %.1f | %.2f %@ | %.2f", r.runs, r.flops / 1e9, r.floor * r.scale, r.unit, r.floor / r.median)
            let others = r.others.map { String(format: "%.2f", $0) } ?? "unknown"
            lines.append("| \(r.label) | \(r.threads) | \(times) | \(work) | \(others) |")
        }
        let busiest = rows.compactMap(\.others).max() ?? 0
        if busiest > 0.1 {
            lines.append("")
            lines.append(String(format: "Other processes kept up to %.2f CPUs busy during these measurements: the times are slower than on a quiet machine and not comparable with one.", busiest))
        }
        return lines.joined(separator: "\n")
    }
}
