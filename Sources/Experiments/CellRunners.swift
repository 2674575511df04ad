import Foundation
import Persistence
import ResNets
import Resources
import SignalPropagation
import Support
import Training

/// `simulate` cells: one (depth, initialization, seed) and a range of model indices, with
/// every β and input inside. The rows are exactly those `resnet-scaling simulate` writes for
/// the same settings (a model's weights depend only on seed, initialization, depth and its
/// index), so a sweep split into cells reproduces a monolithic run.
public enum SimulateCell {
    /// The simulation of a cell (one depth, one initialization, `samples` models in total)
    /// and the models it runs.
    public static func spec(_ c: [String: String]) throws -> (spec: SimulationSpec, models: Range<Int>) {
        var s = SimulationSpec()
        s.variant = try ResidualVariant(parsing: c["model"] ?? "res3")
        s.activation = try Activation(parsing: c["activation"] ?? "relu")
        s.initializations = [try initialization(c)]
        s.width = Int(c["width"] ?? "") ?? s.width
        s.inputDimension = Int(c["input-dim"] ?? "") ?? s.inputDimension
        s.outputDimension = Int(c["output-dim"] ?? "") ?? s.outputDimension
        s.depths = [Int(c["depth"] ?? "") ?? 1000]
        s.betas = (c["beta"] ?? "").split(separator: ",").compactMap { Double($0) }
        s.samples = Int(c["samples"] ?? "") ?? s.samples
        s.inputsPerModel = Int(c["inputs"] ?? "") ?? s.inputsPerModel
        s.seed = UInt64(c["seed"] ?? "0") ?? 0
        try s.validate()
        let first = Int(c["model-first"] ?? "0") ?? 0
        let count = Int(c["model-count"] ?? "") ?? s.samples
        guard first >= 0, count >= 1, first + count <= s.samples else {
            throw ConfigurationError(setting: "models-per-cell", "model range \(first)..<\(first + count) is outside 0..<\(s.samples)")
        }
        return (s, first..<(first + count))
    }

    static func initialization(_ c: [String: String]) throws -> Initialization {
        let name = c["init"] ?? "iid-uniform"
        if name == "fbm" {
            guard let h = c["hurst"].flatMap(Double.init) else {
                throw ConfigurationError(setting: "hurst", "init fbm needs a Hurst index")
            }
            let value = Initialization.fbm(hurst: h)
            try value.validate()
            return value
        }
        return try Initialization(parsing: name)
    }

