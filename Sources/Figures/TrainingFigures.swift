import Plots
import Training
import Support

/// Figures 8 and 9: trained weights against the layer index, and the accuracy map.
public enum TrainingFigures {
    /// Figure 8: one panel per run (`label`: its setting, e.g. "β = 1, smooth"), V_k[i, j]
    /// against t = k/L after training (and, faintly, at initialization).
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
            return .path(PathPanel(title: label, xLabel: "t = k/L", yLabel: "V_k[\(path.i), \(path.j)]", series: series))
        }
        return Figure(title: "Residual weights against depth after training", columns: max(1, panels.count), panels: panels)
    }

    /// One trained run for figure 9.
    public struct AccuracyPoint: Sendable, Equatable {
        public var beta: Double
        public var hurst: Double
        public var learningRate: Double
        /// Final test accuracy (a diverged run contributes its last finite accuracy; a
        /// non-finite value counts as 0, the accuracy of a run that learned nothing usable).
        public var accuracy: Double

        public init(beta: Double, hurst: Double, learningRate: Double, accuracy: Double) {
            self.beta = beta
            self.hurst = hurst
            self.learningRate = learningRate
            self.accuracy = accuracy
        }
    }

    /// The best accuracy over learning rates for every (β, H): `values[b][h]` with β and H
    /// sorted ascending; NaN where no run exists.
    public static func bestOverLearningRates(_ points: [AccuracyPoint]) -> (betas: [Double], hursts: [Double], values: [[Double]]) {
        // A run without a finite β or H has no cell.
        let points = points.filter { $0.beta.isFinite && $0.hurst.isFinite }
        let betas = Array(Set(points.map(\.beta))).sorted()
        let hursts = Array(Set(points.map(\.hurst))).sorted()
        var values = [[Double]](repeating: [Double](repeating: .nan, count: hursts.count), count: betas.count)
        for p in points {
            let b = betas.firstIndex(of: p.beta)!, h = hursts.firstIndex(of: p.hurst)!
            let accuracy = p.accuracy.isFinite ? p.accuracy : 0
            values[b][h] = values[b][h].isNaN ? accuracy : max(values[b][h], accuracy)
        }
        return (betas, hursts, values)
    }

    /// Figure 9: the best-over-lr test accuracy over β (upward) × H (rightward), viridis,
    /// vmin 0, vmax 1, each cell annotated.
    public static func accuracyHeatmapFigure(_ points: [AccuracyPoint], dataset: String) -> Figure {
        let grid = bestOverLearningRates(points)
        let rates = Array(Set(points.map(\.learningRate))).sorted().map { NumberFormat.text($0) }.joined(separator: ", ")
        let panel = HeatmapPanel(title: "\(dataset): test accuracy, best over lr", subtitle: "lr ∈ {\(rates)}",
                                 x: grid.hursts, y: grid.betas, values: grid.values, colorMap: .viridis, vmin: 0, vmax: 1,
                                 xLabel: "Hurst index H", yLabel: "β", colorbarLabel: "test accuracy",
                                 nonFinite: .color(RGBColor(0xdddddd)), annotateCells: grid.hursts.count <= 12)
        return Figure(title: "Accuracy after training, fBm initialization", columns: 1, panels: [.heatmap(panel)],
                      plotWidth: 380, plotHeight: 320)
    }
}
