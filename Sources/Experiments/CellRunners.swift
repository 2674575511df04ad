import Foundation
import Persistence
import Resources
import SignalPropagation
import Support
import Training

/// `simulate` cells: one (depth, initialization, seed) and a range of model indices, with
/// every β and input inside. The rows are exactly those `resnet-scaling simulate` writes for
/// the same settings (a model's weights depend only on seed, initialization, depth and its
/// index), so a sweep split into cells reproduces a monolithic run.
public enum SimulateCell {
    /// Runs the cell's models on `threads` threads; records in model order, then β, then input.
    public static func run(_ spec: SimulationSpec, models: Range<Int>, threads: Int) throws -> [ProbeRecord] {
        let simulator = try Simulator(spec: spec)
        let perUnit = WorkerPool.map(
            count: models.count, threads: threads,
            makeState: { Simulator.Workspace() },
            work: { i, workspace in simulator.run(unit: models.lowerBound + i, workspace: &workspace) })
        return perUnit.flatMap { $0 }
    }
}

/// `train` cells: one training run, in its own folder under the results folder.
public enum TrainCell {
    /// The metrics a train cell records, in table column order.
    public static let metricNames = [
        "completed_epochs", "diverged", "test_accuracy", "last_finite_test_accuracy", "test_loss", "train_accuracy", "train_loss",
        "best_test_accuracy", "initial_test_accuracy", "v_hurst_initial", "v_hurst_final", "parameters", "seconds",
    ]

    /// Metrics written as integers in tables (`diverged` is 0 or 1).
    public static let integerMetrics: Set<String> = ["completed_epochs", "diverged", "parameters"]

    /// What a finished training run leaves in its record.
    public struct Outcome: Sendable {
        public var metrics: [String: Double]
        /// V_k[i, j] for k = 1…L after training (and at initialization), when `weight-entry` is set.
        public var weightPath: WeightPath?
    }

    /// Trains a cell in `directory` through ``TrainingRun`` (resuming from its checkpoint when
    /// there is one), with the data set from `datasets`, a `log.jsonl` line every `logEvery` steps (0: none).
    public static func run(_ config: TrainingConfiguration, dataDirectory: String?, directory: String, threads: Int,
                           logEvery: Int, datasets: DatasetCache) throws -> Outcome {
        guard let dataDirectory else {
            throw ConfigurationError(setting: "data-dir", "train cells need a data-dir setting (in the spec, or --set data-dir=…)")
        }
        let started = Date()
        let doc = try TrainingRun.run(config, in: directory, resume: true, threads: threads, logEvery: logEvery,
                                      loadData: { try datasets.load(config.dataset, directory: dataDirectory) })
        var values: [String: Double] = [:]
        let final = doc.final
        values["completed_epochs"] = Double(doc.completedEpochs)
        values["diverged"] = doc.diverged ? 1 : 0
        // A run that diverged keeps its last finite metrics (in its first epoch: those at
        // initialization); its accuracy is the reference's for NaN outputs (class 0 predicted
        // for every image), the last finite one stays in its own column.
        let lastFinite = final?.testAccuracy ?? doc.initial?.accuracy ?? .nan
        values["last_finite_test_accuracy"] = lastFinite
        values["test_accuracy"] = doc.diverged ? (doc.nanOutputAccuracy ?? lastFinite) : lastFinite
        values["test_loss"] = final?.testLoss ?? doc.initial?.loss ?? .nan
        values["train_accuracy"] = final?.trainAccuracy ?? .nan
        values["train_loss"] = final?.trainLoss ?? .nan
        values["best_test_accuracy"] = doc.epochs.map(\.testAccuracy).filter(\.isFinite).max() ?? lastFinite
        values["initial_test_accuracy"] = doc.initial?.accuracy ?? .nan
        values["v_hurst_initial"] = doc.regularity.initial["V"]?.hurstIncrements ?? .nan
        values["v_hurst_final"] = doc.regularity.final["V"]?.hurstIncrements ?? .nan
        values["parameters"] = Double(doc.parameterCount)
        values["seconds"] = doc.epochs.isEmpty ? Date().timeIntervalSince(started) : doc.epochs.map(\.seconds).reduce(0, +)
        return Outcome(metrics: values, weightPath: doc.weightPath)
    }

    /// Loads (into `datasets`) every dataset the train `cells` use, so that a wrong or missing
    /// data folder stops the sweep up front: a `SpecError` keyed `settings.data-dir` naming the
    /// folder and the loader's message.
    public static func loadDatasets(for cells: [Cell], dataDirectory: String?, datasets: DatasetCache, source: String) throws {
        var kinds: [DatasetKind] = []
        for cell in cells {
            guard case .train(let config) = cell.spec else { continue }
            if !kinds.contains(config.dataset) { kinds.append(config.dataset) }
        }
        guard !kinds.isEmpty else { return }
        guard let dataDirectory else {
            throw SpecError(source: source, key: "settings.data-dir",
                            "train cells need a data-dir setting (in the spec, or --set data-dir=…)")
        }
        for kind in kinds {
            do {
                _ = try datasets.load(kind, directory: dataDirectory)
            } catch {
                throw SpecError(source: source, key: "settings.data-dir",
                                "cannot load \(kind.rawValue) from \(dataDirectory): \(error)")
            }
        }
    }
}

/// Datasets loaded once per process and shared by the cells (and worker threads) using them.
public final class DatasetCache: @unchecked Sendable {
    private var loaded: [String: (train: Dataset, test: Dataset)] = [:]
    private let lock = NSLock()
    /// What the files of each data set may take (see `DataFileBudget`).
    public let memoryLimit: MemoryLimit

    public init(memoryLimit: MemoryLimit = .default) { self.memoryLimit = memoryLimit }

    public func load(_ kind: DatasetKind, directory: String) throws -> (train: Dataset, test: Dataset) {
        lock.lock(); defer { lock.unlock() }
        let key = "\(kind.rawValue)|\(directory)"
        if let sets = loaded[key] { return sets }
        let sets = try kind.load(directory: directory, memoryLimit: memoryLimit.remaining(after: heldBytes, for: "the data loaded before"))
        loaded[key] = sets
        return sets
    }

    /// Bytes held by the loaded sets (Float pixels and labels).
    public var bytes: Int {
        lock.lock(); defer { lock.unlock() }
        return heldBytes
    }

    private var heldBytes: Int {
        loaded.values.reduce(0) { Saturating.sum($0, Dataset.bytes($1)) }
    }

    /// The example counts of a loaded set of `kind` (nil if none is loaded).
    public func counts(_ kind: DatasetKind) -> (train: Int, test: Int)? {
        lock.lock(); defer { lock.unlock() }
        return loaded.first { $0.key.hasPrefix(kind.rawValue + "|") }.map { ($0.value.train.count, $0.value.test.count) }
    }
}
