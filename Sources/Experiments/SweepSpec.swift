import Foundation
import Persistence
import ResNets
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
/// ```
///
/// Every value is validated at load time; errors name the file, the key and the line.
public struct SweepSpec: Sendable, Equatable {
    public var source: String
    public var command: SweepCommand
    public var description: String
    /// Fixed settings as canonical text.
    public var settings: [String: String]
    /// The axes in file order, each with its canonical values.
    public var axes: [Axis]
    /// The folder relative paths of the spec are resolved against.
    public var baseDirectory: String

    public struct Axis: Sendable, Equatable, Codable {
        public var name: String
        public var values: [String]
        public init(name: String, values: [String]) {
            self.name = name
            self.values = values
        }
    }

    static let topLevelKeys = ["command", "description", "settings", "axes", "seed"]

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
        guard let commandEntry = entries.first(where: { $0.0 == "command" })?.1.1 else {
            throw SpecError(source: source, key: "command", "missing; expected simulate or train")
        }
        let commandText = try scalar(commandEntry, key: "command", source: source)
        guard let command = SweepCommand(rawValue: commandText.lowercased()) else {
            throw SpecError(source: source, key: "command", "expected simulate or train, got '\(commandText)'", line: commandEntry.line)
        }
        var spec = SweepSpec(source: source, command: command, description: "", settings: [:], axes: [], baseDirectory: baseDirectory)
        if let node = entries.first(where: { $0.0 == "description" })?.1.1 {
            spec.description = try scalar(node, key: "description", source: source)
        }
        if let node = entries.first(where: { $0.0 == "settings" })?.1.1 {
            guard case .mapping(let m) = node else {
                throw SpecError(source: source, key: "settings", "expected a mapping of setting: value", line: node.line)
            }
            for (key, (_, value)) in try mappingEntries(m, path: "settings.", source: source) {
                let d = try spec.descriptor(key, where: "settings.\(key)", line: value.line)
                if case .sequence = value {
                    throw SpecError(source: source, key: "settings.\(key)", "expected one value; put lists under axes", line: value.line)
                }
                let raw = try scalar(value, key: "settings.\(key)", source: source)
                let values = try spec.values(raw, descriptor: d, key: "settings.\(key)", line: value.line, single: !(command == .simulate && key == "beta"))
                spec.settings[key] = values.joined(separator: ",")
            }
        }
        if let node = entries.first(where: { $0.0 == "axes" })?.1.1 {
            guard case .mapping(let m) = node else {
                throw SpecError(source: source, key: "axes", "expected a mapping of setting: values", line: node.line)
            }
            for (key, (_, value)) in try mappingEntries(m, path: "axes.", source: source) {
                let d = try spec.descriptor(key, where: "axes.\(key)", line: value.line)
                guard d.axis else {
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
                        values += try spec.values(raw, descriptor: d, key: "axes.\(key)[\(i)]", line: item.line, single: true)
                    }
                default:
                    let raw = try scalar(value, key: "axes.\(key)", source: source)
                    values = try spec.values(raw, descriptor: d, key: "axes.\(key)", line: value.line, single: false)
                }
                guard !values.isEmpty else { throw SpecError(source: source, key: "axes.\(key)", "needs at least one value", line: value.line) }
                spec.axes.append(Axis(name: key, values: values))
            }
        }
        if let node = entries.first(where: { $0.0 == "seed" })?.1.1 {
            let d = SettingSchema.descriptor("seed", for: command)!
            var values: [String] = []
            if case .sequence(let items) = node {
                for (i, item) in items.enumerated() {
                    values += try spec.values(try scalar(item, key: "seed[\(i)]", source: source), descriptor: d, key: "seed[\(i)]",
                                              line: item.line, single: true)
                }
            } else {
                values = try spec.values(try scalar(node, key: "seed", source: source), descriptor: d, key: "seed", line: node.line, single: false)
            }
            if spec.settings["seed"] != nil || spec.axes.contains(where: { $0.name == "seed" }) {
                throw SpecError(source: source, key: "seed", "is given twice (top level and settings/axes)", line: node.line)
            }
            if values.count == 1 { spec.settings["seed"] = values[0] } else { spec.axes.append(Axis(name: "seed", values: values)) }
        }
        try spec.validateCombinations()
        return spec
    }

    /// Applies `--set key=value` overrides: a single value fixes the setting (replacing an
    /// axis), several values (`a,b,c` or `start:stop:count`) make it an axis. Relative
    /// paths are resolved against the current directory.
    public mutating func apply(overrides: [String]) throws {
        for item in overrides {
            guard let eq = item.firstIndex(of: "=") else {
                throw SpecError(source: "--set", key: item, "expected key=value")
            }
            let key = String(item[..<eq]).trimmingCharacters(in: .whitespaces)
            var raw = String(item[item.index(after: eq)...])
            guard let d = SettingSchema.descriptor(key, for: command) else {
                throw SpecError(source: "--set", key: key, "unknown setting for \(command.rawValue); accepted: \(SettingSchema.descriptors(for: command).map(\.name).joined(separator: ", "))")
            }
            if case .path = d.kind, !raw.isEmpty {
                raw = URL(fileURLWithPath: raw, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)).standardizedFileURL.path
            }
            let simulateBeta = command == .simulate && key == "beta"
            let values: [String]
            do {
                values = try self.values(raw, descriptor: d, key: key, line: nil, single: !d.axis)
            } catch let e as SpecError {
                throw SpecError(source: "--set", key: key, e.message)
            }
            axes.removeAll { $0.name == key }
            settings[key] = nil
            if values.count == 1 || simulateBeta {
                settings[key] = values.joined(separator: ",")
            } else {
                axes.append(Axis(name: key, values: values))
            }
        }
        do { try validateCombinations() } catch let e as SpecError {
            throw SpecError(source: "\(source) with --set", key: e.key, e.message)
        }
    }

    // MARK: Helpers

    func descriptor(_ key: String, where path: String, line: Int?) throws -> SettingDescriptor {
        guard let d = SettingSchema.descriptor(key, for: command) else {
            let names = SettingSchema.descriptors(for: command).map(\.name).joined(separator: ", ")
            throw SpecError(source: source, key: path, "unknown setting for \(command.rawValue); accepted: \(names)", line: line)
        }
        return d
    }

    /// Canonical values of one written value: a single value, or for numeric kinds a list
    /// `a,b,c` / range `start:stop:count`, for names a list `a,b,c`.
    func values(_ raw: String, descriptor d: SettingDescriptor, key: String, line: Int?, single: Bool) throws -> [String] {
        let text = raw.trimmingCharacters(in: .whitespaces)
        var pieces: [String]
        if d.kind.isNumeric && !single && (text.contains(":") || text.contains(",")) {
            do {
                if case .positiveInt = d.kind {
                    // As `simulate --depth`: a range is rounded to integers, duplicates removed.
                    pieces = try AxisParser.positiveIntegers(text, flag: key).map(String.init)
                } else {
                    pieces = try AxisParser.values(text, flag: key).map(SettingKind.number)
                }
            } catch let e as ConfigurationError {
                throw SpecError(source: source, key: key, e.message, line: line)
            }
        } else if !single && !d.kind.isNumeric && text.contains(","), d.axis, !(isEntry(d.kind)) {
            pieces = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        } else {
            pieces = [text]
        }
        if single && pieces.count > 1 {
            throw SpecError(source: source, key: key, "expected one value, got '\(raw)'", line: line)
        }
        return try pieces.map { piece in
            switch d.kind.canonical(piece) {
            case .success(let v):
                if case .path = d.kind { return resolvePath(v) }
                return v
            case .failure(let m): throw SpecError(source: source, key: key, m.text, line: line)
            }
        }
    }

    private func isEntry(_ kind: SettingKind) -> Bool {
        if case .entry = kind { return true }
        return false
    }

    func resolvePath(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        return URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: baseDirectory, isDirectory: true)).standardizedFileURL.path
    }

    /// All values a setting takes: its axis, its fixed value, or its default.
    public func allValues(_ name: String) -> [String] {
        if let axis = axes.first(where: { $0.name == name }) { return axis.values }
        if let v = settings[name] { return [v] }
        return SettingSchema.descriptor(name, for: command)?.defaultValue.map { [$0] } ?? []
    }

    /// Checks that depend on several settings (e.g. fbm needs H).
    func validateCombinations() throws {
        let inits = allValues("init")
        let hursts = allValues("hurst")
        func keyPath(_ name: String) -> String {
            axes.contains(where: { $0.name == name }) ? "axes.\(name)" : (settings[name] != nil ? "settings.\(name)" : name)
        }
        if !hursts.isEmpty && inits.contains(where: { $0 != "fbm" }) {
            throw SpecError(source: source, key: keyPath("hurst"), "applies to init fbm (without :<H>), but init is \(inits.joined(separator: ", "))")
        }
        if hursts.isEmpty && inits.contains("fbm") {
            throw SpecError(source: source, key: keyPath("init"), "fbm needs a Hurst index: a hurst setting or axis, or init fbm:<H>")
        }
        if command == .train, settings["data-dir"] == nil {
            // Resolved at run time (a --set may supply it); nothing to check here.
        }
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
