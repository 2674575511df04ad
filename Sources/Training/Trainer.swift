import DenseKernels
import Foundation
import ResNets
import Stochastic
import Support

/// Metrics of one finished epoch.
public struct EpochMetrics: Codable, Equatable, Sendable {
    /// 1-based epoch number.
    public var epoch: Int
    public var learningRate: Double
    /// Mean cross-entropy over the epoch's training examples (each example weighted once,
    /// measured on the minibatch before its update).
    public var trainLoss: Double
    public var trainAccuracy: Double
    public var testLoss: Double
    public var testAccuracy: Double
    /// Wall time of the epoch (training and test evaluation). Not part of the numerics.
    public var seconds: Double

    enum CodingKeys: String, CodingKey {
        case epoch, learningRate = "learning_rate", trainLoss = "train_loss", trainAccuracy = "train_accuracy"
        case testLoss = "test_loss", testAccuracy = "test_accuracy", seconds
    }
}

/// Mean loss and accuracy of a model on a dataset. A non-finite loss (an exploded model)
/// is written as null in JSON.
public struct Evaluation: Codable, Equatable, Sendable {
    public var loss: Double
    public var accuracy: Double
    public var examples: Int

    public init(loss: Double, accuracy: Double, examples: Int) {
        self.loss = loss
        self.accuracy = accuracy
        self.examples = examples
    }

    enum CodingKeys: String, CodingKey { case loss, accuracy, examples }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(loss.isFinite ? loss : nil, forKey: .loss)
        try c.encode(accuracy, forKey: .accuracy)
        try c.encode(examples, forKey: .examples)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        loss = try c.decodeIfPresent(Double.self, forKey: .loss) ?? .nan
        accuracy = try c.decode(Double.self, forKey: .accuracy)
        examples = try c.decode(Int.self, forKey: .examples)
    }

    /// Equal numbers, with NaN equal to NaN (a restored exploded model equals itself).
    public static func == (a: Evaluation, b: Evaluation) -> Bool {
        (a.loss == b.loss || (a.loss.isNaN && b.loss.isNaN)) && a.accuracy == b.accuracy && a.examples == b.examples
    }
}

/// Where and why a run diverged. The run keeps its last finite metrics (the epochs done
/// before) and its last finite parameters (those at the end of the previous epoch).
public struct Divergence: Codable, Equatable, Sendable {
    /// 1-based epoch during which the loss became non-finite.
    public var epoch: Int
    /// 1-based step of that epoch (the last step when the test loss was the non-finite one).
    public var step: Int
    /// Mean training loss of the epoch's steps before the divergence (nil if none).
    public var lastFiniteTrainLoss: Double?
    public var reason: String

    enum CodingKeys: String, CodingKey {
        case epoch, step, lastFiniteTrainLoss = "last_finite_train_loss", reason
    }
}

/// Reported after every training step.
public struct TrainingProgress: Sendable {
    /// 1-based epoch and step.
    public var epoch: Int
    public var epochs: Int
    public var step: Int
    public var stepsPerEpoch: Int
    /// Mean training loss of the epoch so far.
    public var loss: Double
    public var examplesPerSecond: Double
    /// Estimated seconds until the last epoch ends (training steps only).
    public var secondsRemaining: Double
}

/// The outcome of one epoch.
public enum EpochOutcome: Equatable, Sendable {
    case completed(EpochMetrics)
    case diverged(Divergence)
}

/// Trains a ResNet classifier with softmax cross-entropy (see `TrainingConfiguration`).
///
/// A minibatch is the next `batchSize` indices of a permutation drawn per epoch from
/// `RandomStream(seed: seed, coordinates: [tag, 2, epoch])`; the model is drawn by
/// `WeightSampler` from `RandomStream(seed: seed, coordinates: [tag, 1])`. Each minibatch is
/// split into `columnBlocks` blocks of columns, each with its own tape (run concurrently
/// when `threads` > 1); their gradients are summed in block order, so results do not depend
/// on the thread count.
public final class Trainer {
    public static let streamTag: UInt64 = 0x5452_4149  // "TRAI"

    public let configuration: TrainingConfiguration
    public let networkConfiguration: ResNetConfiguration
    public let network: ResNet<Float>
    public let train: Dataset
    public let test: Dataset
    /// Worker threads (1 or more); does not change the numbers.
    public var threads: Int {
        didSet { threads = max(1, threads); pool = WorkerPool(width: threads) }
    }
    private var pool: WorkerPool

