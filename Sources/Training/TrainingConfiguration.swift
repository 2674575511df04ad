import Foundation
import ResNets
import Support

extension Initialization {
    /// Whether models with this initialization get a zero-initialized trainable residual bias:
    /// the reference code gives one to fBm-initialized residual layers only (PAPER.md §2).
    public var hasResidualBias: Bool { family == "fbm" }
}

/// Everything that determines a training run's numbers. Two runs with equal configurations
/// produce the same parameters and metrics bit for bit, whatever the number of threads
/// (a minibatch is always split into `columnBlocks` column blocks whose gradients are summed
/// in block order; threads only run the blocks concurrently).
public struct TrainingConfiguration: Codable, Equatable, Sendable {
    /// `mnist`, `fashion-mnist`, `cifar10` or another label of the data.
    public var dataset: String
    /// `res1`, `res2` or `res3`.
    public var model: ResidualVariant
    public var activation: Activation
    public var width: Int
    public var depth: Int
    /// α_L = L^{-β}.
    public var beta: Double
    public var initialization: Initialization
    /// Trainable residual bias b_k initialized at 0 (default: only for fBm initializations).
    public var residualBias: Bool
    public var optimizer: OptimizerSettings
    public var learningRate: Double
    /// StepLR: multiply the learning rate by `lrGamma` every `lrStep` epochs.
    public var lrStep: Int
    public var lrGamma: Double
    public var epochs: Int
    public var batchSize: Int
    public var seed: UInt64
    /// Use only the first N training / test examples (nil: all).
    public var trainLimit: Int?
    public var testLimit: Int?
    /// Column blocks per minibatch (part of the numerics, see the type's documentation).
    public var columnBlocks: Int

    public init(dataset: String = "mnist", model: ResidualVariant = .res1, activation: Activation = .relu,
                width: Int = 30, depth: Int = 1000, beta: Double = 0.5, initialization: Initialization = .iidUniform,
                residualBias: Bool? = nil, optimizer: OptimizerSettings = .adam, learningRate: Double = 1e-3,
                lrStep: Int = 5, lrGamma: Double = 0.1, epochs: Int = 10, batchSize: Int = 128, seed: UInt64 = 0,
                trainLimit: Int? = nil, testLimit: Int? = nil, columnBlocks: Int = 2) {
        self.dataset = dataset
        self.model = model
        self.activation = activation
        self.width = width
        self.depth = depth
        self.beta = beta
        self.initialization = initialization
        self.residualBias = residualBias ?? initialization.hasResidualBias
        self.optimizer = optimizer
        self.learningRate = learningRate
        self.lrStep = lrStep
        self.lrGamma = lrGamma
        self.epochs = epochs
        self.batchSize = batchSize
        self.seed = seed
        self.trainLimit = trainLimit
        self.testLimit = testLimit
        self.columnBlocks = columnBlocks
    }

    /// Throws a `ConfigurationError` naming the first setting out of range.
    public func validate() throws {
        if width < 1 { throw ConfigurationError(setting: "width", "must be a positive integer, got \(width)") }
        if depth < 1 { throw ConfigurationError(setting: "depth", "must be a positive integer, got \(depth)") }
        if !beta.isFinite { throw ConfigurationError(setting: "beta", "must be a finite number") }
        if !(learningRate > 0) || !learningRate.isFinite { throw ConfigurationError(setting: "lr", "must be a positive number, got \(learningRate)") }
        if lrStep < 1 { throw ConfigurationError(setting: "lr-step", "must be a positive integer, got \(lrStep)") }
        if !(lrGamma > 0) || !lrGamma.isFinite { throw ConfigurationError(setting: "lr-gamma", "must be a positive number, got \(lrGamma)") }
        if epochs < 1 { throw ConfigurationError(setting: "epochs", "must be a positive integer, got \(epochs)") }
        if batchSize < 1 { throw ConfigurationError(setting: "batch-size", "must be a positive integer, got \(batchSize)") }
        if columnBlocks < 1 { throw ConfigurationError(setting: "column-blocks", "must be a positive integer, got \(columnBlocks)") }
        if let n = trainLimit, n < 1 { throw ConfigurationError(setting: "train-limit", "must be a positive integer, got \(n)") }
        if let n = testLimit, n < 1 { throw ConfigurationError(setting: "test-limit", "must be a positive integer, got \(n)") }
        if optimizer.kind == .sgd, !(optimizer.momentum >= 0) {
            throw ConfigurationError(setting: "momentum", "must be a non-negative number, got \(optimizer.momentum)")
        }
    }

    /// α_L = L^{-β} as used for every column.
    public var alpha: Float { Float(Scaling.alpha(depth: depth, beta: beta)) }

    /// The learning-rate schedule.
    public var schedule: StepLR { StepLR(initial: learningRate, step: max(lrStep, 1), gamma: lrGamma) }

    /// The network architecture for data with `features` inputs and `classes` outputs.
    public func networkConfiguration(features: Int, classes: Int) throws -> ResNetConfiguration {
        try ResNetConfiguration(variant: model, activation: activation, width: width, depth: depth,
                                inputDimension: features, outputDimension: classes)
    }

