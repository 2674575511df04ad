import Foundation
import ResNets
import Resources
import SignalPropagation
import Support
import Training

/// One unit of a sweep: one training run, or (for `simulate`) one (depth, initialization,
/// seed, range of model indices) with every β and input inside.
public struct Cell: Codable, Equatable, Sendable {
    /// Position in the expanded grid (shards take every n-th position).
    public var index: Int
    /// Stable id: the first 128 bits of SHA-256 of the canonical configuration (hex).
    public var id: String
    public var command: SweepCommand
    /// The full configuration (every identity setting, defaults included) as canonical text.
    public var config: [String: String]

    public init(index: Int, command: SweepCommand, config: [String: String]) {
        self.index = index
        self.command = command
        self.config = config
        self.id = Cell.id(command: command, config: config)
    }

    /// The text that is hashed: a format tag, the command and `key=value` lines in key order.
    public static func canonicalText(command: SweepCommand, config: [String: String]) -> String {
        var text = "resnet-scaling sweep cell v1\ncommand=\(command.rawValue)\n"
        for key in config.keys.sorted() { text += "\(key)=\(config[key]!)\n" }
        return text
    }

    public static func id(command: SweepCommand, config: [String: String]) -> String {
        String(SHA256.hex(canonicalText(command: command, config: config)).prefix(32))
    }

    /// A short label for logs: the values of the given axes.
    public func label(axes: [String]) -> String {
        axes.compactMap { name in config[name].map { "\(name)=\($0)" } }.joined(separator: " ")
    }
}

/// A shard `i/n`: every n-th cell starting at position i (0-based, so Slurm's
/// `$SLURM_ARRAY_TASK_ID` with `--array=0-(n-1)` can be used as is).
public struct Shard: Equatable, Sendable, CustomStringConvertible {
    public var index: Int
    public var count: Int

    public init(index: Int, count: Int) throws {
        guard count >= 1 else { throw SpecError(source: "--shard", key: "", "the shard count n in i/n must be at least 1, got \(count)") }
        guard index >= 0, index < count else {
            throw SpecError(source: "--shard", key: "", "the shard index i in i/n is 0-based: 0 ≤ i < \(count), got \(index)")
        }
        self.index = index
        self.count = count
    }

    /// Parses `i/n`.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0].trimmingCharacters(in: .whitespaces)),
              let n = Int(parts[1].trimmingCharacters(in: .whitespaces)) else {
            throw SpecError(source: "--shard", key: "", "expected i/n with 0 ≤ i < n (0-based), e.g. 0/4, got '\(text)'")
        }
        try self.init(index: i, count: n)
    }

    public static let all = try! Shard(index: 0, count: 1)

    public func contains(_ cell: Cell) -> Bool { cell.index % count == index }

    public var description: String { "\(index)/\(count)" }
}

/// A spec expanded into its cells, in a stable order: the Cartesian product of the axes in
/// the order the file lists them (first axis outermost); for `simulate`, β stays inside the
/// cells and the models of a (depth, initialization) may be split (`models-per-cell`).
public struct SweepPlan: Sendable {
    public let spec: SweepSpec
    public let cells: [Cell]

    /// The most cells a plan materializes unless told otherwise (`sweep --max-cells`): a
    /// million cells already take seconds to expand and validate and ~1 GB to hold.
    public static let defaultMaximumCells = 1_000_000

