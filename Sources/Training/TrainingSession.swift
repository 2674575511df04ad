import Foundation
import Persistence
import ResNets
import Support

/// Why a run could not start or continue in its output folder.
public enum TrainingRunError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The folder already holds a run and `resume` was not requested.
    case existingRun(path: String)
    /// `resume` was requested with settings that differ from the checkpoint's.
    case configurationMismatch(path: String, settings: [String], details: String)
    /// The output folder cannot be created or written.
    case outputDirectory(path: String, reason: String)
    /// Another process holds the folder's lock (`holder` as written in the lock file, if any).
    case inUse(path: String, holder: FileLock.Holder?)
    /// `resume` was requested with fewer epochs than the run was started for.
    case fewerEpochs(path: String, recorded: Int, requested: Int, completed: Int)

    public var description: String {
        switch self {
        case .existingRun(let p):
            return "'\(p)' already holds a run (\(Checkpoint.fileName)); pass --resume to continue it or choose another output folder"
        case let .configurationMismatch(p, settings, details):
            return "cannot resume '\(p)': its run was made with different settings (\(settings.joined(separator: ", "))): \(details)"
        case let .outputDirectory(p, r):
            return "output folder '\(p)': \(r)"
        case let .inUse(p, holder):
            return "'\(p)' is in use by \(holder?.description ?? "another process") (\(TrainingSession.lockFileName) is locked); " +
                "wait for that run to end or choose another output folder"
        case let .fewerEpochs(p, recorded, requested, completed):
            return "cannot resume '\(p)' with --epochs \(requested): its run is for \(recorded) epochs (\(completed) done); " +
                "--epochs may only extend it (\(recorded) or more)"
        }
    }
}

/// The document written to `metrics.json` after every epoch:
/// `{"config": {...}, "epochs": [{"epoch": 1, "train_loss": …, "test_loss": …, "test_accuracy": …,
/// "seconds": …}, …], "diverged": false, …}`.
public struct MetricsDocument: Codable, Equatable, Sendable {
    public var config: TrainingConfiguration
    public var epochs: [EpochMetrics]
    public var diverged: Bool
    public var divergence: Divergence?
    /// Every epoch done, or diverged.
    public var finished: Bool
    public var completedEpochs: Int
    /// Test metrics of the model at initialization.
    public var initial: Evaluation?
    /// The last finite metrics (the last finished epoch), nil before the first epoch ends.
    public var final: EpochMetrics?
    /// Regularity of the residual weights at initialization and at the last finished epoch,
    /// and of the change between them (see `RegularityStatistics`).
    public var regularity: RegularityPair
    public var parameterCount: Int
    public var trainExamples: Int
    public var testExamples: Int
    /// V_k[i, j] against k, after the last finished epoch and at initialization, when the
    /// configuration has a `weight-entry` (figure 8).
    public var weightPath: WeightPath?
    /// The version of the tool that wrote the document (absent in files of earlier versions).
    public var toolVersion: ToolVersion?
    /// For a run that diverged: the test accuracy the reference code records for it. Its
    /// network's outputs are NaN, and the reference predicts with max/argmax, which (in
    /// PyTorch as in NumPy) returns the index of the first NaN: class 0 for every image, so
    /// the accuracy is the share of the test set labelled 0 (MNIST: 980/10000 = 0.098).
    /// Absent for runs that did not diverge (and in files of earlier versions).
    public var nanOutputAccuracy: Double?

    public struct RegularityPair: Codable, Equatable, Sendable {
        public var initial: [String: RegularityStatistics]
        public var final: [String: RegularityStatistics]
        /// Of final − initial: the part of the weights that training wrote.
        public var change: [String: RegularityStatistics]
    }

    enum CodingKeys: String, CodingKey {
        case config, epochs, diverged, divergence, finished, completedEpochs = "completed_epochs", initial, final
        case regularity, parameterCount = "parameter_count", trainExamples = "train_examples", testExamples = "test_examples"
        case weightPath = "weight_path", toolVersion = "tool_version", nanOutputAccuracy = "nan_output_accuracy"
    }