    /// The settings that may differ between a run and its resumption (none changes the numbers
    /// of the epochs already done): only `epochs` (a finished run can be extended).
    public func differences(from other: TrainingConfiguration) -> [String] {
        var a = self, b = other
        a.epochs = 0; b.epochs = 0
        guard a != b else { return [] }
        let left = a.jsonObject, right = b.jsonObject
        return left.keys.sorted().filter { key in
            "\(left[key] ?? "null")" != "\(right[key] ?? "null")"
        } + right.keys.filter { left[$0] == nil }.sorted()
    }

    var jsonObject: [String: Any] {
        guard let data = try? TrainingJSON.encoder(pretty: false).encode(self),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
        return object
    }

    enum CodingKeys: String, CodingKey {
        case dataset, model, activation, width, depth, beta, initialization = "init"
        case residualBias = "residual_bias", optimizer, learningRate = "lr", momentum
        case lrStep = "lr_step", lrGamma = "lr_gamma", epochs, batchSize = "batch_size", seed
        case trainLimit = "train_limit", testLimit = "test_limit", columnBlocks = "column_blocks"
        case adamBeta1 = "adam_beta1", adamBeta2 = "adam_beta2", adamEpsilon = "adam_epsilon"
        case dampening, nesterov
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(dataset, forKey: .dataset)
        try c.encode(model.rawValue, forKey: .model)
        try c.encode(activation.description, forKey: .activation)
        try c.encode(width, forKey: .width)
        try c.encode(depth, forKey: .depth)
        try c.encode(beta, forKey: .beta)
        try c.encode(initialization.description, forKey: .initialization)
        try c.encode(residualBias, forKey: .residualBias)
        try c.encode(optimizer.kind.rawValue, forKey: .optimizer)
        try c.encode(learningRate, forKey: .learningRate)
        switch optimizer.kind {
        case .adam:
            try c.encode(optimizer.beta1, forKey: .adamBeta1)
            try c.encode(optimizer.beta2, forKey: .adamBeta2)
            try c.encode(optimizer.epsilon, forKey: .adamEpsilon)
        case .sgd:
            try c.encode(optimizer.momentum, forKey: .momentum)
            try c.encode(optimizer.dampening, forKey: .dampening)
            try c.encode(optimizer.nesterov, forKey: .nesterov)
        }
        try c.encode(lrStep, forKey: .lrStep)
        try c.encode(lrGamma, forKey: .lrGamma)
        try c.encode(epochs, forKey: .epochs)
        try c.encode(batchSize, forKey: .batchSize)
        try c.encode(seed, forKey: .seed)
        try c.encode(trainLimit, forKey: .trainLimit)
        try c.encode(testLimit, forKey: .testLimit)
        try c.encode(columnBlocks, forKey: .columnBlocks)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func parse<V>(_ key: CodingKeys, _ body: (String) throws -> V) throws -> V {
            let text = try c.decode(String.self, forKey: key)
            do { return try body(text) } catch {
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "\(error)")
            }
        }
        dataset = try c.decode(String.self, forKey: .dataset)
        model = try parse(.model) { try ResidualVariant(parsing: $0) }
        activation = try parse(.activation) { try Activation(parsing: $0) }
        width = try c.decode(Int.self, forKey: .width)
        depth = try c.decode(Int.self, forKey: .depth)
        beta = try c.decode(Double.self, forKey: .beta)
        initialization = try parse(.initialization) { try Initialization(parsing: $0) }
        residualBias = try c.decode(Bool.self, forKey: .residualBias)
        let kind = try parse(.optimizer) { text -> OptimizerKind in
            guard let k = OptimizerKind(rawValue: text) else { throw ConfigurationError(setting: "optimizer", text) }
            return k
        }
        var settings = OptimizerSettings(kind: kind)
        switch kind {
        case .adam:
            settings.beta1 = try c.decode(Double.self, forKey: .adamBeta1)
            settings.beta2 = try c.decode(Double.self, forKey: .adamBeta2)
            settings.epsilon = try c.decode(Double.self, forKey: .adamEpsilon)
        case .sgd:
            settings.momentum = try c.decode(Double.self, forKey: .momentum)
            settings.dampening = try c.decode(Double.self, forKey: .dampening)
            settings.nesterov = try c.decode(Bool.self, forKey: .nesterov)
        }
        optimizer = settings
        learningRate = try c.decode(Double.self, forKey: .learningRate)
        lrStep = try c.decode(Int.self, forKey: .lrStep)
        lrGamma = try c.decode(Double.self, forKey: .lrGamma)
        epochs = try c.decode(Int.self, forKey: .epochs)
        batchSize = try c.decode(Int.self, forKey: .batchSize)
        seed = try c.decode(UInt64.self, forKey: .seed)
        trainLimit = try c.decodeIfPresent(Int.self, forKey: .trainLimit)
        testLimit = try c.decodeIfPresent(Int.self, forKey: .testLimit)
        columnBlocks = try c.decode(Int.self, forKey: .columnBlocks)
    }
}

/// JSON conventions of the training outputs: sorted keys, finite numbers only.
/// Non-finite numbers never make encoding fail: those that can legitimately be non-finite
/// (the loss of an exploded model) are written as null, any other as the strings "inf",
/// "-inf", "nan" (read back by `decoder()`).
enum TrainingJSON {
    static func encoder(pretty: Bool) -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys] : [.sortedKeys]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return e
    }

    static func decoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return d
    }
}