    public internal(set) var parameters: ResNetParameters<Float>
    public internal(set) var optimizer: OptimizerState<Float>
    public internal(set) var completedEpochs = 0
    public internal(set) var history: [EpochMetrics] = []
    public internal(set) var divergence: Divergence?
    /// Test metrics of the initial model (evaluated by `evaluateInitial()`).
    public internal(set) var initialEvaluation: Evaluation?
    /// Regularity of the initial residual weights ("V", and "W" for res-3).
    public internal(set) var initialRegularity: [String: RegularityStatistics] = [:]
    /// The model at initialization (drawn again from the seed when a run is resumed).
    public let initialParameters: ResNetParameters<Float>

    /// The state at the end of the last finished epoch (restored on divergence).
    private var snapshot: (ResNetParameters<Float>, OptimizerState<Float>)
    private var workers: [BlockWorker] = []
    private var evaluators: [EvaluationWorker] = []
    /// Examples per forward pass during evaluation.
    public static let evaluationBatch = 250

    /// The model a run starts from: drawn by `WeightSampler` from
    /// `RandomStream(seed: seed, coordinates: [streamTag, 1])`, with the residual bias at 0
    /// when the configuration has one. Also used to recover a finished run's initial weights.
    public static func initialParameters(_ configuration: TrainingConfiguration,
                                         network: ResNetConfiguration) throws -> ResNetParameters<Float> {
        let sampler = try WeightSampler(configuration: network, initialization: configuration.initialization,
                                        stream: RandomStream(seed: configuration.seed, coordinates: [streamTag, 1]))
        return sampler.parameters(Float.self, hasBias: configuration.residualBias)
    }

    /// A fresh model. `train` and `test` are cut to the configuration's limits here.
    public init(configuration: TrainingConfiguration, train: Dataset, test: Dataset, threads: Int = 1) throws {
        try configuration.validate()
        guard train.features == test.features, train.classes == test.classes else {
            throw ConfigurationError(setting: "dataset", "training and test sets differ in shape (\(train.features)/\(train.classes) vs \(test.features)/\(test.classes))")
        }
        self.configuration = configuration
        self.train = train.prefix(configuration.trainLimit)
        self.test = test.prefix(configuration.testLimit)
        guard self.train.count > 0, self.test.count > 0 else {
            throw ConfigurationError(setting: "dataset", "empty training or test set")
        }
        networkConfiguration = try configuration.networkConfiguration(features: train.features, classes: train.classes)
        network = ResNet<Float>(networkConfiguration)
        self.threads = max(1, threads)
        pool = WorkerPool(width: max(1, threads))
        parameters = try Self.initialParameters(configuration, network: networkConfiguration)
        initialParameters = parameters
        optimizer = OptimizerState(settings: configuration.optimizer, for: parameters)
        snapshot = (parameters, optimizer)
        initialRegularity = Self.regularity(of: parameters)
    }

    /// Restores a trainer from a checkpoint's state (see `Checkpoint`).
    convenience init(configuration: TrainingConfiguration, train: Dataset, test: Dataset, threads: Int,
         state: Checkpoint) throws {
        try self.init(configuration: configuration, train: train, test: test, threads: threads)
        guard state.parameters.configuration == networkConfiguration, state.parameters.hasBias == configuration.residualBias,
              state.parameters.count == parameters.count, state.optimizer.first.count == optimizer.first.count,
              state.optimizer.second.count == optimizer.second.count, state.optimizer.settings == optimizer.settings else {
            throw CheckpointError.mismatch(path: state.path ?? "checkpoint", reason: "its parameter shapes do not match the configuration")
        }
        if let fingerprint = state.dataFingerprint, fingerprint != dataFingerprint {
            throw CheckpointError.mismatch(path: state.path ?? "checkpoint",
                                           reason: "it was trained on other data (\(fingerprint); now \(dataFingerprint))")
        }
        parameters = state.parameters
        optimizer = state.optimizer
        completedEpochs = state.completedEpochs
        history = state.history
        divergence = state.divergence
        initialEvaluation = state.initialEvaluation
        initialRegularity = state.initialRegularity
        snapshot = (parameters, optimizer)
    }

    /// Identifies the data a run was trained on (counts and CRC-32 of the images and labels
    /// after the limits), so that a resume on other data is refused.
    public private(set) lazy var dataFingerprint: String = {
        func crc(_ d: Dataset) -> String {
            let images = d.images.withUnsafeBytes { Gzip.crc32($0) }
            let labels = d.labels.withUnsafeBytes { Gzip.crc32($0, continuing: images) }
            return "\(d.count)x\(d.features):" + String(labels, radix: 16)
        }
        return "train \(crc(train)), test \(crc(test))"
    }()

