import Foundation
import Persistence
import SignalPropagation
import Support
import Yams

/// A sweep as written in a YAML spec file:
///
/// ```yaml
/// command: train            # simulate | train
/// description: Figure 9, MNIST
/// settings:                 # fixed values (keys as the command's flags)
///   dataset: mnist
///   data-dir: ../../shared/data/mnist   # relative to this file
///   depth: 1000
///   init: fbm
/// axes:                     # the grid: a YAML list, "a,b,c" or "start:stop:count" (inclusive)
///   lr: [1e-4, 1e-3, 1e-2, 1e-1, 1]
///   hurst: 0.1:0.9:10
///   beta: 0.1:0.9:10
/// seed: 0                   # or a list: one cell per seed
/// models-per-cell: 500      # simulate: split the models of a (depth, init) into cells of 500
/// ```
///
/// The keys under `settings:` and `axes:` are the settings of the command
/// (``SimulateRequest/settings``, ``TrainRequest/settings``), parsed by the same declarations
/// as its flags. Every value is validated at load time; errors name the file, the line and
/// the key.
public struct SweepSpec: Sendable, Equatable {
    public var source: String
    public var command: SweepCommand
    public var description: String
    /// Fixed settings as canonical text (a list setting may hold several values, `a,b,c`).
    public var settings: [String: String]
    /// The axes in file order, each with its canonical values: one cell per value.
    public var axes: [Axis]
    /// Simulate: the models of a (depth, initialization) are split into cells of this many
    /// (nil: one cell). Sweep structure, not a setting of a run.
    public var modelsPerCell: Int?
    /// The folder relative paths of the spec are resolved against.
    public var baseDirectory: String
    /// The line of each key in the file (`settings.lr`, `axes.hurst`, `seed`), for messages
    /// about a cell's settings together.
    public var lines: [String: Int] = [:]

    public struct Axis: Sendable, Equatable, Codable {
        public var name: String
        public var values: [String]
        public init(name: String, values: [String]) {
            self.name = name
            self.values = values
        }
    }

    static let topLevelKeys = ["command", "description", "settings", "axes", "seed", "models-per-cell"]

    /// Loads and validates a spec file.
    public static func load(path: String) throws -> SweepSpec {
        let text: String
        do { text = try InputFile.readText(path) } catch let e as InputFileError {
            throw SpecError(source: path, key: "", e == .emptyPath ? "the spec path is empty" : e.reason)
        }
        let base = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try parse(yaml: text, source: path, baseDirectory: base)
    }