    /// Runs the cell's models on `threads` threads; records in model order, then β, then input.
    public static func run(_ config: [String: String], threads: Int) throws -> [ProbeRecord] {
        let (spec, models) = try spec(config)
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
    /// The training configuration of a cell.
    public static func configuration(_ c: [String: String]) throws -> TrainingConfiguration {
        let kind = OptimizerKind(rawValue: c["optimizer"] ?? "adam") ?? .adam
        var optimizer = OptimizerSettings(kind: kind)
        if kind == .sgd { optimizer.momentum = Double(c["momentum"] ?? "0.9") ?? 0.9 }
        let bias: Bool?
        switch c["residual-bias"] ?? "auto" {
        case "on": bias = true
        case "off": bias = false
        default: bias = nil
        }
        let config = TrainingConfiguration(
            dataset: try DatasetKind(parsing: c["dataset"] ?? "mnist"),
            model: try ResidualVariant(parsing: c["model"] ?? "res1"),
            activation: try Activation(parsing: c["activation"] ?? "relu"),
            width: Int(c["width"] ?? "") ?? 30,
            depth: Int(c["depth"] ?? "") ?? 1000,
            beta: Double(c["beta"] ?? "") ?? 0.5,
            initialization: try SimulateCell.initialization(c),
            residualBias: bias,
            optimizer: optimizer,
            learningRate: Double(c["lr"] ?? "") ?? 1e-3,
            lrStep: Int(c["lr-step"] ?? "") ?? 5,
            lrGamma: Double(c["lr-gamma"] ?? "") ?? 0.1,
            epochs: Int(c["epochs"] ?? "") ?? 10,
            batchSize: Int(c["batch-size"] ?? "") ?? 128,
            seed: UInt64(c["seed"] ?? "0") ?? 0,
            trainLimit: c["train-limit"].flatMap(Int.init),
            testLimit: c["test-limit"].flatMap(Int.init),
            columnBlocks: Int(c["column-blocks"] ?? "") ?? 2)
        try config.validate()
        if let entry = c["weight-entry"] {
            let ij = entry.split(separator: ",").compactMap { Int($0) }
            if ij.count != 2 || ij[0] >= config.width || ij[1] >= config.width {
                throw ConfigurationError(setting: "weight-entry", "entry \(entry) is outside the \(config.width) × \(config.width) matrices")
            }
        }
        return config
    }

    /// The metrics a train cell records, in table column order.
    public static let metricNames = [
        "completed_epochs", "diverged", "test_accuracy", "test_loss", "train_accuracy", "train_loss",
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

    public struct WeightPath: Codable, Equatable, Sendable {
        public var i: Int
        public var j: Int
        public var trained: [Double]
        public var initial: [Double]?
    }

    /// Trains a cell in `directory` (resuming from its checkpoint when there is one).
    public static func run(_ cellConfig: [String: String], dataDirectory: String?, directory: String, threads: Int,
                           datasets: DatasetCache) throws -> Outcome {
        let config = try configuration(cellConfig)
        guard let dataDirectory else {
            throw ConfigurationError(setting: "data-dir", "train cells need a data-dir setting (in the spec, or --set data-dir=…)")
        }
        let kind = config.dataset
        let sets = try datasets.load(kind, directory: dataDirectory)
        let entry = cellConfig["weight-entry"].map { $0.split(separator: ",").compactMap { Int($0) } }
        let started = Date()
        let metrics = try TrainingRun.run(configuration: config, train: sets.train, test: sets.test, directory: directory,
                                          threads: threads) { session in
            guard let entry else { return nil }
            // The initial model is drawn again from the seed (also when the run was resumed).
            let trainer = session.trainer
            return WeightPath(i: entry[0], j: entry[1], trained: weightEntry(trainer.parameters, entry[0], entry[1]),
                              initial: weightEntry(trainer.initialParameters, entry[0], entry[1]))
        }
        var values: [String: Double] = [:]
        let doc = metrics.document
        let final = doc.final
        values["completed_epochs"] = Double(doc.completedEpochs)
        values["diverged"] = doc.diverged ? 1 : 0
        // A run that diverged in its first epoch is restored to its initial state.
        values["test_accuracy"] = final?.testAccuracy ?? doc.initial?.accuracy ?? .nan
        values["test_loss"] = final?.testLoss ?? doc.initial?.loss ?? .nan
        values["train_accuracy"] = final?.trainAccuracy ?? .nan
        values["train_loss"] = final?.trainLoss ?? .nan
        values["best_test_accuracy"] = doc.epochs.map(\.testAccuracy).filter(\.isFinite).max() ?? values["test_accuracy"]!
        values["initial_test_accuracy"] = doc.initial?.accuracy ?? .nan
        values["v_hurst_initial"] = doc.regularity.initial["V"]?.hurstIncrements ?? .nan
        values["v_hurst_final"] = doc.regularity.final["V"]?.hurstIncrements ?? .nan
        values["parameters"] = Double(doc.parameterCount)
        values["seconds"] = doc.epochs.isEmpty ? Date().timeIntervalSince(started) : doc.epochs.map(\.seconds).reduce(0, +)
        return Outcome(metrics: values, weightPath: metrics.weightPath)
    }

    /// Loads (into `datasets`) every dataset the train `cells` use, so that a wrong or missing
    /// data folder stops the sweep up front: a `SpecError` keyed `settings.data-dir` naming the
    /// folder and the loader's message. Cells whose dataset name does not parse are left to
    /// fail on their own.
    public static func loadDatasets(for cells: [Cell], dataDirectory: String?, datasets: DatasetCache, source: String) throws {
        var kinds: [DatasetKind] = []
        for cell in cells where cell.command == .train {
            guard let kind = try? DatasetKind(parsing: cell.config["dataset"] ?? "mnist") else { continue }
            if !kinds.contains(kind) { kinds.append(kind) }
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

    static func weightEntry(_ p: ResNetParameters<Float>, _ i: Int, _ j: Int) -> [Double] {
        let d = p.configuration.width
        return (0..<p.configuration.depth).map { k in Double(p.v[k * d * d + i * d + j]) }
    }
}

/// The training run of one cell, through the same library calls as `resnet-scaling train`
/// (`TrainingSession` on the run folder with resume, then `run`). A thin wrapper: the
/// Training module has no single "run in a folder" function yet.
public enum TrainingRun {
    public struct Result {
        public var document: MetricsDocument
        public var weightPath: TrainCell.WeightPath?
    }

    public static func run(configuration: TrainingConfiguration, train: Dataset, test: Dataset, directory: String,
                           threads: Int,
                           finished: (TrainingSession) throws -> TrainCell.WeightPath? = { _ in nil }) throws -> Result {
        let session = try TrainingSession(configuration: configuration, train: train, test: test, directory: directory,
                                          resume: true, threads: threads)
        defer { session.close() }
        let document = try session.run()
        return Result(document: document, weightPath: try finished(session))
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
        loaded.values.reduce(0) { total, sets in
            Saturating.sum(total, Saturating.product(4, sets.train.features, Saturating.sum(sets.train.count, sets.test.count)))
        }
    }

    /// The example counts of a loaded set of `kind` (nil if none is loaded).
    public func counts(_ kind: DatasetKind) -> (train: Int, test: Int)? {
        lock.lock(); defer { lock.unlock() }
        return loaded.first { $0.key.hasPrefix(kind.rawValue + "|") }.map { ($0.value.train.count, $0.value.test.count) }
    }
}
