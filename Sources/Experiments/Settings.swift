import Foundation
import ResNets
import Support
import Training

/// The command a sweep runs for every cell.
public enum SweepCommand: String, Codable, CaseIterable, Sendable {
    case simulate
    case train
}

/// Why a spec, a `--set` override or a results folder cannot be used. `source` is the file
/// (or `--set`), `key` the setting (dotted path in the file), so every message says where.
public struct SpecError: Error, Equatable, CustomStringConvertible, Sendable {
    public var source: String
    public var key: String
    public var message: String
    public var line: Int?

    public init(source: String, key: String, _ message: String, line: Int? = nil) {
        self.source = source
        self.key = key
        self.message = message
        self.line = line
    }

    public var description: String {
        let place = line.map { "\(source):\($0)" } ?? source
        return key.isEmpty ? "\(place): \(message)" : "\(place): \(key): \(message)"
    }
}

/// The type and range of one setting. Values are kept as canonical text (what is hashed,
/// stored in records and written to tables): integers in decimal, reals in Swift's shortest
/// round-trip form, names lowercased.
public enum SettingKind: Sendable {
    case positiveInt
    case seed
    case finite
    case positive
    case nonNegative
    /// A real in the open interval (0, 1).
    case unitInterval
    case choice([String])
    case activation
    case initialization
    case onOffAuto
    case path
    /// `i,j`: a weight entry (0-based).
    case entry

    /// What the kind accepts, for messages.
    public var accepted: String {
        switch self {
        case .positiveInt: return "a positive integer"
        case .seed: return "an integer from 0 to \(UInt64.max)"
        case .finite: return "a finite number"
        case .positive: return "a positive number"
        case .nonNegative: return "a non-negative number"
        case .unitInterval: return "a number in (0, 1)"
        case .choice(let names): return "one of \(names.joined(separator: ", "))"
        case .activation: return Activation.accepted
        case .initialization: return "fbm (with a hurst setting or axis), " + Initialization.accepted
        case .onOffAuto: return "auto, on or off"
        case .path: return "a path"
        case .entry: return "a weight entry i,j (0-based), e.g. 0,0"
        }
    }

    /// Whether an axis of this kind is written with `start:stop:count` ranges.
    var isNumeric: Bool {
        switch self {
        case .positiveInt, .seed, .finite, .positive, .nonNegative, .unitInterval: return true
        default: return false
        }
    }

    /// The canonical text of a value, or a message saying what is accepted.
    func canonical(_ raw: String) -> Result<String, SettingMessage> {
        let text = raw.trimmingCharacters(in: .whitespaces)
        func real() -> Double? { Double(text).flatMap { $0.isFinite ? $0 : nil } }
        func fail() -> Result<String, SettingMessage> { .failure(SettingMessage("expected \(accepted), got '\(raw)'")) }
        switch self {
        case .positiveInt:
            if let n = Int(text), n >= 1 { return .success(String(n)) }
            // 1e3 or 30.0 in YAML: accept whole numbers written as reals.
            if let x = real(), x == x.rounded(), x >= 1, x < 1e15 { return .success(String(Int(x))) }
            return fail()
        case .seed:
            if let n = UInt64(text) { return .success(String(n)) }
            return fail()
        case .finite:
            guard let x = real() else { return fail() }
            return .success(Self.number(x))
        case .positive:
            guard let x = real(), x > 0 else { return fail() }
            return .success(Self.number(x))
        case .nonNegative:
            guard let x = real(), x >= 0 else { return fail() }
            return .success(Self.number(x))
        case .unitInterval:
            guard let x = real(), x > 0, x < 1 else { return fail() }
            return .success(Self.number(x))
        case .choice(let names):
            let lower = text.lowercased()
            guard names.contains(lower) else { return fail() }
            return .success(lower)
        case .activation:
            guard let a = try? Activation(parsing: text) else { return fail() }
            return .success(a.description)
        case .initialization:
            let lower = text.lowercased()
            if lower == "fbm" { return .success("fbm") }
            do { return .success(try Initialization(parsing: text).description) } catch let e as ConfigurationError {
                return .failure(SettingMessage(e.message))
            } catch { return fail() }
        case .onOffAuto:
            switch text.lowercased() {
            case "auto": return .success("auto")
            case "on", "true", "yes": return .success("on")
            case "off", "false", "no": return .success("off")
            default: return fail()
            }
        case .path:
            guard !text.isEmpty else { return fail() }
            return .success(text)
        case .entry:
            let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let i = Int(parts[0]), let j = Int(parts[1]), i >= 0, j >= 0 else { return fail() }
            return .success("\(i),\(j)")
        }
    }

    /// Shortest round-trip decimal of a finite real.
    /// Rounded to 15 significant digits first, so that linspace steps give 0.3, not
    /// 0.30000000000000004 (the value run is the one written).
    static func number(_ value: Double) -> String {
        let x = Double(String(format: "%.15g", value)) ?? value
        if x == 0 { return "0" }
        if x == x.rounded(), abs(x) < 1e15 { return String(Int(x)) }
        return "\(x)"
    }
}