    public init(trainer: Trainer) {
        config = trainer.configuration
        epochs = trainer.history
        diverged = trainer.divergence != nil
        divergence = trainer.divergence
        finished = trainer.isFinished
        completedEpochs = trainer.completedEpochs
        initial = trainer.initialEvaluation
        final = trainer.history.last
        regularity = RegularityPair(initial: trainer.initialRegularity, final: Trainer.regularity(of: trainer.parameters),
                                    change: trainer.changeRegularity())
        parameterCount = trainer.parameters.count
        trainExamples = trainer.train.count
        testExamples = trainer.test.count
        weightPath = trainer.configuration.weightEntry.map {
            WeightPath($0, trained: trainer.parameters, initial: trainer.initialParameters)
        }
        toolVersion = .current
        nanOutputAccuracy = trainer.divergence == nil ? nil : Self.nanOutputAccuracy(labels: trainer.test.labels)
    }

    /// The accuracy of a network whose outputs are all NaN under argmax (the first NaN wins:
    /// class 0): the share of `labels` that are 0; NaN for an empty test set.
    public static func nanOutputAccuracy(labels: [UInt8]) -> Double {
        guard !labels.isEmpty else { return .nan }
        return Double(labels.filter { $0 == 0 }.count) / Double(labels.count)
    }

    public func json() throws -> String {
        let data = try TrainingJSON.encoder(pretty: true).encode(self)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}

/// A training run tied to an output folder: `metrics.json`, `checkpoint.bin` and
/// `weights.safetensors` are written atomically after every epoch (`weights.safetensors` and
/// `weights-initial.safetensors` also at initialization), and `resume` continues from the checkpoint. The session holds
/// an exclusive lock on the folder (`run.lock`) from its start until `close()` or its end, so
/// that two runs never write one folder.
public final class TrainingSession {
    public static let metricsFileName = "metrics.json"
    public static let lockFileName = "run.lock"

    public let directory: String
    public let trainer: Trainer
    /// Whether the trainer was restored from a checkpoint.
    public let resumed: Bool
    private let lock: FileLock

    public var metricsPath: String { (directory as NSString).appendingPathComponent(Self.metricsFileName) }
    public var checkpointPath: String { (directory as NSString).appendingPathComponent(Checkpoint.fileName) }
    /// The latest weights (``ModelWeights``), and those at initialization.
    public var weightsPath: String { (directory as NSString).appendingPathComponent(ModelWeights.fileName) }
    public var initialWeightsPath: String { (directory as NSString).appendingPathComponent(ModelWeights.initialFileName) }

    /// Prepares the folder (created if missing), locks it, and prepares the trainer: fresh, or
    /// restored from the folder's checkpoint when `resume` is set (a missing checkpoint starts
    /// afresh). Throws before any training if the folder is unusable or in use, holds another
    /// run without `resume`, or holds a run with other settings or more epochs. `lock` is the
    /// folder's lock when the caller took it already (`TrainingSession.lock(_:)`).
    public init(configuration: TrainingConfiguration, train: Dataset, test: Dataset, directory: String,
                resume: Bool, threads: Int = 1, lock: FileLock? = nil) throws {
        self.directory = directory
        try Self.prepareDirectory(directory)
        let lockPath = (directory as NSString).appendingPathComponent(Self.lockFileName)
        if let lock, lock.path != lockPath {
            throw TrainingRunError.outputDirectory(path: directory, reason: "the lock given is '\(lock.path)', not \(Self.lockFileName) in it")
        }
        self.lock = try lock ?? Self.lock(directory)
        let checkpointPath = (directory as NSString).appendingPathComponent(Checkpoint.fileName)
        let exists = FileManager.default.fileExists(atPath: checkpointPath)
        if exists && !resume { throw TrainingRunError.existingRun(path: directory) }
        if exists {
            let state = try Checkpoint.read(from: checkpointPath)
            let differences = configuration.differences(from: state.configuration)
            if !differences.isEmpty {
                let old = state.configuration.jsonObject, new = configuration.jsonObject
                let details = differences.map { "\($0) was \(old[$0].map { "\($0)" } ?? "unset"), now \(new[$0].map { "\($0)" } ?? "unset")" }
                throw TrainingRunError.configurationMismatch(path: directory, settings: differences,
                                                             details: details.joined(separator: "; "))
            }
            // More epochs extend the run (and become its total); fewer would silently record a
            // run as finished after more epochs than it says.
            guard configuration.epochs >= state.configuration.epochs else {
                throw TrainingRunError.fewerEpochs(path: directory, recorded: state.configuration.epochs,
                                                   requested: configuration.epochs, completed: state.completedEpochs)
            }
            var state2 = state
            state2.configuration.epochs = configuration.epochs
            trainer = try Trainer(configuration: configuration, train: train, test: test, threads: threads, state: state2)
            resumed = true
        } else {
            trainer = try Trainer(configuration: configuration, train: train, test: test, threads: threads)
            resumed = false
        }
        for path in [metricsPath, self.checkpointPath, weightsPath, initialWeightsPath] {
            do { try AtomicFile.checkWritable(path) } catch {
                throw TrainingRunError.outputDirectory(path: directory, reason: "\(error)")
            }
        }
    }