    /// Whether every epoch is done or the run diverged.
    public var isFinished: Bool { divergence != nil || completedEpochs >= configuration.epochs }

    /// Regularity statistics of the residual weights V (and W).
    public static func regularity(of p: ResNetParameters<Float>) -> [String: RegularityStatistics] {
        let c = p.configuration
        var result = ["V": Regularity.statistics(layers: p.v, depth: c.depth, entries: c.residualMatrixCount)]
        if !p.w.isEmpty { result["W"] = Regularity.statistics(layers: p.w, depth: c.depth, entries: c.residualMatrixCount) }
        return result
    }

    /// Regularity of what training added to the residual weights, V − V_init (and W − W_init).
    public func changeRegularity() -> [String: RegularityStatistics] {
        let c = networkConfiguration
        func difference(_ a: [Float], _ b: [Float]) -> [Float] { zip(a, b).map { $0 - $1 } }
        var result = ["V": Regularity.statistics(layers: difference(parameters.v, initialParameters.v), depth: c.depth,
                                                 entries: c.residualMatrixCount)]
        if !parameters.w.isEmpty {
            result["W"] = Regularity.statistics(layers: difference(parameters.w, initialParameters.w), depth: c.depth,
                                                entries: c.residualMatrixCount)
        }
        return result
    }

    /// The permutation of the training examples for 0-based `epoch` (Fisher–Yates).
    public func permutation(epoch: Int) -> [Int] {
        var stream = RandomStream(seed: configuration.seed, coordinates: [Self.streamTag, 2, UInt64(epoch)])
        var order = Array(0..<train.count)
        if order.count > 1 {
            for i in stride(from: order.count - 1, to: 0, by: -1) {
                order.swapAt(i, stream.nextInt(below: i + 1))
            }
        }
        return order
    }

    /// Number of minibatches per epoch (the last one may be smaller).
    public var stepsPerEpoch: Int { (train.count + configuration.batchSize - 1) / configuration.batchSize }

    /// Evaluates the initial model on the test set once (kept for the metrics).
    @discardableResult
    public func evaluateInitial() -> Evaluation {
        if let e = initialEvaluation { return e }
        let e = evaluate(test)
        initialEvaluation = e
        return e
    }

    /// Runs the next epoch. On a non-finite loss the run is marked diverged and the
    /// parameters and optimizer return to their state at the end of the previous epoch.
    public func runEpoch(progress: ((TrainingProgress) -> Void)? = nil) -> EpochOutcome {
        precondition(!isFinished, "the run is finished")
        let started = Date()
        let epoch = completedEpochs
        let lr = configuration.schedule.learningRate(epoch: epoch)
        let order = permutation(epoch: epoch)
        let batch = configuration.batchSize, steps = stepsPerEpoch
        var lossTotal = 0.0, correct = 0, seen = 0
        for s in 0..<steps {
            let range = (s * batch)..<min(train.count, (s + 1) * batch)
            let result = order[range].withUnsafeBufferPointer { step(indices: $0, learningRate: lr) }
            guard result.lossSum.isFinite else {
                let d = Divergence(epoch: epoch + 1, step: s + 1, lastFiniteTrainLoss: seen > 0 ? lossTotal / Double(seen) : nil,
                                   reason: "training loss became non-finite")
                markDiverged(d)
                return .diverged(d)
            }
            lossTotal += result.lossSum
            correct += result.correct
            seen += range.count
            if let progress {
                let elapsed = Date().timeIntervalSince(started)
                let rate = Double(seen) / max(elapsed, 1e-9)
                let remainingExamples = Double(train.count - seen) + Double(configuration.epochs - epoch - 1) * Double(train.count)
                progress(TrainingProgress(epoch: epoch + 1, epochs: configuration.epochs, step: s + 1, stepsPerEpoch: steps,
                                          loss: lossTotal / Double(seen), examplesPerSecond: rate,
                                          secondsRemaining: remainingExamples / rate))
            }
        }
        let evaluation = evaluate(test)
        guard evaluation.loss.isFinite else {
            let d = Divergence(epoch: epoch + 1, step: steps, lastFiniteTrainLoss: lossTotal / Double(seen),
                               reason: "test loss became non-finite")
            markDiverged(d)
            return .diverged(d)
        }
        let metrics = EpochMetrics(epoch: epoch + 1, learningRate: lr, trainLoss: lossTotal / Double(seen),
                                   trainAccuracy: Double(correct) / Double(seen), testLoss: evaluation.loss,
                                   testAccuracy: evaluation.accuracy, seconds: Date().timeIntervalSince(started))
        history.append(metrics)
        completedEpochs += 1
        snapshot = (parameters, optimizer)
        return .completed(metrics)
    }

