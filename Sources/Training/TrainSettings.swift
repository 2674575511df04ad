import ResNets
import Resources
import Support

extension DatasetKind: SettingValue {
    public init(settingText text: String) throws {
        do { try self.init(parsing: text) } catch {
            throw SettingMessage("unknown dataset '\(text)'; accepted: \(DatasetKind.accepted)")
        }
    }

    public var settingText: String { rawValue }
    public static var settingValueName: String { "mnist|fashion-mnist|cifar10" }
}

extension OptimizerKind: SettingValue {
    public init(settingText text: String) throws {
        guard let kind = OptimizerKind(rawValue: text.trimmingCharacters(in: .whitespaces).lowercased()) else {
            throw SettingMessage("unknown optimizer '\(text)'; accepted: \(OptimizerKind.accepted)")
        }
        self = kind
    }

    public var settingText: String { rawValue }
    public static var settingValueName: String { "adam|sgd" }
}

/// The `residual-bias` setting as typed: on, off or auto (on for fBm initializations only).
/// A spec always shows the value in use (on or off), recorded as a boolean.
public enum ResidualBiasChoice: String, SettingValue {
    case auto, on, off

    public init(settingText text: String) throws {
        switch text.trimmingCharacters(in: .whitespaces).lowercased() {
        case "auto": self = .auto
        case "on", "true", "yes": self = .on
        case "off", "false", "no": self = .off
        default: throw SettingMessage("expected auto, on or off, got '\(text)'")
        }
    }

    public var settingText: String { rawValue }
    public var settingJSON: JSONValue { self == .auto ? .string("auto") : .bool(self == .on) }
    public static var settingValueName: String { "auto|on|off" }
}

/// A `train` run as requested (on the command line, or as a cell of a train sweep): the
/// configuration, where the data is, and the threads (neither changes the numbers).
public struct TrainRequest: Sendable {
    public var configuration: TrainingConfiguration
    /// The folder of the dataset's files.
    public var dataDirectory: String?
    /// nil: every core (in a sweep: cores / workers).
    public var threads: Int?
    /// Training steps between two lines of the run's `log.jsonl` (0: no log); changes no number.
    public var logEvery = TrainingLog.defaultEvery

    public init(configuration: TrainingConfiguration = TrainingConfiguration(), dataDirectory: String? = nil, threads: Int? = nil) {
        self.configuration = configuration
        self.dataDirectory = dataDirectory
        self.threads = threads
    }

    /// Every setting of `train`, declared once: the command's options, the keys of a train
    /// sweep, the canonical text of its cells and the columns of its table. The defaults are
    /// ``TrainingConfiguration``'s.
    public static let settings = SettingsTable<TrainRequest>("train", declarations, defaults: { TrainRequest() }, validate: { try $0.configuration.validateCombinations() })

    private static let declarations: [Setting<TrainRequest>] = [
        Setting("dataset", \.configuration.dataset, help: "Dataset: \(DatasetKind.accepted)."),
        Setting("data-dir", \.dataDirectory, axis: .none, identity: false, valueName: "<dir>", isPath: true,
                help: """
                Folder of the dataset files (MNIST: train-images-idx3-ubyte[.gz] …; CIFAR-10: data_batch_1.bin … \
                test_batch.bin); in a sweep spec, relative to the spec's folder. Required.
                """),
        Setting("model", \.configuration.model, help: "Residual branch: res1 = V σ(h), res2 = σ(V h), res3 = V σ(W h)."),
        Setting("activation", \.configuration.activation, help: "Nonlinearity σ: \(Activation.accepted)."),
        Setting("width", \.configuration.width, .positive, valueName: "<n>", help: "Width d of the hidden state."),
        Setting("depth", \.configuration.depth, .positive, valueName: "<n>", help: "Depth L (number of residual layers)."),
        Setting("beta", \.configuration.beta, .finite, valueName: "<x>", help: "Scaling exponent β: α_L = L^-β."),
        Setting("init", InitializationSetting.self, get: { InitializationSetting($0.configuration.initialization) },
                set: { $0.configuration.initialization = $1.stored },
                help: "Initialization of the residual weights: \(Initialization.accepted); fbm alone takes H from --hurst."),
        Setting("hurst", Double.self, get: { $0.configuration.initialization.hurst.flatMap { $0.isNaN ? nil : $0 } },
                set: { $0.configuration.initialization = try InitializationSetting.applyingHurst($1, to: $0.configuration.initialization) },
                rule: .openUnitInterval, valueName: "<x>", help: "Hurst index H for --init fbm."),
        Setting("residual-bias", ResidualBiasChoice.self, get: { $0.configuration.residualBias ? .on : .off },
                set: { $0.configuration.residualBiasChoice = $1 == .auto ? nil : $1 == .on },
                defaultText: "auto: on for fbm only", help: "Trainable residual bias, initialized at 0."),
        Setting("optimizer", \.configuration.optimizer.kind, help: "Optimizer: Adam (β1 0.9, β2 0.999, ε 1e-8) or SGD with momentum."),
        Setting("momentum", Double.self, get: { $0.configuration.optimizer.kind == .sgd ? $0.configuration.optimizer.momentum : nil },
                set: { request, momentum in
                    // Adam has no momentum: the value is checked but changes nothing.
                    if request.configuration.optimizer.kind == .sgd { request.configuration.optimizer.momentum = momentum }
                },
                rule: .nonNegative, valueName: "<x>", defaultText: NumberFormat.text(OptimizerSettings(kind: .sgd).momentum),
                help: "SGD momentum (PyTorch semantics; 0 for plain SGD)."),
        Setting("lr", \.configuration.learningRate, .positive, valueName: "<x>", help: "Initial learning rate."),
        Setting("lr-step", \.configuration.lrStep, .positive, valueName: "<n>",
                help: "StepLR: multiply the learning rate by --lr-gamma every this many epochs."),
        Setting("lr-gamma", \.configuration.lrGamma, .positive, valueName: "<x>", help: "StepLR factor."),
        Setting("epochs", \.configuration.epochs, .positive, valueName: "<n>",
                help: "Number of epochs (a resumed run may be extended with a larger value)."),
        Setting("batch-size", \.configuration.batchSize, .positive, valueName: "<n>", help: "Minibatch size."),
        Setting("train-limit", \.configuration.trainLimit, .positive, valueName: "<n>", help: "Use only the first N training examples."),
        Setting("test-limit", \.configuration.testLimit, .positive, valueName: "<n>", help: "Use only the first N test examples."),
        Setting("column-blocks", \.configuration.columnBlocks, .positive, valueName: "<n>",
                help: "Column blocks per minibatch: part of the numerics (the thread count is not)."),
        Setting("weight-entry", \.configuration.weightEntry,
                help: "Record V_k[i, j] against k after training (figure 8), in metrics.json and sweep records."),
        Setting("seed", \.configuration.seed, valueName: "<n>", help: "Random seed (model and minibatch order)."),
        .threads(\.threads),
        Setting("log-every", \.logEvery, .nonNegative, axis: .none, identity: false, valueName: "<n>",
                help: "Append a line to OUT/log.jsonl (a sweep cell's runs/<id>/log.jsonl) every N training steps (0: no log); does not change the numbers."),
    ]
}
