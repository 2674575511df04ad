import Foundation
import ResNets
import Support

extension Initialization {
    /// Whether models with this initialization get a zero-initialized trainable residual bias:
    /// the reference code gives one to fBm-initialized residual layers only (PAPER.md §2).
    public var hasResidualBias: Bool { family == "fbm" || family == "fbm-reference" }
}

/// Everything that determines a training run's numbers, and what it records. Two runs with
/// equal configurations produce the same parameters and metrics bit for bit, whatever the
/// number of threads (a minibatch is always split into `columnBlocks` column blocks whose
/// gradients are summed in block order; threads only run the blocks concurrently).
///
/// The defaults are the property initializers below, and nowhere else: `train`'s help, a
/// train sweep's cells and ``init(dataset:model:activation:width:depth:beta:initialization:residualBias:optimizer:learningRate:lrStep:lrGamma:epochs:batchSize:seed:trainLimit:testLimit:columnBlocks:weightEntry:)``
/// read them. Each setting's range is declared once, in ``TrainRequest/settings``.
public struct TrainingConfiguration: Codable, Equatable, Sendable {
    public var dataset: DatasetKind = .mnist
    public var model: ResidualVariant = .res1
    public var activation: Activation = .relu
    public var width = 30
    public var depth = 1000
    /// α_L = L^{-β}.
    public var beta = 0.5
    public var initialization: Initialization = .iidUniform
    /// The `residual-bias` setting: on, off, or nil for auto (on for fBm initializations only).
    public var residualBiasChoice: Bool? = nil
    public var optimizer: OptimizerSettings = .adam
    public var learningRate = 1e-3
    /// StepLR: multiply the learning rate by `lrGamma` every `lrStep` epochs.
    public var lrStep = 5
    public var lrGamma = 0.1
    public var epochs = 10
    public var batchSize = 128
    public var seed: UInt64 = 0
    /// Use only the first N training / test examples (nil: all).
    public var trainLimit: Int? = nil
    public var testLimit: Int? = nil
    /// Column blocks per minibatch (part of the numerics, see the type's documentation).
    public var columnBlocks = 2
    /// The residual weight V_k[i, j] recorded against k after training (figure 8); changes
    /// what is recorded, not the numbers.
    public var weightEntry: WeightEntry? = nil

    /// Every setting at its default.
    public init() {}

    /// The configuration with the values given; every other is its default.
    public init(dataset: DatasetKind = defaults.dataset, model: ResidualVariant = defaults.model,
                activation: Activation = defaults.activation, width: Int = defaults.width, depth: Int = defaults.depth,
                beta: Double = defaults.beta, initialization: Initialization = defaults.initialization,
                residualBias: Bool? = defaults.residualBiasChoice, optimizer: OptimizerSettings = defaults.optimizer,
                learningRate: Double = defaults.learningRate, lrStep: Int = defaults.lrStep, lrGamma: Double = defaults.lrGamma,
                epochs: Int = defaults.epochs, batchSize: Int = defaults.batchSize, seed: UInt64 = defaults.seed,
                trainLimit: Int? = defaults.trainLimit, testLimit: Int? = defaults.testLimit,
                columnBlocks: Int = defaults.columnBlocks, weightEntry: WeightEntry? = defaults.weightEntry) {
        self.dataset = dataset
        self.model = model
        self.activation = activation
        self.width = width
        self.depth = depth
        self.beta = beta
        self.initialization = initialization
        self.residualBiasChoice = residualBias
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
        self.weightEntry = weightEntry
    }

    /// Equal when they are the same run as recorded (their JSON): the residual bias compared
    /// as used (auto or explicit), settings that do not apply (momentum under Adam) ignored.
    public static func == (a: TrainingConfiguration, b: TrainingConfiguration) -> Bool {
        let encoder = TrainingJSON.encoder(pretty: false)
        return (try? encoder.encode(a)) == (try? encoder.encode(b))
    }

    /// The defaults (the property initializers).
    public static let defaults = TrainingConfiguration()

    /// Whether the residual layers have a trainable bias b_k initialized at 0: the
    /// `residual-bias` setting, or for auto, whether the initialization is fBm (as in the
    /// reference code).
    public var residualBias: Bool {
        get { residualBiasChoice ?? initialization.hasResidualBias }
        set { residualBiasChoice = newValue }
    }

    /// Throws a ``ConfigurationError`` naming the first setting out of range: each setting's
    /// rule as declared in ``TrainRequest/settings``, then the rules between settings.
    public func validate() throws {
        do { try TrainRequest.settings.validate(TrainRequest(configuration: self)) } catch let e as SettingError {
            throw ConfigurationError(setting: e.setting, e.detail)
        }
    }

    /// The rules that involve several settings (the table checks each value).
    func validateCombinations() throws {
        try initialization.validate()
        if let entry = weightEntry, entry.i >= width || entry.j >= width {
            throw ConfigurationError(setting: "weight-entry", "entry \(entry) is outside the \(width) × \(width) matrices")
        }
    }


    /// The learning-rate schedule.
    public var schedule: StepLR { StepLR(initial: learningRate, step: max(lrStep, 1), gamma: lrGamma) }

    /// The network architecture for data with `features` inputs and `classes` outputs.
    public func networkConfiguration(features: Int, classes: Int) throws -> ResNetConfiguration {
        try ResNetConfiguration(variant: model, activation: activation, width: width, depth: depth,
                                inputDimension: features, outputDimension: classes)
    }

    /// The settings that differ between a run and its resumption, which must be none but
    /// `epochs` (a finished run can be extended) and `weightEntry` (what is recorded at the end).
    public func differences(from other: TrainingConfiguration) -> [String] {
        var a = self, b = other
        a.epochs = 0; b.epochs = 0
        a.weightEntry = nil; b.weightEntry = nil
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
        case dampening, nesterov, weightEntry = "weight_entry"
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(dataset.rawValue, forKey: .dataset)
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
        try c.encodeIfPresent(weightEntry, forKey: .weightEntry)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func parse<V>(_ key: CodingKeys, _ body: (String) throws -> V) throws -> V {
            let text = try c.decode(String.self, forKey: key)
            do { return try body(text) } catch {
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "\(error)")
            }
        }
        dataset = try parse(.dataset) { try DatasetKind(parsing: $0) }
        model = try parse(.model) { try ResidualVariant(parsing: $0) }
        activation = try parse(.activation) { try Activation(parsing: $0) }
        width = try c.decode(Int.self, forKey: .width)
        depth = try c.decode(Int.self, forKey: .depth)
        beta = try c.decode(Double.self, forKey: .beta)
        initialization = try parse(.initialization) { try Initialization(parsing: $0) }
        residualBiasChoice = try c.decode(Bool.self, forKey: .residualBias)
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
        weightEntry = try c.decodeIfPresent(WeightEntry.self, forKey: .weightEntry)
    }
}

/// JSON conventions of the training outputs: sorted keys, finite numbers only.
/// Non-finite numbers never make encoding fail: those that can legitimately be non-finite
/// (the loss of an exploded model) are written as null, any other as the strings "inf",
/// "-inf", "nan" (read back by `decoder()`).
enum TrainingJSON {
    static func encoder(pretty: Bool) -> JSONEncoder {
        NonFiniteJSON.encoder(pretty ? [.prettyPrinted, .sortedKeys] : [.sortedKeys])
    }

    static func decoder() -> JSONDecoder { NonFiniteJSON.decoder() }
}
