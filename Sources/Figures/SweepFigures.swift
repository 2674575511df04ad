import Foundation
import Plots
import ResNets
import SignalPropagation
import Training

/// The figures a sweep's table can be drawn as.
public enum SweepFigureKind: String, CaseIterable, Sendable {
    /// Chosen from the table: accuracy (train with hurst and lr), weights (train with
    /// weight paths), phase (simulate with several H), histograms (simulate at one depth),
    /// curves (simulate over depths).
    case auto
    /// Figure 9: best-over-lr test accuracy over β × H (viridis, 0…1).
    case accuracy
    /// Figure 8: V_k[i, j] against k after training.
    case weights
    /// Figure 7: the β × H phase diagram (log10 mean relative differences).
    case phase
    /// Figures 1, 3, 4, 5: relative differences against depth, per β.
    case curves
    /// Figure 2: histograms of the norm ratios.
    case histograms

    public static let accepted = allCases.map(\.rawValue).joined(separator: ", ")
}

public enum SweepFigures {
    /// Draws a figure from a collected table (`header`, `rows`); `weightPaths` come from the
    /// records (figure 8). With `theory`, the curves of the theory where a formula applies
    /// (see `SimulationFigures`, `PhaseFigures`). Returns the figure and the kind drawn.
    public static func figure(header: [String], rows: [[String]], weightPaths: [(settings: [String: String], path: WeightPath)] = [],
                              kind requested: SweepFigureKind = .auto, theory: Bool = false) throws -> (Figure, SweepFigureKind) {
        let table = Table(header: header, rows: rows)
        let isTrain = header.contains("test_accuracy")
        guard !rows.isEmpty else { throw PlotError("the table has no rows (no finished cells)") }
        let kind = requested == .auto ? try automaticKind(table, isTrain: isTrain, hasWeightPaths: !weightPaths.isEmpty) : requested
        switch kind {
        case .auto: fatalError("resolved above")
        case .accuracy:
            guard isTrain else { throw PlotError("figure 'accuracy' needs a train table (test_accuracy column)") }
            for name in ["beta", "hurst", "lr"] where !header.contains(name) { throw PlotError("figure 'accuracy' needs a \(name) column") }
            var points: [TrainingFigures.AccuracyPoint] = []
            for i in rows.indices {
                guard let beta = Double(table.value(i, "beta")), let hurst = Double(table.value(i, "hurst")),
                      let lr = Double(table.value(i, "lr")) else {
                    throw PlotError("row \(i + 2): figure 'accuracy' needs numeric beta, hurst and lr (fbm cells)")
                }
                points.append(TrainingFigures.AccuracyPoint(beta: beta, hurst: hurst, learningRate: lr,
                                                            accuracy: Double(table.value(i, "test_accuracy")) ?? .nan,
                                                            diverged: table.value(i, "diverged") == "1"))
            }
            let datasets = Set(table.column("dataset"))
            let name = datasets.count == 1 ? datasets.first! : datasets.sorted().joined(separator: "+")  // plain text
            return (TrainingFigures.accuracyHeatmapFigure(points, dataset: name, setting: trainingSetting(table)), kind)
        case .weights:
            guard !weightPaths.isEmpty else {
                throw PlotError("figure 'weights' needs train cells with weight-entry, drawn from the results folder (plot DIR)")
            }
            let paths = weightPaths.map { entry -> (label: String, path: WeightPath) in
                let c = entry.settings
                let initialization = c["init"] == "fbm" ? "fbm H = \(c["hurst"] ?? "?")" : (c["init"] ?? "")
                return ("β = \(c["beta"] ?? "?"), \(initialization)", entry.path)
            }
            return (TrainingFigures.weightPathsFigure(paths), kind)
        case .phase, .curves, .histograms:
            guard !isTrain else { throw PlotError("figure '\(kind.rawValue)' needs a simulate table") }
            let result = try simulationResult(table)
            switch kind {
            case .phase:
                let diagram = try PhaseDiagram(result)
                let referenceSampler = result.spec.initializations.allSatisfy { if case .fbmReference = $0 { true } else { false } }
                return (PhaseFigures.heatmapFigure(diagram, depth: result.spec.depths.max()!, width: result.spec.width,
                                                   title: referenceSampler ? PhaseFigures.referenceSamplerTitle : nil, theory: theory), kind)
            case .histograms: return (SimulationFigures.histogramFigure(result, theory: theory), kind)
            default: return (SimulationFigures.differencesFigure(result, theory: theory), kind)
            }
        }
    }

    /// "L = 1000, d = 30, 10 epochs" from the table's depth, width and epochs columns (each
    /// value, or the values joined by "/" when the runs differ); empty when none is there.
    static func trainingSetting(_ table: Table) -> String {
        func values(_ name: String) -> String? {
            guard table.header.contains(name) else { return nil }
            var seen: [String] = []
            for v in table.column(name) where !seen.contains(v) { seen.append(v) }
            // Read from the table as written: no markup (see `MathText.literal`).
            return seen.isEmpty ? nil : MathText.literal(seen.joined(separator: "/"))
        }
        var parts: [String] = []
        if let depth = values("depth") { parts.append("L = \(depth)") }
        if let width = values("width") { parts.append("d = \(width)") }
        if let epochs = values("epochs") { parts.append("\(epochs) epoch\(epochs == "1" ? "" : "s")") }
        return parts.joined(separator: ", ")
    }