    /// Parses and validates spec text; `source` names it in errors.
    public static func parse(yaml: String, source: String, baseDirectory: String) throws -> SweepSpec {
        let root: Node?
        do { root = try Yams.compose(yaml: yaml) } catch {
            let firstLine = "\(error)".split(separator: "\n").first.map(String.init) ?? "\(error)"
            if let range = firstLine.range(of: "duplicated key(s): ") {
                let names = firstLine[range.upperBound...].trimmingCharacters(in: CharacterSet(charactersIn: "'. "))
                throw SpecError(source: source, key: names, "is given twice")
            }
            throw SpecError(source: source, key: "", "not valid YAML: \(firstLine)")
        }
        guard let root, case .mapping(let top) = root else {
            throw SpecError(source: source, key: "", "expected a mapping with the keys \(topLevelKeys.joined(separator: ", "))")
        }
        let entries = try mappingEntries(top, path: "", source: source)
        for (key, (_, node)) in entries where !topLevelKeys.contains(key) {
            throw SpecError(source: source, key: key, "unknown key; accepted: \(topLevelKeys.joined(separator: ", "))",
                            line: node.line)
        }
        func entry(_ key: String) -> Node? { entries.first(where: { $0.0 == key })?.1.1 }
        guard let commandEntry = entry("command") else {
            throw SpecError(source: source, key: "command", "missing; expected simulate or train")
        }
        let commandText = try scalar(commandEntry, key: "command", source: source)
        guard let command = SweepCommand(rawValue: commandText.lowercased()) else {
            throw SpecError(source: source, key: "command", "expected simulate or train, got '\(commandText)'", line: commandEntry.line)
        }
        var spec = SweepSpec(source: source, command: command, description: "", settings: [:], axes: [], modelsPerCell: nil,
                             baseDirectory: baseDirectory)
        if let node = entry("description") {
            spec.description = try scalar(node, key: "description", source: source)
        }
        if let node = entry("settings") {
            guard case .mapping(let m) = node else {
                throw SpecError(source: source, key: "settings", "expected a mapping of setting: value", line: node.line)
            }
            for (key, (_, value)) in try mappingEntries(m, path: "settings.", source: source) {
                let setting = try spec.setting(key, where: "settings.\(key)", line: value.line)
                if case .sequence = value {
                    throw SpecError(source: source, key: "settings.\(key)", "expected one value; put lists under axes", line: value.line)
                }
                let raw = try scalar(value, key: "settings.\(key)", source: source)
                let values = try spec.values(raw, of: setting, key: "settings.\(key)", line: value.line)
                if values.count > 1 && !setting.isList {
                    throw SpecError(source: source, key: "settings.\(key)", "expected one value, got '\(raw)'; put lists under axes",
                                    line: value.line)
                }
                spec.settings[key] = values.joined(separator: ",")
                spec.lines["settings.\(key)"] = value.line
            }
        }
        if let node = entry("axes") {
            guard case .mapping(let m) = node else {
                throw SpecError(source: source, key: "axes", "expected a mapping of setting: values", line: node.line)
            }
            for (key, (_, value)) in try mappingEntries(m, path: "axes.", source: source) {
                let setting = try spec.setting(key, where: "axes.\(key)", line: value.line)
                guard setting.axis != .none else {
                    throw SpecError(source: source, key: "axes.\(key)", "cannot be an axis; put it under settings", line: value.line)
                }
                if spec.settings[key] != nil {
                    throw SpecError(source: source, key: "axes.\(key)", "is also under settings; give it in one place", line: value.line)
                }
                var values: [String] = []
                switch value {
                case .sequence(let items):
                    for (i, item) in items.enumerated() {
                        let raw = try scalar(item, key: "axes.\(key)[\(i)]", source: source)
                        let itemValues = try spec.values(raw, of: setting, key: "axes.\(key)[\(i)]", line: item.line)
                        if itemValues.count > 1 {
                            throw SpecError(source: source, key: "axes.\(key)[\(i)]", "expected one value, got '\(raw)'", line: item.line)
                        }
                        values += itemValues
                    }
                default:
                    values = try spec.values(try scalar(value, key: "axes.\(key)", source: source), of: setting, key: "axes.\(key)",
                                             line: value.line)
                }
                guard !values.isEmpty else { throw SpecError(source: source, key: "axes.\(key)", "needs at least one value", line: value.line) }
                if setting.axis == .inside {
                    spec.settings[key] = values.joined(separator: ",")
                } else {
                    spec.axes.append(Axis(name: key, values: values))
                }
                spec.lines["axes.\(key)"] = value.line
            }
        }
        if let node = entry("seed") {
            let setting = command.setting("seed")!
            var values: [String] = []
            if case .sequence(let items) = node {
                for (i, item) in items.enumerated() {
                    values += try spec.values(try scalar(item, key: "seed[\(i)]", source: source), of: setting, key: "seed[\(i)]",
                                              line: item.line)
                }
            } else {
                values = try spec.values(try scalar(node, key: "seed", source: source), of: setting, key: "seed", line: node.line)
            }
            if spec.settings["seed"] != nil || spec.axes.contains(where: { $0.name == "seed" }) {
                throw SpecError(source: source, key: "seed", "is given twice (top level and settings/axes)", line: node.line)
            }
            spec.set(setting, values)
        }
        if let node = entry("models-per-cell") {
            let raw = try scalar(node, key: "models-per-cell", source: source)
            spec.modelsPerCell = try spec.modelsPerCell(raw, line: node.line)
        }
        return spec
    }