    private func markDiverged(_ d: Divergence) {
        divergence = d
        (parameters, optimizer) = snapshot
    }

    // MARK: One step

    /// One optimizer step on the examples `indices` of the training set. Returns the summed
    /// loss (non-finite: nothing was updated) and the number of correct predictions.
    @discardableResult
    public func step(indices: UnsafeBufferPointer<Int>, learningRate: Double) -> (lossSum: Double, correct: Int) {
        let n = indices.count
        precondition(n > 0)
        let blocks = min(configuration.columnBlocks, n)
        while workers.count < blocks { workers.append(BlockWorker()) }
        let base = n / blocks, extra = n % blocks
        var bounds: [Range<Int>] = []
        var start = 0
        for b in 0..<blocks {
            let size = base + (b < extra ? 1 : 0)
            bounds.append(start..<(start + size))
            start += size
        }
        do {
            let params = parameters
            let work: (Int) -> Void = { [self] b in
                workers[b].run(network: network, parameters: params, dataset: train,
                               indices: UnsafeBufferPointer(rebasing: indices[bounds[b]]),
                               scaling: .beta(configuration.beta), meanOver: n)
            }
            if threads > 1 && blocks > 1 {
                pool.run(count: blocks, work)
            } else {
                for b in 0..<blocks { work(b) }
            }
        }
        var lossSum = 0.0, correct = 0
        for b in 0..<blocks {
            lossSum += workers[b].lossSum
            correct += workers[b].correct
        }
        guard lossSum.isFinite else { return (lossSum, correct) }
        // The blocks' gradients are summed (in block order) inside the optimizer's pass, which
        // the pool splits into slices: elementwise, so the numbers do not depend on the threads.
        let terms = (0..<blocks).map { workers[$0].result.parameterGradients! }
        let pool = self.pool
        optimizer.update(parameters: &parameters, gradientTerms: terms, learningRate: learningRate,
                         parts: threads, parallel: threads > 1 ? { count, body in pool.run(count: count, body) } : nil)
        return (lossSum, correct)
    }

    // MARK: Evaluation

    /// Mean cross-entropy and accuracy of the current model on `dataset` (blocks of
    /// `evaluationBatch` examples, summed in order: independent of the thread count).
    public func evaluate(_ dataset: Dataset) -> Evaluation {
        precondition(dataset.features == train.features)
        let chunk = Self.evaluationBatch
        let chunks = (dataset.count + chunk - 1) / chunk
        let workerCount = max(1, min(threads, chunks))
        while evaluators.count < workerCount { evaluators.append(EvaluationWorker()) }
        let losses = UnsafeMutableBufferPointer<Double>.allocate(capacity: chunks)
        let corrects = UnsafeMutableBufferPointer<Int>.allocate(capacity: chunks)
        defer { losses.deallocate(); corrects.deallocate() }
        let params = parameters
        let scaling = BranchScaling.beta(configuration.beta)
        let work: (Int) -> Void = { [self] t in
            var c = t
            while c < chunks {
                let range = (c * chunk)..<min(dataset.count, (c + 1) * chunk)
                let r = evaluators[t].run(network: network, parameters: params, dataset: dataset, range: range, scaling: scaling)
                losses[c] = r.lossSum
                corrects[c] = r.correct
                c += workerCount
            }
        }
        if workerCount > 1 {
            pool.run(count: workerCount, work)
        } else {
            work(0)
        }
        var loss = 0.0, correct = 0
        for c in 0..<chunks { loss += losses[c]; correct += corrects[c] }
        return Evaluation(loss: loss / Double(dataset.count), accuracy: Double(correct) / Double(dataset.count),
                          examples: dataset.count)
    }
}

/// Copies examples `indices` of `dataset` into `out` as a features × count (column per example) matrix.
@inline(__always)
func gatherColumns(_ dataset: Dataset, indices: UnsafeBufferPointer<Int>, into out: UnsafeMutablePointer<Float>) {
    let f = dataset.features, n = indices.count
    dataset.images.withUnsafeBufferPointer { images in
        let src = images.baseAddress!
        for (j, index) in indices.enumerated() {
            let row = src + index * f
            for i in 0..<f { out[i * n + j] = row[i] }
        }
    }
}

/// The buffers of one column block of a minibatch (reused across steps).
final class BlockWorker: @unchecked Sendable {
    var tape = ForwardTape<Float>(configuration: try! ResNetConfiguration(variant: .res1, activation: .relu, width: 1, depth: 1,
                                                                          inputDimension: 1, outputDimension: 1), batch: 0)
    var result = BackwardResult<Float>()
    var inputs: [Float] = []
    var labels: [UInt8] = []
    var outputGradient: [Float] = []
    var lossSum = 0.0
    var correct = 0

