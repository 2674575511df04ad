import Plots
import SignalPropagation
import Support

/// The paper's figures 1–3 drawn from a simulation's records.
public enum SimulationFigures {
    /// Figures 1 and 3: the mean relative differences h_diff = ‖h_L − h_0‖/‖h_0‖ (top row)
    /// and grad_diff = ‖p_L − p_0‖/‖p_L‖ (bottom row) against L with their 95% intervals,
    /// one column per β. The y axis is logarithmic when a panel spans more than two decades.
    public static func differencesFigure(_ result: SimulationResult) -> Figure {
        let spec = result.spec
        let groups = result.grouped()
        let metrics: [(String, KeyPath<ProbeMetrics, Double>)] = [
            ("‖h_L − h_0‖ / ‖h_0‖", \.hDiff),
            ("‖p_L − p_0‖ / ‖p_L‖", \.gradDiff),
        ]
        var rows: [[Panel]] = []
        for (rowIndex, (label, path)) in metrics.enumerated() {
            var row: [Panel] = []
            for (b, beta) in spec.betas.enumerated() {
                let x = spec.depths.map(Double.init)
                let several = spec.initializations.count > 1
                let series: [LineSeries] = spec.initializations.enumerated().map { i, initialization in
                    var means: [Double] = [], lower: [Double] = [], upper: [Double] = []
                    for depth in spec.depths {
                        let values = (groups[RecordGroup(depth: depth, initialization: initialization, beta: beta)] ?? [])
                            .map { $0.metrics[keyPath: path] }
                        let ci = Statistics.confidenceInterval95(values)
                        means.append(Statistics.mean(values))
                        lower.append(ci.lower)
                        upper.append(ci.upper)
                    }
                    return LineSeries(label: several ? initialization.description : "mean, 95% interval", x: x, y: means,
                                      lower: lower, upper: upper, color: Palette.color(several ? i : b), marker: .circle)
                }
                var plotted: [Double] = []
                for line in series { plotted += line.y + (line.lower ?? []) + (line.upper ?? []) }
                let positive = plotted.filter { $0.isFinite && $0 > 0 }
                let useLog = (positive.max() ?? 1) / (positive.min() ?? 1) > 100
                let yAxis = useLog ? Axis.log(label) : Axis(label: label)
                let title = rowIndex == 0 ? "β = \(NumberFormat.text(beta)) · forward" : "β = \(NumberFormat.text(beta)) · gradient"
                row.append(.line(LinePanel(title: title, subtitle: "\(spec.samples) models × \(spec.inputsPerModel) inputs",
                                           xAxis: Axis(label: "depth L"), yAxis: yAxis, series: series,
                                           legend: several ? .auto : .hidden)))
            }
            rows.append(row)
        }
        let title = "\(spec.variant.rawValue), \(spec.activation), \(initializationsLabel(spec)), width \(spec.width): relative differences at initialization"
        return Figure(title: title, rows: rows)
    }

    static func initializationsLabel(_ spec: SimulationSpec) -> String {
        if spec.initializations.count == 1 { return spec.initializations[0].description }
        let families = Set(spec.initializations.map(\.family))
        return families.count == 1 ? "\(families.first!) (\(spec.initializations.count) settings)" : "\(spec.initializations.count) initializations"
    }

    /// Figure 2: histograms of h_ratio = ‖h_L‖/‖h_0‖ and grad_ratio = ‖p_0‖/‖p_L‖ over models
    /// and inputs, at the largest depth, one row per β. Bins are equal in log10.
    public static func histogramFigure(_ result: SimulationResult) -> Figure {
        let spec = result.spec
        let groups = result.grouped()
        let depth = spec.depths.max()!
        var rows: [[Panel]] = []
        for initialization in spec.initializations {
          for (b, beta) in spec.betas.enumerated() {
            let records = groups[RecordGroup(depth: depth, initialization: initialization, beta: beta)] ?? []
            let panels: [(String, [Double])] = [
                ("‖h_L‖ / ‖h_0‖", records.map(\.metrics.hRatio)),
                ("‖p_0‖ / ‖p_L‖", records.map(\.metrics.gradRatio)),
            ]
            rows.append(panels.map { label, samples in
                .histogram(HistogramPanel(title: "\(label) · L = \(depth), β = \(NumberFormat.text(beta))",
                                          subtitle: spec.initializations.count > 1 ? initialization.description : nil,
                                          samples: samples, logX: true, xLabel: label, color: Palette.color(b)))
            })
          }
        }
        let title = "\(spec.variant.rawValue), \(spec.activation), \(initializationsLabel(spec)), width \(spec.width): norm ratios at initialization"
        return Figure(title: title, rows: rows)
    }
}
