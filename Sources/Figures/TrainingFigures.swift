import Plots
import Training
import Support

/// Figures 8 and 9: trained weights against the layer index, and the accuracy map.
public enum TrainingFigures {
    /// Figure 8: one panel per run (`label`: its setting, e.g. "β = 1, smooth"), V_k[i, j]
    /// against t = k/L after training (and, faintly, at initialization), in a grid of at most
    /// three columns with each legend inside its panel.
    public static func weightPathsFigure(_ paths: [(label: String, path: WeightPath)]) -> Figure {
        let panels: [Panel] = paths.enumerated().map { index, run in
            let (label, path) = run
            let L = path.trained.count
            var series: [PathSeries] = []
            if let initial = path.initial {
                series.append(PathSeries(label: "initialization", values: initial, start: 1 / Double(L), step: 1 / Double(L),
                                         color: RGBColor(0xbbbbbb), lineWidth: 1))
            }
            series.append(PathSeries(label: "after training", values: path.trained, start: 1 / Double(L), step: 1 / Double(L),
                                     color: Palette.color(index), lineWidth: 1.4))
            return .path(PathPanel(title: label, xLabel: "t = k/L", yLabel: "V_k[\(path.i), \(path.j)]", series: series,
                                   legend: .inside))
        }
        let columns = panels.count <= 3 ? max(1, panels.count) : (panels.count <= 4 ? 2 : 3)
        let rows = (panels.count + columns - 1) / columns
        var figure = Figure(title: "Residual weights against depth after training", columns: columns, panels: panels)
        figure.size = FigureSize(width: FigureSize.fullWidth, height: (0.4 + 2.4 * Double(max(1, rows))) * FigureSize.pixelsPerInch)
        return figure
    }

    /// One trained run for figure 9.
    public struct AccuracyPoint: Sendable, Equatable {
        public var beta: Double
        public var hurst: Double
        public var learningRate: Double
        /// Final test accuracy as the reference code records it: for a run that diverged, the
        /// accuracy of its NaN outputs (argmax picks class 0: the share of the test set
        /// labelled 0). A non-finite value counts as 0.
        public var accuracy: Double
        /// Whether the run diverged.
        public var diverged: Bool

        public init(beta: Double, hurst: Double, learningRate: Double, accuracy: Double, diverged: Bool = false) {
            self.beta = beta
            self.hurst = hurst
            self.learningRate = learningRate
            self.accuracy = accuracy
            self.diverged = diverged
        }
    }

    /// The best accuracy over learning rates for every (β, H): `values[b][h]` with β and H
    /// sorted ascending (NaN where no run exists), and whether that best run diverged (on a
    /// tie a run that did not diverge is preferred).
    public static func bestOverLearningRates(_ points: [AccuracyPoint])
        -> (betas: [Double], hursts: [Double], values: [[Double]], diverged: [[Bool]]) {
        // A run without a finite β or H has no cell.
        let points = points.filter { $0.beta.isFinite && $0.hurst.isFinite }
        let betas = Array(Set(points.map(\.beta))).sorted()
        let hursts = Array(Set(points.map(\.hurst))).sorted()
        var values = [[Double]](repeating: [Double](repeating: .nan, count: hursts.count), count: betas.count)
        var diverged = [[Bool]](repeating: [Bool](repeating: false, count: hursts.count), count: betas.count)
        for p in points {
            let b = betas.firstIndex(of: p.beta)!, h = hursts.firstIndex(of: p.hurst)!
            let accuracy = p.accuracy.isFinite ? p.accuracy : 0
            let current = values[b][h]
            if current.isNaN || accuracy > current || (accuracy == current && diverged[b][h] && !p.diverged) {
                values[b][h] = accuracy
                diverged[b][h] = p.diverged
            }
        }
        return (betas, hursts, values, diverged)
    }

    /// Figure 9: the best-over-lr test accuracy over β (upward) × H (rightward), viridis,
    /// vmin 0, vmax 1, each cell annotated, ticks at the cell centres; a cell whose best run
    /// diverged is hatched and counted. `setting` (e.g. "L = 1000, d = 30, 10 epochs") heads
    /// the subtitle. `dataset` is plain text (a `_` in it is no subscript).
    public static func accuracyHeatmapFigure(_ points: [AccuracyPoint], dataset: String, setting: String = "") -> Figure {
        let grid = bestOverLearningRates(points)
        let rates = Array(Set(points.map(\.learningRate))).sorted().map { NumberFormat.text($0) }.joined(separator: ", ")
        let subtitle = (setting.isEmpty ? "" : setting + " · ") + "lr ∈ {\(rates)}"
        var panel = HeatmapPanel(title: "\(MathText.literal(dataset)): test accuracy, best over lr", subtitle: subtitle,
                                 x: grid.hursts, y: grid.betas, values: grid.values, colorMap: .viridis, vmin: 0, vmax: 1,
                                 xLabel: "Hurst index H", yLabel: "β", colorbarLabel: "test accuracy",
                                 nonFinite: .color(RGBColor(0xdddddd)), annotateCells: grid.hursts.count <= 12)
        panel.marked = grid.diverged
        panel.markLabel = "hatched: best run diverged (accuracy of its NaN outputs: class 0 predicted)"
        var figure = Figure(title: "Accuracy after training, fBm initialization", columns: 1, panels: [.heatmap(panel)],
                            plotWidth: 380, plotHeight: 320)
        figure.size = FigureSize(width: 5.5 * FigureSize.pixelsPerInch, height: 4.8 * FigureSize.pixelsPerInch)
        return figure
    }
}
