import Foundation
import ResNets
import Stochastic

/// Speed of training on this machine: one optimizer step (forward, backward with parameter
/// gradients, optimizer update) and a whole epoch.
public enum TrainingBenchmark {
    public struct Row: Sendable {
        public var label: String
        public var threads: Int
        /// Median seconds per training step.
        public var secondsPerStep: Double
        public var examplesPerSecond: Double
    }

    /// Synthetic data shaped like MNIST (uniform pixels, labels cycling 0–9).
    public static func syntheticDataset(count: Int, features: Int = 784, classes: Int = 10, seed: UInt64 = 1) -> Dataset {
        var stream = RandomStream(seed: seed, coordinates: [0xBE7C])
        let images = stream.uniformFloats(count: count * features)
        let labels = (0..<count).map { UInt8($0 % classes) }
        return Dataset(name: "synthetic", images: images, labels: labels, features: features, classes: classes)
    }

    /// Median seconds of one training step of `configuration` (after a warm-up step).
    public static func stepTime(_ configuration: TrainingConfiguration = TrainingConfiguration(),
                                features: Int = 784, threads: Int = 1, steps: Int = 15) throws -> Double {
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
        return times[times.count / 2]
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
        let threadCounts = threads > 1 ? [1, threads] : [1]
        for variant in [ResidualVariant.res1, .res3] {
            let config = TrainingConfiguration(model: variant, width: 30, depth: 1000, beta: 0.5)
            for t in threadCounts {
                let seconds = try stepTime(config, threads: t, steps: steps)
                rows.append(Row(label: "\(variant.rawValue) d=30 L=1000 batch 128 Adam", threads: t,
                                secondsPerStep: seconds, examplesPerSecond: 128 / seconds))
            }
        }
        return rows
    }

    /// A plain-text table of the rows (ms per step, examples/s, projected MNIST epoch).
    public static func formattedTable(_ rows: [Row]) -> String {
        var out = "configuration                      threads   ms/step   examples/s   MNIST epoch (469 steps)\n"
        for r in rows {
            let label = r.label.padding(toLength: 34, withPad: " ", startingAt: 0)
            out += String(format: "%@ %7d %9.2f %12.0f %14.1f s\n", label, r.threads, r.secondsPerStep * 1000,
                          r.examplesPerSecond, r.secondsPerStep * 469)
        }
        out += "reference (PyTorch, batch size 1 loops): 356 ms/step\n"
        return out
    }
}