/// A validation message without its location (the caller adds file and key).
public struct SettingMessage: Error, Sendable {
    public var text: String
    init(_ text: String) { self.text = text }
}

/// One setting a sweep command accepts.
public struct SettingDescriptor: Sendable {
    public var name: String
    public var kind: SettingKind
    /// The value used when the spec does not give one (nil: unset).
    public var defaultValue: String?
    /// Whether the setting may be an axis (several values).
    public var axis: Bool
    /// Whether the setting is part of a cell's identity (false for where data lives and for
    /// thread counts: they do not change the numbers).
    public var identity: Bool
    public var help: String

    init(_ name: String, _ kind: SettingKind, _ defaultValue: String?, axis: Bool = true, identity: Bool = true, _ help: String) {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.axis = axis
        self.identity = identity
        self.help = help
    }
}

/// The settings of each command: the keys a spec may use under `settings:` and `axes:`
/// (and `--set`), with their types, ranges and defaults. Names follow the flags of the
/// `simulate` and `train` commands.
public enum SettingSchema {
    public static func descriptors(for command: SweepCommand) -> [SettingDescriptor] {
        switch command {
        case .simulate: return simulate
        case .train: return train
        }
    }

    public static func descriptor(_ name: String, for command: SweepCommand) -> SettingDescriptor? {
        descriptors(for: command).first { $0.name == name }
    }

    static let models = ["res1", "res2", "res3"]

    static let simulate: [SettingDescriptor] = [
        SettingDescriptor("model", .choice(models), "res3", "residual branch"),
        SettingDescriptor("activation", .activation, "relu", "nonlinearity σ"),
        SettingDescriptor("init", .initialization, "iid-uniform", "initialization of the residual weights"),
        SettingDescriptor("hurst", .unitInterval, nil, "Hurst index H for init fbm (one cell per H)"),
        SettingDescriptor("width", .positiveInt, "40", "width d"),
        SettingDescriptor("input-dim", .positiveInt, "64", "input dimension"),
        SettingDescriptor("output-dim", .positiveInt, "1", "output dimension"),
        SettingDescriptor("depth", .positiveInt, "1000", "depth L (one cell per depth)"),
        SettingDescriptor("beta", .finite, "0.25,0.5,1", "scalings β: always inside a cell (one model serves every β)"),
        SettingDescriptor("samples", .positiveInt, "50", "models per (depth, init)"),
        SettingDescriptor("inputs", .positiveInt, "1", "inputs per model"),
        SettingDescriptor("models-per-cell", .positiveInt, nil, "split the models of a (depth, init) into cells of this many (default: all in one cell)"),
        SettingDescriptor("seed", .seed, "0", "random seed"),
        SettingDescriptor("threads", .positiveInt, nil, axis: false, identity: false, "threads per cell (default: cores / workers)"),
    ]

    static let train: [SettingDescriptor] = [
        SettingDescriptor("dataset", .choice(DatasetKind.allCases.map(\.rawValue)), "mnist", "dataset"),
        SettingDescriptor("data-dir", .path, nil, axis: false, identity: false, "folder of the dataset files (relative to the spec file)"),
        SettingDescriptor("model", .choice(models), "res1", "residual branch"),
        SettingDescriptor("activation", .activation, "relu", "nonlinearity σ"),
        SettingDescriptor("width", .positiveInt, "30", "width d"),
        SettingDescriptor("depth", .positiveInt, "1000", "depth L"),
        SettingDescriptor("beta", .finite, "0.5", "scaling β, α_L = L^-β"),
        SettingDescriptor("init", .initialization, "iid-uniform", "initialization of the residual weights"),
        SettingDescriptor("hurst", .unitInterval, nil, "Hurst index H for init fbm"),
        SettingDescriptor("residual-bias", .onOffAuto, "auto", "trainable residual bias (auto: fbm only)"),
        SettingDescriptor("optimizer", .choice(OptimizerKind.allCases.map(\.rawValue)), "adam", "optimizer"),
        SettingDescriptor("momentum", .nonNegative, "0.9", "SGD momentum"),
        SettingDescriptor("lr", .positive, "0.001", "initial learning rate"),
        SettingDescriptor("lr-step", .positiveInt, "5", "StepLR step (epochs)"),
        SettingDescriptor("lr-gamma", .positive, "0.1", "StepLR factor"),
        SettingDescriptor("epochs", .positiveInt, "10", "epochs"),
        SettingDescriptor("batch-size", .positiveInt, "128", "minibatch size"),
        SettingDescriptor("train-limit", .positiveInt, nil, "use only the first N training examples"),
        SettingDescriptor("test-limit", .positiveInt, nil, "use only the first N test examples"),
        SettingDescriptor("column-blocks", .positiveInt, "2", "column blocks per minibatch (part of the numerics)"),
        SettingDescriptor("weight-entry", .entry, nil, "record V_k[i, j] against k after training (figure 8)"),
        SettingDescriptor("seed", .seed, "0", "random seed"),
        SettingDescriptor("threads", .positiveInt, nil, axis: false, identity: false, "threads per cell (default: cores / workers)"),
    ]
}
