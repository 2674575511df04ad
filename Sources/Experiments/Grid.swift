import Foundation
import Persistence
import Resources
import SignalPropagation
import Support
import Training

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

/// A spec expanded into its cells, in a stable order: the Cartesian product of the cell
/// axes (first outermost) — a list setting given several values at once (simulate's default
/// depths, `depth: 10,20`) first, in table order, then the spec's axes in file order; for
/// `simulate`, β stays inside the cells and the models of a (depth, initialization) may be
/// split (`models-per-cell`).
public struct SweepPlan: Sendable {
    public let spec: SweepSpec
    public let cells: [Cell]
    /// Threads per cell given by the spec (`threads`), if any.
    public let threads: Int?
    /// The dataset folder given by the spec (`data-dir`), if any.
    public let dataDirectory: String?
    /// Steps between two lines of a train cell's `log.jsonl` given by the spec (`log-every`), if any.
    public let logEvery: Int?

    /// The most cells a plan materializes unless told otherwise (`sweep --max-cells`): a
    /// million cells already take seconds to expand and validate and ~1 GB to hold.
    public static let defaultMaximumCells = 1_000_000

    /// Expands `spec` into its cells, each validated by the command's settings table (errors
    /// name the setting's place in the spec and the cell). The cells are counted first: a
    /// grid of more than `maximumCells` is refused with
    /// ``ResourceError/count(subject:count:maximum:hint:)`` before any is made.
    public init(spec: SweepSpec, maximumCells: Int = SweepPlan.defaultMaximumCells) throws {
        self.spec = spec
        let count = Self.cellCount(spec)
        if count > maximumCells {
            throw ResourceError.count(subject: "\(spec.source): the grid's cells", count: count, maximum: maximumCells,
                                      hint: "use --max-cells to allow more")
        }
        threads = spec.settings["threads"].flatMap(Int.init)
        dataDirectory = spec.settings["data-dir"]
        logEvery = spec.settings["log-every"].flatMap(Int.init)
        let axes = Self.cellAxes(spec)
        var cells: [Cell] = []
        var seen: [String: Int] = [:]
        var position = [Int](repeating: 0, count: axes.count)
        // Odometer over the axes, the last one fastest.
        repeat {
            var texts = spec.settings
            for (a, axis) in axes.enumerated() { texts[axis.name] = axis.values[position[a]] }
            for cellSpec in try Self.cellSpecs(spec, texts, label: { Self.label(axes, position) }) {
                let cell = Cell(index: cells.count, spec: cellSpec)
                if let other = seen[cell.id] {
                    throw SpecError(source: spec.source, key: "axes", "cells \(other) and \(cells.count) have the same configuration (an axis repeats a value)")
                }
                seen[cell.id] = cells.count
                cells.append(cell)
            }
        } while Self.advance(&position, axes)
        self.cells = cells
    }

    /// The axes cells are made from: the settings with several values (see the type).
    static func cellAxes(_ spec: SweepSpec) -> [SweepSpec.Axis] {
        let implicit = spec.command.settings.filter { setting in
            setting.isList && setting.axis == .cells && !spec.axes.contains { $0.name == setting.name }
        }.map { SweepSpec.Axis(name: $0.name, values: spec.cellValues($0)) }.filter { $0.values.count > 1 }
        return implicit + spec.axes.filter { spec.command.setting($0.name)?.axis == .cells }
    }

    private static func advance(_ position: inout [Int], _ axes: [SweepSpec.Axis]) -> Bool {
        for a in axes.indices.reversed() {
            position[a] += 1
            if position[a] < axes[a].values.count { return true }
            position[a] = 0
        }
        return false
    }

    private static func label(_ axes: [SweepSpec.Axis], _ position: [Int]) -> String {
        zip(axes, position).map { "\($0.name)=\($0.values[$1])" }.joined(separator: " ")
    }

    /// The cells of one point of the grid: its settings (`texts`) applied to the command's
    /// defaults in table order and validated; a simulate point's models split by `models-per-cell`.
    static func cellSpecs(_ spec: SweepSpec, _ texts: [String: String], label: () -> String) throws -> [CellSpec] {
        do {
            switch spec.command {
            case .simulate:
                let simulation = try SimulateRequest.settings.spec(texts).spec
                let samples = simulation.samples, per = spec.modelsPerCell ?? samples
                return stride(from: 0, to: samples, by: per).map { first in
                    .simulate(simulation, models: first..<min(samples, Saturating.sum(first, per)))
                }
            case .train:
                return [.train(try TrainRequest.settings.spec(texts).configuration)]
            }
        } catch let e as SettingError {
            let where_ = label(), key = e.setting.isEmpty ? "" : spec.keyPath(e.setting)
            throw SpecError(source: spec.source, key: key, e.detail + (where_.isEmpty ? "" : " (cell \(where_))"), line: spec.lines[key])
        }
    }

    /// The number of cells `spec` expands to (saturating at `Int.max`), computed from the axes'
    /// lengths without expanding them: the product of the cell axes times, for simulate, the
    /// cells each number of samples splits into.
    public static func cellCount(_ spec: SweepSpec) -> Int {
        var count = 1
        for axis in cellAxes(spec) where !(spec.command == .simulate && axis.name == "samples") {
            count = Saturating.product(count, axis.values.count)
        }
        guard spec.command == .simulate, let samplesSetting = spec.command.setting("samples") else { return count }
        var splits = 0
        for text in spec.cellValues(samplesSetting) {
            guard let samples = Int(text) else { continue }
            splits = Saturating.sum(splits, spec.modelsPerCell.map { Saturating.ceilingDivision(samples, $0) } ?? 1)
        }
        return Saturating.product(count, max(splits, 1))
    }

    /// The cells of a shard.
    public func cells(in shard: Shard) -> [Cell] { cells.filter(shard.contains) }

    /// Names of the axes that vary between cells (for labels and tables); `models` when a
    /// simulate run is split.
    public var axisNames: [String] {
        var names = Self.cellAxes(spec).map(\.name)
        if spec.command == .simulate, cells.contains(where: { $0.spec.models?.lowerBound != 0 }) { names.append("models") }
        return names
    }

    /// A hash of every cell id: two plans with the same fingerprint have the same cells.
    public var fingerprint: String {
        String(SHA256.hex(cells.map(\.id).joined(separator: "\n")).prefix(32))
    }
}
