import Foundation
import ResNets
import Stochastic

/// Speed of training on this machine: one optimizer step (forward, backward with parameter
/// gradients, optimizer update), a test evaluation and a whole epoch, with the floating-point
/// work of their matrix products (to compare with the machine's FMA peak).
public enum TrainingBenchmark {
    public struct Row: Sendable {
        public var label: String
        public var threads: Int
        /// Median seconds per training step.
        public var secondsPerStep: Double
        /// Fastest step.
        public var bestSecondsPerStep: Double
        /// Slowest step.
        public var worstSecondsPerStep: Double
        public var examplesPerSecond: Double
        /// Floating-point operations of the matrix products of one step (`stepFlops`).
        public var flopsPerStep: Double
        /// Steps timed.
        public var steps: Int
    }

    /// Synthetic data shaped like MNIST (uniform pixels, labels cycling 0–9).
    public static func syntheticDataset(count: Int, features: Int = 784, classes: Int = 10, seed: UInt64 = 1) -> Dataset {
        var stream = RandomStream(seed: seed, coordinates: [0xBE7C])
        let images = stream.uniformFloats(count: count * features)
        let labels = (0..<count).map { UInt8($0 % classes) }
        return Dataset(name: "synthetic", images: images, labels: labels, features: features, classes: classes)
    }

    /// Floating-point operations of the matrix products of one training step on `batch`
    /// examples: the forward pass, and a backward pass with parameter gradients, which costs
    /// two products per forward product (∂θ and the propagated gradient; for the input layer
    /// only ∂A).
    public static func stepFlops(_ c: ResNetConfiguration, batch: Int) -> Double {
        let d = Double(c.width), n = Double(batch)
        let matrices = c.variant.hasInnerMatrix ? 2.0 : 1.0
        let residual = 2 * d * d * n * matrices * Double(c.depth)
        let input = 2 * d * n * Double(c.inputDimension)
        let output = 2 * d * n * Double(c.outputDimension)
        return 3 * residual + 2 * input + 3 * output
    }

    /// Median, fastest and slowest seconds of one training step of `configuration` (after a warm-up step).
    public static func stepTimes(_ configuration: TrainingConfiguration = TrainingConfiguration(),
                                 features: Int = 784, threads: Int = 1, steps: Int = 15) throws -> (median: Double, best: Double, worst: Double) {
        let batch = configuration.batchSize
        let data = syntheticDataset(count: batch * 2, features: features)
        let trainer = try Trainer(configuration: configuration, train: data, test: data.prefix(batch), threads: threads)
        let indices = Array(0..<batch)
        var times: [Double] = []
        for s in 0...steps {
            let start = DispatchTime.now().uptimeNanoseconds
            // A tiny learning rate keeps the weights (and hence the work) as they are.
            indices.withUnsafeBufferPointer { _ = trainer.step(indices: $0, learningRate: 1e-9) }
            if s > 0 { times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9) }
        }
        times.sort()
        return (times[times.count / 2], times[0], times[times.count - 1])
    }

    /// Median seconds of one training step of `configuration` (after a warm-up step).
    public static func stepTime(_ configuration: TrainingConfiguration = TrainingConfiguration(),
                                features: Int = 784, threads: Int = 1, steps: Int = 15) throws -> Double {
        try stepTimes(configuration, features: features, threads: threads, steps: steps).median
    }

    /// Seconds per test example of `Trainer.evaluate` (fastest of `repetitions` evaluations
    /// of `examples` synthetic examples after a warm-up).
    public static func evaluationTimePerExample(_ configuration: TrainingConfiguration = TrainingConfiguration(),
                                                features: Int = 784, threads: Int = 1, examples: Int = 1000,
                                                repetitions: Int = 3) throws -> Double {
        let data = syntheticDataset(count: examples, features: features)
        let trainer = try Trainer(configuration: configuration, train: data, test: data, threads: threads)
        _ = trainer.evaluate(data)
        var best = Double.infinity
        for _ in 0..<max(1, repetitions) {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = trainer.evaluate(data)
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return best / Double(examples)
    }

    /// Seconds of one full epoch (training and test evaluation) of `configuration`.
    public static func epochTime(_ configuration: TrainingConfiguration, train: Dataset, test: Dataset,
                                 threads: Int) throws -> (seconds: Double, metrics: EpochOutcome) {
        let trainer = try Trainer(configuration: configuration, train: train, test: test, threads: threads)
        let start = Date()
        let outcome = trainer.runEpoch()
        return (Date().timeIntervalSince(start), outcome)
    }

    /// Step times of res-1 and res-3 (d = 30, L = 1000, batch 128, Adam) on 1 and `threads` threads.
    public static func run(threads: Int = ProcessInfo.processInfo.activeProcessorCount, steps: Int = 15) throws -> [Row] {
        var rows: [Row] = []
        for variant in [ResidualVariant.res1, .res3] {
            for t in threads > 1 ? [1, threads] : [1] {
                rows.append(try row(variant, threads: t, steps: steps))
            }
        }
        return rows
    }

    /// The step time of `variant` (d = 30, L = 1000, batch 128, Adam) on `threads` threads.
    public static func row(_ variant: ResidualVariant, threads: Int, steps: Int = 15) throws -> Row {
        let config = TrainingConfiguration(model: variant, width: 30, depth: 1000, beta: 0.5)
        let flops = stepFlops(try config.networkConfiguration(features: 784, classes: 10), batch: config.batchSize)
        let seconds = try stepTimes(config, threads: threads, steps: steps)
        return Row(label: "\(variant.rawValue) d=30 L=1000 batch 128 Adam", threads: threads,
                   secondsPerStep: seconds.median, bestSecondsPerStep: seconds.best, worstSecondsPerStep: seconds.worst,
                   examplesPerSecond: 128 / seconds.median, flopsPerStep: flops, steps: steps)
    }

    /// A plain-text table of the rows: ms per step (median and best), the GFLOP of the step's
    /// matrix products, the floor (their time at `peakGFLOPS` per thread), the fraction
    /// floor / median time, examples/s and the projected MNIST epoch.
    public static func formattedTable(_ rows: [Row], peakGFLOPS: Double) -> String {
        var out = "configuration                      threads  ms/step (median, best, worst)  GFLOP  floor ms  floor/time  examples/s  MNIST epoch (469 steps)\n"
        for r in rows {
            let label = r.label.padding(toLength: 34, withPad: " ", startingAt: 0)
            let floor = r.flopsPerStep / (peakGFLOPS * 1e9 * Double(r.threads))
            out += String(format: "%@ %7d %10.2f %8.2f %6.2f %12.3f %9.2f %11.2f %11.0f %14.1f s\n", label, r.threads,
                          r.secondsPerStep * 1000, r.bestSecondsPerStep * 1000, r.worstSecondsPerStep * 1000,
                          r.flopsPerStep / 1e9, floor * 1000,
                          floor / r.secondsPerStep, r.examplesPerSecond, r.secondsPerStep * 469)
        }
        out += String(format: "floor: the step's matrix products at the measured FMA peak, %.1f GFLOP/s per thread\n", peakGFLOPS)
        out += "reference (same model, batch 128, Adam): the paper's PyTorch code 356 ms/step, a JAX version 31.5 ms/step\n"
        return out
    }
}
