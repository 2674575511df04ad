import Foundation
import Persistence
import SignalPropagation
import Support
import Training

/// What one cell of a sweep runs, typed: a simulation (one depth and initialization, every
/// β, a range of model indices) or a training run. Its settings are read and written through
/// the command's settings table, so a cell's canonical text, its record and its table row
/// all come from the same declarations as the command's flags.
public enum CellSpec: Equatable, Sendable {
    case simulate(SimulationSpec, models: Range<Int>)
    case train(TrainingConfiguration)

    public var command: SweepCommand {
        switch self {
        case .simulate: return .simulate
        case .train: return .train
        }
    }

    /// The identity settings, in table order, as canonical text (irrelevant ones left out,
    /// e.g. momentum under Adam).
    public var settingTexts: [(name: String, text: String)] {
        switch self {
        case .simulate(let spec, _): return SimulateRequest.settings.identityTexts(SimulateRequest(spec: spec))
        case .train(let configuration): return TrainRequest.settings.identityTexts(TrainRequest(configuration: configuration))
        }
    }

    /// The identity settings as typed values: numbers as numbers, booleans as booleans, the
    /// residual bias as used.
    public var settings: [String: JSONValue] {
        switch self {
        case .simulate(let spec, _): return SimulateRequest.settings.json(SimulateRequest(spec: spec))
        case .train(let configuration): return TrainRequest.settings.json(TrainRequest(configuration: configuration))
        }
    }

    /// The models of a simulate cell.
    public var models: Range<Int>? {
        if case .simulate(_, let models) = self { return models }
        return nil
    }

    /// The format tag of the canonical text: a new tag means new ids (and a results folder of
    /// the previous format is refused, see ``ResultStore``).
    public static let formatTag = "resnet-scaling cell v2"

    /// The text whose hash is the cell's id: the format tag, the command, every identity
    /// setting as `name=text` in name order, and a simulate cell's model range.
    public var canonicalText: String {
        var text = "\(Self.formatTag)\ncommand=\(command.rawValue)\n"
        for (name, value) in settingTexts.sorted(by: { $0.name < $1.name }) { text += "\(name)=\(value)\n" }
        if let models { text += "models=\(models.lowerBound)..<\(models.upperBound)\n" }
        return text
    }

    /// The cell spec of `settings` (from ``settings``), validated by the command's table.
    public init(command: SweepCommand, settings: [String: JSONValue], models: Range<Int>?) throws {
        switch command {
        case .simulate:
            let spec = try SimulateRequest.settings.spec(json: settings).spec
            guard let models, models.lowerBound >= 0, models.upperBound <= spec.samples, !models.isEmpty else {
                throw SettingError(setting: "samples", SettingMessage("the cell's models are not within its \(spec.samples) samples"))
            }
            self = .simulate(spec, models: models)
        case .train:
            self = .train(try TrainRequest.settings.spec(json: settings).configuration)
        }
    }
}

/// One unit of a sweep: one training run, or (for `simulate`) one (depth, initialization,
/// seed, range of model indices) with every β and input inside.
public struct Cell: Codable, Equatable, Sendable {
    /// Position in the expanded grid (shards take every n-th position).
    public var index: Int
    /// Stable id: the first 128 bits of SHA-256 of the spec's canonical text (hex).
    public var id: String
    public var spec: CellSpec

    public init(index: Int, spec: CellSpec) {
        self.index = index
        self.spec = spec
        id = String(SHA256.hex(spec.canonicalText).prefix(32))
    }

    public var command: SweepCommand { spec.command }

    /// The identity settings' canonical texts, by name.
    public var texts: [String: String] {
        Dictionary(spec.settingTexts.map { ($0.name, $0.text) }, uniquingKeysWith: { a, _ in a })
    }

    /// A short label for logs: the values of the given axes (and the models of a split cell).
    public func label(axes: [String]) -> String {
        let texts = self.texts
        var parts = axes.compactMap { name in texts[name].map { "\(name)=\($0)" } }
        if axes.contains("models"), let models = spec.models { parts.append("models=\(models.lowerBound)..<\(models.upperBound)") }
        return parts.joined(separator: " ")
    }

    enum CodingKeys: String, CodingKey { case index, id, command, settings, models }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        index = try c.decode(Int.self, forKey: .index)
        id = try c.decode(String.self, forKey: .id)
        let command = try c.decode(SweepCommand.self, forKey: .command)
        let models = try c.decodeIfPresent([Int].self, forKey: .models)
        do {
            spec = try CellSpec(command: command, settings: try c.decode([String: JSONValue].self, forKey: .settings),
                                models: models.flatMap { $0.count == 2 && $0[0] <= $0[1] ? $0[0]..<$0[1] : nil })
        } catch let e as SettingError {
            throw DecodingError.dataCorruptedError(forKey: .settings, in: c, debugDescription: "\(e)")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(index, forKey: .index)
        try c.encode(id, forKey: .id)
        try c.encode(command, forKey: .command)
        try c.encode(spec.settings, forKey: .settings)
        if let models = spec.models { try c.encode([models.lowerBound, models.upperBound], forKey: .models) }
    }
}