    /// Expands `spec` into its cells. The cells are counted first: a grid of more than
    /// `maximumCells` is refused with ``ResourceError/count(subject:count:maximum:hint:)``
    /// before any is made.
    public init(spec: SweepSpec, maximumCells: Int = SweepPlan.defaultMaximumCells) throws {
        self.spec = spec
        let count = Self.cellCount(spec)
        if count > maximumCells {
            throw ResourceError.count(subject: "\(spec.source): the grid's cells", count: count, maximum: maximumCells,
                                      hint: "use --max-cells to allow more")
        }
        var base: [String: String] = [:]
        for d in SettingSchema.descriptors(for: spec.command) where d.identity {
            if let v = spec.settings[d.name] ?? d.defaultValue { base[d.name] = v }
        }
        var axes = spec.axes
        if spec.command == .simulate {
            // One model serves every β: β is never split into cells.
            base["beta"] = spec.allValues("beta").joined(separator: ",")
            axes.removeAll { $0.name == "beta" }
        }
        var configs: [[String: String]] = [base]
        for axis in axes {
            configs = configs.flatMap { config in
                axis.values.map { value in
                    var c = config
                    c[axis.name] = value
                    return c
                }
            }
        }
        var cells: [Cell] = []
        var seen: [String: Int] = [:]
        for var config in configs {
            if let initialization = config["init"], initialization.hasPrefix("fbm:") {
                config["init"] = "fbm"
                config["hurst"] = String(initialization.dropFirst(4))
            }
            var expanded = [config]
            if spec.command == .simulate {
                let samples = Int(config["samples"]!)!
                let per = config["models-per-cell"].flatMap(Int.init) ?? samples
                config["models-per-cell"] = nil
                expanded = stride(from: 0, to: samples, by: per).map { first in
                    var c = config
                    c["model-first"] = String(first)
                    c["model-count"] = String(min(per, samples - first))
                    return c
                }
            }
            for c in expanded {
                let cell = Cell(index: cells.count, command: spec.command, config: c)
                if let other = seen[cell.id] {
                    throw SpecError(source: spec.source, key: "axes", "cells \(other) and \(cells.count) have the same configuration (an axis repeats a value)")
                }
                seen[cell.id] = cells.count
                cells.append(cell)
            }
        }
        // Validate every distinct configuration once (errors name the setting).
        for cell in cells {
            do {
                switch spec.command {
                case .simulate: _ = try SimulateCell.spec(cell.config)
                case .train: _ = try TrainCell.configuration(cell.config)
                }
            } catch let e as ConfigurationError {
                let key = spec.axes.contains(where: { $0.name == e.setting }) ? "axes.\(e.setting)"
                    : (spec.settings[e.setting] != nil ? "settings.\(e.setting)" : e.setting)
                throw SpecError(source: spec.source, key: key, "\(e.message) (cell \(cell.label(axes: spec.axes.map(\.name))))")
            }
        }
        self.cells = cells
    }

    /// The number of cells `spec` expands to (saturating at `Int.max`), computed from the axes'
    /// lengths without expanding them: the product of the axes (β stays inside simulate cells)
    /// times, for simulate, the cells each (samples, models-per-cell) pair splits into.
    public static func cellCount(_ spec: SweepSpec) -> Int {
        let split = ["samples", "models-per-cell"]
        var count = 1
        for axis in spec.axes where !(spec.command == .simulate && (axis.name == "beta" || split.contains(axis.name))) {
            count = Saturating.product(count, axis.values.count)
        }
        guard spec.command == .simulate else { return count }
        let samples = spec.allValues("samples").compactMap { Int($0) }
        let perCell = spec.allValues("models-per-cell").compactMap { Int($0) }
        let pairs = Saturating.product(samples.count, max(perCell.count, 1))
        // Every pair gives at least one cell: past 10⁸ pairs their product is a lower bound enough
        // to refuse the grid (adding them up would take seconds).
        guard pairs <= defaultMaximumCells * 100 else { return Saturating.product(count, pairs) }
        var splits = 0
        for s in samples {
            if perCell.isEmpty { splits = Saturating.sum(splits, 1) }
            for p in perCell where p >= 1 { splits = Saturating.sum(splits, Saturating.ceilingDivision(s, p)) }
        }
        return Saturating.product(count, splits)
    }

    /// The cells of a shard.
    public func cells(in shard: Shard) -> [Cell] { cells.filter(shard.contains) }

    /// Names of the axes that vary between cells (for labels and tables).
    public var axisNames: [String] {
        var names = spec.axes.map(\.name).filter { !(spec.command == .simulate && $0 == "beta") }
        if spec.command == .simulate, cells.contains(where: { $0.config["model-first"] != "0" }) { names.append("model-first") }
        return names
    }

    /// A hash of every cell id: two plans with the same fingerprint have the same cells.
    public var fingerprint: String {
        String(SHA256.hex(cells.map(\.id).joined(separator: "\n")).prefix(32))
    }

    /// Settings that do not change the numbers (where the data is, threads), as given.
    public var execution: [String: String] {
        var result: [String: String] = [:]
        for d in SettingSchema.descriptors(for: spec.command) where !d.identity {
            if let v = spec.settings[d.name] { result[d.name] = v }
        }
        return result
    }
}
