import ResNets
import Resources

extension DatasetKind {
    /// Values per image and number of classes of the set (known before its files are read).
    public var shape: (features: Int, classes: Int) {
        switch self {
        case .mnist, .fashionMNIST: return (28 * 28, 10)
        case .cifar10: return (CIFAR10.features, 10)
        }
    }
}

extension Dataset {
    /// Bytes a loaded pair of sets holds (their Float pixels), as the memory checks count them.
    public static func bytes(_ sets: (train: Dataset, test: Dataset)) -> Int {
        Saturating.product(4, sets.train.features, Saturating.sum(sets.train.count, sets.test.count))
    }
}

/// What a training run holds in memory at its peak, estimated before anything is allocated so
/// that a request beyond the memory limit is refused with the numbers (see `MemoryLimit`).
/// All arithmetic saturates: an absurd request gives `Int.max`, never an overflow trap.
extension TrainingConfiguration {
    /// Number of trainable parameters for data with `features` inputs and `classes` outputs
    /// (A, B, the residual matrices and the bias), saturating.
    public func parameterCount(features: Int, classes: Int) -> Int {
        let matrices = model.hasInnerMatrix ? 2 : 1
        return Saturating.sum(Saturating.product(width, features), Saturating.product(classes, width),
                              Saturating.product(matrices, depth, width, width),
                              residualBias ? Saturating.product(depth, width) : 0)
    }

    /// Parameter-sized Float arrays a run keeps besides the per-block gradients: the parameters,
    /// the initial model, the end-of-epoch snapshot, the optimizer's two moments and their
    /// snapshot, the checkpoint being written (3), the change since initialization, and the
    /// regularity statistics (Double copies and cumulative sums, ~4).
    static let parameterCopies = 15

    /// The examples a run uses of data sets holding `available` ones: the first `train-limit`
    /// and `test-limit` of them.
    public func examplesUsed(of available: (train: Int, test: Int)) -> (train: Int, test: Int) {
        (min(available.train, trainLimit ?? Int.max), min(available.test, testLimit ?? Int.max))
    }

    /// The estimated peak memory of a run on data sets holding `available` examples (cut by
    /// the run's limits) with `features` inputs and `classes` outputs (default: the data
    /// set's shape); with one example each, the part that does not depend on the data. The
    /// one estimate of `train`, of a sweep's train cells and of their memory checks.
    public func estimatedBytes(available: (train: Int, test: Int) = (1, 1), features: Int? = nil, classes: Int? = nil,
                               threads: Int) -> Int {
        let used = examplesUsed(of: available)
        return estimatedBytes(features: features ?? dataset.shape.features, classes: classes ?? dataset.shape.classes,
                              trainExamples: used.train, testExamples: used.test, threads: threads)
    }

    /// The estimated peak memory in bytes of a run on `trainExamples` / `testExamples` examples
    /// (after the limits) with `threads` threads: parameter-sized arrays, the tapes of the
    /// minibatch's column blocks and of the evaluation threads, the cut data sets, the epoch
    /// permutation, the per-epoch history, and the sampler of a correlated initialization.
    /// The loaded files themselves are counted when they are read (`DataFileBudget`).
    public func estimatedBytes(features: Int, classes: Int, trainExamples: Int, testExamples: Int, threads: Int) -> Int {
        let parameters = parameterCount(features: features, classes: classes)
        let d = width
        let step = max(1, min(batchSize, trainExamples))
        let blocks = max(1, min(columnBlocks, step))
        let columns = Saturating.ceilingDivision(step, blocks)
        // One tape of `cols` columns that keeps every state, its pre-activations (res-2/res-3),
        // inputs, scratch, outputs and state gradients.
        func tape(_ cols: Int) -> Int {
            let layer = Saturating.product(d, cols)
            return Saturating.sum(Saturating.product(Saturating.sum(depth, 1), layer),
                                  model == .res1 ? 0 : Saturating.product(depth, layer),
                                  Saturating.product(Saturating.sum(features, classes), cols), Saturating.product(4, layer))
        }
        let evaluationColumns = max(1, min(Trainer.evaluationBatch, testExamples))
        let chunks = Saturating.ceilingDivision(max(testExamples, 1), Trainer.evaluationBatch)
        let evaluators = max(1, min(threads, chunks))
        let floats = Saturating.sum(Saturating.product(Saturating.sum(Self.parameterCopies, blocks), parameters),
                                    Saturating.product(blocks, tape(columns)),
                                    Saturating.product(evaluators, tape(evaluationColumns)),
                                    Saturating.product(features, Saturating.sum(trainExamples, testExamples)))
        var bytes = Saturating.sum(Saturating.product(4, floats), Saturating.product(16, trainExamples),
                                   Saturating.product(epochs, 1024))
        if let embedding = initialization.embeddingLength(depth: depth) {
            bytes = Saturating.sum(bytes, Saturating.product(208, embedding), Saturating.product(128, depth))
        }
        return bytes
    }
}
