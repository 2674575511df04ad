import Plots
import ResNets
import SignalPropagation

/// The paper's figures 1–3 drawn from a simulation's records.
public enum SimulationFigures {
    /// Figures 1 and 3: the mean relative differences h_diff = ‖h_L − h_0‖/‖h_0‖ (top row)
    /// and grad_diff = ‖p_L − p_0‖/‖p_L‖ (bottom row) against L with their 95% intervals,
    /// one column per β. The y axis is logarithmic when a panel spans more than two decades.
    public static func differencesFigure(_ result: SimulationResult) -> Figure {
        let spec = result.spec
        let metrics: [(String, KeyPath<ProbeMetrics, Double>)] = [
            ("‖h_L − h_0‖ / ‖h_0‖", \.hDiff),
            ("‖p_L − p_0‖ / ‖p_L‖", \.gradDiff),
        ]
        var rows: [[Panel]] = []
        for (rowIndex, (label, path)) in metrics.enumerated() {
            var row: [Panel] = []
            for (b, beta) in spec.betas.enumerated() {
                var means: [Double] = [], lower: [Double] = [], upper: [Double] = []
                for depth in spec.depths {
                    let values = result.records(depth: depth, beta: beta).map { $0.metrics[keyPath: path] }
                    let ci = Statistics.confidenceInterval95(values)
                    means.append(Statistics.mean(values))
                    lower.append(ci.lower)
                    upper.append(ci.upper)
                }
                let x = spec.depths.map(Double.init)
                let series = LineSeries(label: "mean, 95% interval", x: x, y: means, lower: lower, upper: upper,
                                        color: Palette.color(b), marker: .circle)
                let positive = (lower + means + upper).filter { $0.isFinite && $0 > 0 }
                let useLog = (positive.max() ?? 1) / (positive.min() ?? 1) > 100
                let yAxis = useLog ? Axis.log(label) : Axis(label: label)
                let title = rowIndex == 0 ? "β = \(formatCompact(beta)) · forward" : "β = \(formatCompact(beta)) · gradient"
                row.append(.line(LinePanel(title: title, subtitle: "\(spec.samples) models × \(spec.inputsPerModel) inputs",
                                           xAxis: Axis(label: "depth L"), yAxis: yAxis, series: [series], legend: .hidden)))
            }
            rows.append(row)
        }
        let title = "\(spec.variant.rawValue), \(spec.activation), \(spec.initialization), width \(spec.width): relative differences at initialization"
        return Figure(title: title, rows: rows)
    }

    /// Figure 2: histograms of h_ratio = ‖h_L‖/‖h_0‖ and grad_ratio = ‖p_0‖/‖p_L‖ over models
    /// and inputs, at the largest depth, one row per β. Bins are equal in log10.
    public static func histogramFigure(_ result: SimulationResult) -> Figure {
        let spec = result.spec
        let depth = spec.depths.max()!
        var rows: [[Panel]] = []
        for (b, beta) in spec.betas.enumerated() {
            let records = result.records(depth: depth, beta: beta)
            let panels: [(String, [Double])] = [
                ("‖h_L‖ / ‖h_0‖", records.map(\.metrics.hRatio)),
                ("‖p_0‖ / ‖p_L‖", records.map(\.metrics.gradRatio)),
            ]
            rows.append(panels.map { label, samples in
                .histogram(HistogramPanel(title: "\(label) · L = \(depth), β = \(formatCompact(beta))", samples: samples,
                                          logX: true, xLabel: label, color: Palette.color(b)))
            })
        }
        let title = "\(spec.variant.rawValue), \(spec.activation), \(spec.initialization), width \(spec.width): norm ratios at initialization"
        return Figure(title: title, rows: rows)
    }
}