    /// The figure whose needs the table meets: train tables draw figure 8 with weight paths,
    /// else figure 9 when every row is an fBm cell (numeric beta, hurst, lr), else nothing
    /// (an error saying so); simulate tables draw figure 7 when every row is an fBm cell and
    /// there are several H, else figure 2 at a single depth, else the curves over depth.
    static func automaticKind(_ table: Table, isTrain: Bool, hasWeightPaths: Bool) throws -> SweepFigureKind {
        // Figure 9 reads H from the hurst column; a simulate table may also have it in the init
        // itself (`fbm-reference:0.3`, `fbm:0.3`), as `simulationResult` reads it.
        let hursts = table.rows.indices.map { i -> Double? in
            Double(table.value(i, "hurst")) ?? (isTrain ? nil : (try? Initialization(parsing: table.value(i, "init")))?.hurst)
        }
        let everyRowHasHurst = hursts.allSatisfy { $0 != nil }
        if isTrain {
            if hasWeightPaths { return .weights }
            let numeric = ["beta", "lr"].allSatisfy { table.header.contains($0) && table.column($0).allSatisfy { Double($0) != nil } }
            guard numeric && everyRowHasHurst else {
                throw PlotError("no figure fits this train table: figure 9 (accuracy) needs fbm cells (numeric beta, hurst and lr " +
                                "in every row) and figure 8 (weights) needs cells with weight-entry, drawn from the results folder")
            }
            return .accuracy
        }
        if everyRowHasHurst && Set(hursts.compactMap { $0 }).count > 1 { return .phase }
        return Set(table.column("depth")).count == 1 ? .histograms : .curves
    }

    /// The columns a simulate table (collect's) must have to be drawn.
    static let simulateColumns = ["model", "activation", "init", "hurst", "width", "input_dim", "output_dim", "seed", "depth",
                                  "beta", "model_index", "input_index", "h_ratio", "h_diff", "grad_ratio", "grad_diff"]

    /// Rebuilds a simulation result from a simulate table (the axes in order of appearance,
    /// depths sorted).
    public static func simulationResult(header: [String], rows: [[String]]) throws -> SimulationResult {
        try simulationResult(Table(header: header, rows: rows))
    }

    static func simulationResult(_ table: Table) throws -> SimulationResult {
        for name in simulateColumns where !table.header.contains(name) {
            throw PlotError("not a simulate table: no \(name) column")
        }
        var spec = SimulationSpec()
        let first = 0
        spec.variant = try ResidualVariant(parsing: table.value(first, "model"))
        spec.activation = try Activation(parsing: table.value(first, "activation"))
        spec.width = Int(table.value(first, "width")) ?? spec.width
        spec.inputDimension = Int(table.value(first, "input_dim")) ?? spec.inputDimension
        spec.outputDimension = Int(table.value(first, "output_dim")) ?? spec.outputDimension
        spec.seed = UInt64(table.value(first, "seed")) ?? 0
        var initializations: [Initialization] = []
        var betas: [Double] = []
        var depths = Set<Int>()
        var records: [ProbeRecord] = []
        var samples = 0, inputs = 0
        for i in table.rows.indices {
            func number(_ name: String) throws -> Double {
                let text = table.value(i, name)
                switch text {
                case "inf": return .infinity
                case "-inf": return -.infinity
                case "nan": return .nan
                default:
                    guard let v = Double(text) else { throw PlotError("row \(i + 2): \(name) '\(text)' is not a number") }
                    return v
                }
            }
            // As the settings write it: `fbm` with its H in `hurst`, others whole (`smooth:0.1`);
            // a `bandwidth` column (simulate's CSV) holds the parameter apart.
            let name = table.value(i, "init"), hurst = table.value(i, "hurst"), bandwidth = table.value(i, "bandwidth")
            let parameter = !hurst.isEmpty ? hurst : (name.contains(":") ? "" : bandwidth)
            let initialization = try Initialization(parsing: parameter.isEmpty ? name : "\(name):\(parameter)")
            if !initializations.contains(initialization) { initializations.append(initialization) }
            let beta = try number("beta")
            if !betas.contains(beta) { betas.append(beta) }
            // Indices below the row count (a table holds every model and input it names), depths
            // positive: anything else is refused, not converted (Int(1e308) would trap).
            func integer(_ name: String, _ range: ClosedRange<Int>) throws -> Int {
                let v = try number(name)
                guard let n = Int(exactly: v), range.contains(n) else {
                    throw PlotError("row \(i + 2): \(name) \(table.value(i, name)) is not an integer from \(range.lowerBound) to \(range.upperBound)")
                }
                return n
            }
            let depth = try integer("depth", 1...Int(Int32.max))
            depths.insert(depth)
            let model = try integer("model_index", 0...(table.rows.count - 1))
            let input = try integer("input_index", 0...(table.rows.count - 1))
            samples = max(samples, model + 1)
            inputs = max(inputs, input + 1)
            records.append(ProbeRecord(depth: depth, initialization: initialization, beta: beta, modelIndex: model, inputIndex: input,
                                       metrics: ProbeMetrics(hRatio: try number("h_ratio"), hDiff: try number("h_diff"),
                                                             gradRatio: try number("grad_ratio"), gradDiff: try number("grad_diff"))))
        }
        spec.initializations = initializations
        spec.betas = betas
        spec.depths = depths.sorted()
        spec.samples = samples
        spec.inputsPerModel = inputs
        return SimulationResult(spec: spec, records: records)
    }

    struct Table {
        var header: [String]
        var rows: [[String]]
        var index: [String: Int]

        init(header: [String], rows: [[String]]) {
            self.header = header
            self.rows = rows
            index = Dictionary(header.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        }

        func value(_ row: Int, _ name: String) -> String {
            guard let c = index[name], c < rows[row].count else { return "" }
            return rows[row][c]
        }

        func column(_ name: String) -> [String] { rows.indices.map { value($0, name) } }
    }
}

public struct PlotError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ message: String) { description = message }
}