    func run(network: ResNet<Float>, parameters: ResNetParameters<Float>, dataset: Dataset,
             indices: UnsafeBufferPointer<Int>, scaling: BranchScaling, meanOver: Int) {
        let n = indices.count, c = network.configuration
        if inputs.count != c.inputDimension * n { inputs = [Float](repeating: 0, count: c.inputDimension * n) }
        if outputGradient.count != c.outputDimension * n { outputGradient = [Float](repeating: 0, count: c.outputDimension * n) }
        if labels.count != n { labels = [UInt8](repeating: 0, count: n) }
        inputs.withUnsafeMutableBufferPointer { gatherColumns(dataset, indices: indices, into: $0.baseAddress!) }
        for (j, index) in indices.enumerated() { labels[j] = dataset.labels[index] }
        var weights = StoredResidualWeights(parameters)
        network.forward(inputLayer: parameters.inputLayer, outputLayer: parameters.outputLayer, residual: &weights,
                        inputs: inputs, batch: n, scaling: scaling, tape: &tape)
        let r = tape.outputs.withUnsafeBufferPointer { z in
            labels.withUnsafeBufferPointer { y in
                outputGradient.withUnsafeMutableBufferPointer { g in
                    CrossEntropy.evaluate(logits: z.baseAddress!, labels: y.baseAddress!, classes: c.outputDimension,
                                          columns: n, meanOver: meanOver, gradient: g.baseAddress!)
                }
            }
        }
        lossSum = r.lossSum
        correct = r.correct
        guard r.lossSum.isFinite else { return }
        network.backward(inputLayer: parameters.inputLayer, outputLayer: parameters.outputLayer, residual: &weights,
                         tape: &tape, outputGradient: outputGradient, parameterGradients: true, into: &result)
    }
}

/// The buffers of one evaluation thread.
final class EvaluationWorker: @unchecked Sendable {
    var tape = ForwardTape<Float>(configuration: try! ResNetConfiguration(variant: .res1, activation: .relu, width: 1, depth: 1,
                                                                          inputDimension: 1, outputDimension: 1), batch: 0)
    var inputs: [Float] = []
    var indices: [Int] = []

    func run(network: ResNet<Float>, parameters: ResNetParameters<Float>, dataset: Dataset, range: Range<Int>,
             scaling: BranchScaling) -> (lossSum: Double, correct: Int) {
        let n = range.count, c = network.configuration
        if inputs.count != c.inputDimension * n { inputs = [Float](repeating: 0, count: c.inputDimension * n) }
        indices = Array(range)
        inputs.withUnsafeMutableBufferPointer { out in
            indices.withUnsafeBufferPointer { gatherColumns(dataset, indices: $0, into: out.baseAddress!) }
        }
        var weights = StoredResidualWeights(parameters)
        network.forward(inputLayer: parameters.inputLayer, outputLayer: parameters.outputLayer, residual: &weights,
                        inputs: inputs, batch: n, scaling: scaling, tape: &tape)
        return tape.outputs.withUnsafeBufferPointer { z in
            dataset.labels.withUnsafeBufferPointer { y in
                CrossEntropy.evaluate(logits: z.baseAddress!, labels: y.baseAddress! + range.lowerBound,
                                      classes: c.outputDimension, columns: n, meanOver: n, gradient: nil)
            }
        }
    }
}

// MARK: Gradient norm (for the run's log)

extension Trainer {
    /// ‖∇θ L‖₂: the Euclidean norm of the gradient of the mean loss over the last step's
    /// minibatch of `examples` examples, over every parameter (A, B, V_k, W_k, biases). Read
    /// from the gradient buffers the step left (the blocks summed as the optimizer sums them),
    /// so it costs one pass over the parameters, and only when it is asked for (log lines).
    public func lastGradientNorm(examples: Int) -> Double {
        let blocks = min(configuration.columnBlocks, examples, workers.count)
        guard blocks > 0 else { return .nan }
        let terms = (0..<blocks).compactMap { workers[$0].result.parameterGradients }
        guard terms.count == blocks else { return .nan }
        var sum = 0.0
        for part in [\ResNetParameters<Float>.inputLayer, \.outputLayer, \.v, \.w, \.bias] {
            let arrays = terms.map { $0[keyPath: part] }
            for i in 0..<arrays[0].count {
                var g = 0.0
                for a in arrays { g += Double(a[i]) }
                sum += g * g
            }
        }
        return sum.squareRoot()
    }
}