    /// Applies `--set key=value` overrides: a single value fixes the setting (replacing an
    /// axis), several values (`a,b,c` or `start:stop:count`) make it an axis;
    /// `models-per-cell=N` sets the split of simulate cells. Relative paths are resolved
    /// against the current directory.
    public mutating func apply(overrides: [String]) throws {
        for item in overrides {
            guard let eq = item.firstIndex(of: "=") else {
                throw SpecError(source: "--set", key: item, "expected key=value")
            }
            let key = String(item[..<eq]).trimmingCharacters(in: .whitespaces)
            var raw = String(item[item.index(after: eq)...])
            if key == "models-per-cell" {
                do { modelsPerCell = try modelsPerCell(raw, line: nil) } catch let e as SpecError {
                    throw SpecError(source: "--set", key: key, e.message)
                }
                continue
            }
            guard let setting = command.setting(key) else {
                throw SpecError(source: "--set", key: key, "unknown setting for \(command.rawValue); accepted: \(Self.acceptedKeys(command))")
            }
            // A list would make an axis; a path may hold a comma.
            if setting.axis == .none, !setting.isPath, raw.contains(",") {
                throw SpecError(source: "--set", key: key, "takes one value, not a list (it cannot be an axis; got \(raw))")
            }
            if setting.isPath, !raw.isEmpty {
                raw = URL(fileURLWithPath: raw, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true))
                    .standardizedFileURL.path
            }
            let values: [String]
            do { values = try self.values(raw, of: setting, key: key, line: nil) } catch let e as SpecError {
                throw SpecError(source: "--set", key: key, e.message)
            }
            axes.removeAll { $0.name == key }
            settings[key] = nil
            set(setting, values)
        }
    }

    // MARK: Helpers

    /// Stores the values of a setting: a fixed value, or an axis (one cell per value; the
    /// values of an `.inside` setting are one list).
    mutating func set(_ setting: SweepSetting, _ values: [String]) {
        if values.count == 1 || setting.axis == .inside {
            settings[setting.name] = values.joined(separator: ",")
        } else {
            axes.append(Axis(name: setting.name, values: values))
        }
    }

    static func acceptedKeys(_ command: SweepCommand) -> String {
        (command.settings.map(\.name) + (command == .simulate ? ["models-per-cell"] : [])).joined(separator: ", ")
    }

    func setting(_ key: String, where path: String, line: Int?) throws -> SweepSetting {
        guard let setting = command.setting(key) else {
            throw SpecError(source: source, key: path, "unknown setting for \(command.rawValue); accepted: \(Self.acceptedKeys(command))",
                            line: line)
        }
        return setting
    }

    /// The canonical values of one written value (a single value, a list `a,b,c`, a range
    /// `start:stop:count`), parsed and checked by the setting's declaration.
    func values(_ raw: String, of setting: SweepSetting, key: String, line: Int?) throws -> [String] {
        let text = raw.trimmingCharacters(in: .whitespaces)
        do {
            let values = try setting.values(text)
            return setting.isPath ? values.map(resolvePath) : values
        } catch let m as SettingMessage {
            throw SpecError(source: source, key: key, SettingError(setting: setting.name, m, value: text).detail, line: line)
        }
    }

    func modelsPerCell(_ raw: String, line: Int?) throws -> Int {
        guard let n = try? Int(settingText: raw), n >= 1 else {
            throw SpecError(source: source, key: "models-per-cell", "must be a positive integer (got \(raw))", line: line)
        }
        guard command == .simulate else {
            throw SpecError(source: source, key: "models-per-cell", "applies to simulate sweeps", line: line)
        }
        return n
    }

    func resolvePath(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        return URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: baseDirectory, isDirectory: true)).standardizedFileURL.path
    }

    /// The values a setting takes, one per cell: its axis, else its fixed value or its default
    /// split into its elements (a list setting such as simulate's depth gives one cell per
    /// depth), else nothing (unset). An `.inside` setting gives its whole list as one value.
    public func cellValues(_ setting: SweepSetting) -> [String] {
        if let axis = axes.first(where: { $0.name == setting.name }) { return axis.values }
        guard let text = settings[setting.name] ?? command.defaultText(setting.name) else { return [] }
        guard setting.isList, setting.axis == .cells else { return [text] }
        return (try? setting.values(text)) ?? [text]
    }

    /// Where a setting is given, for messages: `axes.depth`, `settings.lr`, or its name.
    func keyPath(_ name: String) -> String {
        axes.contains(where: { $0.name == name }) ? "axes.\(name)" : (settings[name] != nil ? "settings.\(name)" : name)
    }
}

// MARK: YAML node helpers

extension Node {
    var line: Int? { mark?.line }
}

/// The (key, (key node, value node)) pairs of a mapping, rejecting duplicate and non-scalar keys.
func mappingEntries(_ mapping: Node.Mapping, path: String, source: String) throws -> [(String, (Node, Node))] {
    var seen = Set<String>()
    var result: [(String, (Node, Node))] = []
    for (k, v) in mapping {
        guard case .scalar(let s) = k else {
            throw SpecError(source: source, key: path, "keys must be plain names", line: k.line)
        }
        let name = s.string
        if seen.contains(name) {
            throw SpecError(source: source, key: path + name, "is given twice", line: k.line)
        }
        seen.insert(name)
        result.append((name, (k, v)))
    }
    return result
}

/// The text of a scalar node, or an error naming the key.
func scalar(_ node: Node, key: String, source: String) throws -> String {
    switch node {
    case .scalar(let s): return s.string
    case .mapping: throw SpecError(source: source, key: key, "expected a value, got a mapping", line: node.line)
    case .sequence: throw SpecError(source: source, key: key, "expected a value, got a list", line: node.line)
    case .alias: throw SpecError(source: source, key: key, "aliases are not supported", line: node.line)
    }
}