    /// Takes the exclusive lock of a run folder (which must exist) without waiting; throws
    /// `inUse`, naming the holder, if another run has it.
    public static func lock(_ directory: String) throws -> FileLock {
        let path = (directory as NSString).appendingPathComponent(lockFileName)
        let lock: FileLock?
        do { lock = try FileLock.tryLock(path) } catch {
            throw TrainingRunError.outputDirectory(path: directory, reason: "\(error)")
        }
        guard let lock else { throw TrainingRunError.inUse(path: directory, holder: FileLock.holder(of: path)) }
        return lock
    }

    /// Releases the folder's lock; the session must not be used after it.
    public func close() { lock.release() }

    static func prepareDirectory(_ directory: String) throws {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDir) {
            guard isDir.boolValue else { throw TrainingRunError.outputDirectory(path: directory, reason: "exists and is not a folder") }
        } else {
            do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
                throw TrainingRunError.outputDirectory(path: directory, reason: "cannot create it: \(error.localizedDescription)")
            }
        }
        guard FileManager.default.isWritableFile(atPath: directory) else {
            throw TrainingRunError.outputDirectory(path: directory, reason: "is not writable")
        }
    }

    /// Trains the remaining epochs, writing the checkpoint and the metrics after each one.
    /// Divergence ends the run normally (`diverged: true` in the metrics).
    @discardableResult
    public func run(progress: ((TrainingProgress) -> Void)? = nil,
                    epochFinished: ((EpochOutcome) -> Void)? = nil) throws -> MetricsDocument {
        if trainer.initialEvaluation == nil && !trainer.isFinished {
            trainer.evaluateInitial()
        }
        // The weights at initialization (once), and as the latest weights of a new run.
        let fm = FileManager.default
        if !fm.fileExists(atPath: initialWeightsPath) {
            try ModelWeights.write(trainer.initialParameters, configuration: trainer.configuration, epoch: 0, to: initialWeightsPath)
        }
        if !resumed || !fm.fileExists(atPath: weightsPath) {
            try ModelWeights.write(trainer.parameters, configuration: trainer.configuration, epoch: trainer.completedEpochs, to: weightsPath)
        }
        var last: MetricsDocument?
        while !trainer.isFinished {
            let outcome = trainer.runEpoch(progress: progress)
            last = try save()
            epochFinished?(outcome)
        }
        // A resumed run that was already finished still gets its files (re)written.
        return try last ?? save()
    }

    /// Writes the checkpoint, the weights, then the metrics (each atomically); returns the
    /// metrics, whose weight path (figure 8) is read back from the weights files.
    @discardableResult
    public func save() throws -> MetricsDocument {
        try Checkpoint(trainer: trainer).write(to: checkpointPath)
        try ModelWeights.write(trainer.parameters, configuration: trainer.configuration, epoch: trainer.completedEpochs, to: weightsPath)
        var metrics = MetricsDocument(trainer: trainer)
        if let entry = trainer.configuration.weightEntry {
            let trained = try ModelWeights.path(entry, in: ModelWeights.read(weightsPath), file: weightsPath)
            let initial = FileManager.default.fileExists(atPath: initialWeightsPath)
                ? try ModelWeights.path(entry, in: ModelWeights.read(initialWeightsPath), file: initialWeightsPath) : nil
            metrics.weightPath = WeightPath(i: entry.i, j: entry.j, trained: trained, initial: initial)
        }
        try AtomicFile.write(metrics.json(), to: metricsPath)
        return metrics
    }
}
