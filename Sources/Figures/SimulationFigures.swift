import Foundation
import Plots
import SignalPropagation
import Support

/// The paper's figures 1–3 drawn from a simulation's records.
public enum SimulationFigures {
    /// Figures 1 and 3: the mean relative differences h_diff = ‖h_L − h_0‖/‖h_0‖ (top row)
    /// and grad_diff = ‖p_L − p_0‖/‖p_L‖ (bottom row) against L with the 95 % bootstrap
    /// percentile interval of the mean (models resampled, each with its inputs; seed
    /// `spec.seed`), one column per β. A percentile interval of a mean lies between the
    /// smallest and largest value, so it never dips below zero on a log axis. The y axis is logarithmic when a panel spans more than two decades.
    ///
    /// With `theory` (one initialization only), where a formula applies: the exact
    /// √E[h_diff²] against L (i.i.d. weights, forward row, β ≥ 1/2; ∝ L^{-1/2} at β = 1), the
    /// neural-SDE limit of √E[h_diff²] at β = 1/2 as a horizontal line, and elsewhere in the
    /// identity regime a power-law guide (L^{1/2 − β} for i.i.d., L^{1 − β} for smooth
    /// weights) through the mean at the largest depth. The curves are root mean squares; the
    /// markers are means, a little lower (Jensen).
    public static func differencesFigure(_ result: SimulationResult, theory: Bool = false) -> Figure {
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
                let measured: [LineSeries] = spec.initializations.enumerated().map { i, initialization in
                    var means: [Double] = [], lower: [Double] = [], upper: [Double] = []
                    for depth in spec.depths {
                        let records = groups[RecordGroup(depth: depth, initialization: initialization, beta: beta)] ?? []
                        let band = meanBand(records, path, seed: spec.seed)
                        means.append(band.mean)
                        lower.append(band.lower)
                        upper.append(band.upper)
                    }
                    return LineSeries(label: several ? initialization.description : "mean, 95% bootstrap interval", x: x, y: means,
                                      lower: lower, upper: upper, color: Palette.color(several ? i : b), marker: .circle)
                }
                var overlays: [LineSeries] = []
                var lines: [ReferenceLine] = []
                var key = ""
                if theory && !several {
                    (overlays, lines, key) = theoryOverlays(spec, groups: groups, beta: beta, forward: rowIndex == 0, path: path)
                }
                let series = measured + overlays
                var plotted: [Double] = []
                for line in series { plotted += line.y + (line.lower ?? []) + (line.upper ?? []) }
                let positive = plotted.filter { $0.isFinite && $0 > 0 }
                let useLog = (positive.max() ?? 1) / (positive.min() ?? 1) > 100
                let yAxis = useLog ? Axis.log(label) : Axis(label: label)
                let title = rowIndex == 0 ? "β = \(NumberFormat.text(beta)) · forward" : "β = \(NumberFormat.text(beta)) · gradient"
                // The theory curves are named in the subtitle: a legend box would cover the data.
                let subtitle = "\(spec.samples) model\(spec.samples == 1 ? "" : "s") × \(spec.inputsPerModel) input\(spec.inputsPerModel == 1 ? "" : "s")" + (key.isEmpty ? "" : " · \(key)")
                row.append(.line(LinePanel(title: title, subtitle: subtitle, xAxis: Axis(label: "depth L"), yAxis: yAxis,
                                           series: series, legend: several ? .auto : .hidden, horizontalLines: lines)))
            }
            rows.append(row)
        }
        let title = "\(spec.variant.rawValue), \(spec.activation), \(initializationsLabel(spec)), width \(spec.width): relative differences at initialization"
        var figure = Figure(title: title, rows: rows)
        figure.size = FigureSize(width: FigureSize.fullWidth, height: 2.5 * FigureSize.pixelsPerInch * Double(rows.count))
        return figure
    }

    /// The mean of one metric over a group's records and the 95 % bootstrap percentile
    /// interval of that mean, resampling models (a model's inputs share its weights, so the
    /// model is the independent unit).
    static func meanBand(_ records: [ProbeRecord], _ path: KeyPath<ProbeMetrics, Double>, seed: UInt64)
        -> (mean: Double, lower: Double, upper: Double) {
        var byModel: [Int: [Double]] = [:]
        for r in records { byModel[r.modelIndex, default: []].append(r.metrics[keyPath: path]) }
        let units = byModel.keys.sorted().map { byModel[$0]! }
        let mean = Statistics.mean(units.flatMap { $0 })
        guard units.count > 1, mean.isFinite else { return (mean, mean, mean) }
        let estimate = Bootstrap.percentile(units, level: 0.95, seed: seed) { Statistics.mean($0.flatMap { $0 }) }
        return (mean, estimate.interval.lower, estimate.interval.upper)
    }

    /// The theory curves of one panel (see `differencesFigure`) and the key naming them.
    static func theoryOverlays(_ spec: SimulationSpec, groups: [RecordGroup: [ProbeRecord]], beta: Double, forward: Bool,
                               path: KeyPath<ProbeMetrics, Double>) -> ([LineSeries], [ReferenceLine], String) {
        let initialization = spec.initializations[0]
        let depths = spec.depths.sorted()
        guard let lo = depths.first, let hi = depths.last else { return ([], [], "") }
        let dense = (0...60).map { Int((Double(lo) * pow(Double(hi) / Double(lo), Double($0) / 60)).rounded()) }
        let theoryColor = RGBColor(0x222222)
        var series: [LineSeries] = [], lines: [ReferenceLine] = [], key: [String] = []
        if forward, beta >= 0.5,
           TheoryCurves.rmsRelativeDifference(spec, initialization: initialization, depth: lo, beta: beta) != nil {
            let rms = dense.map { TheoryCurves.rmsRelativeDifference(spec, initialization: initialization, depth: $0, beta: beta)! }
            let label = beta == 1 ? "√E[h_diff²], exact (∝ L^{-1/2})" : "√E[h_diff²], exact"
            series.append(LineSeries(label: label, x: dense.map(Double.init), y: rms, color: theoryColor, lineWidth: 1.6, dash: [6, 4]))
            key.append(beta == 1 ? "dashed: exact √E[h²] ∝ L^{-1/2}" : "dashed: exact √E[h²]")
            if beta == 0.5, let limit = TheoryCurves.sdeLimitRMS(spec, initialization: initialization) {
                lines.append(ReferenceLine(value: limit, label: "SDE limit √E[h_diff²] = \(NumberFormat.compact(limit))",
                                           color: RGBColor(0xd62728), dash: [2, 3], width: 1.6))
                key.append("dotted: SDE limit \(NumberFormat.fixed(limit, decimals: 3))")
            }
        } else if let exponent = TheoryCurves.identityExponent(initialization, beta: beta) {
            let values = (groups[RecordGroup(depth: hi, initialization: initialization, beta: beta)] ?? []).map { $0.metrics[keyPath: path] }
            let anchor = Statistics.mean(values)
            if anchor.isFinite && anchor > 0 {
                series.append(LineSeries(label: "∝ L^{\(NumberFormat.text(exponent))} (guide)", x: dense.map(Double.init),
                                         y: dense.map { anchor * pow(Double($0) / Double(hi), exponent) },
                                         color: theoryColor, lineWidth: 1.4, dash: [6, 4]))
                key.append("dashed: ∝ L^{\(NumberFormat.text(exponent))}")
            }
        }
        return (series, lines, key.joined(separator: ", "))
    }

    static func initializationsLabel(_ spec: SimulationSpec) -> String {
        if spec.initializations.count == 1 { return spec.initializations[0].description }
        let families = Set(spec.initializations.map(\.family))
        return families.count == 1 ? "\(families.first!) (\(spec.initializations.count) settings)" : "\(spec.initializations.count) initializations"
    }

    /// Figure 2: histograms of h_ratio = ‖h_L‖/‖h_0‖ and grad_ratio = ‖p_0‖/‖p_L‖ over models
    /// and inputs, at the largest depth, one row per β. Bins are equal in log10.
    ///
    /// With `theory`, the log-normal density of ‖h_L‖/‖h_0‖ (PAPER.md §5:
    /// log‖h_L‖/‖h_0‖ ~ N(λ(1/2 − 1/d)/2, 2λ/d/4) for res-3 ReLU, λ = Lα²) is drawn over the
    /// h_ratio histogram where it applies (i.i.d. weights, res-3 ReLU or a linear model).
    public static func histogramFigure(_ result: SimulationResult, theory: Bool = false) -> Figure {
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
            rows.append(panels.enumerated().map { index, panel in
                let (label, samples) = panel
                var curves: [HistogramCurve] = []
                if theory && index == 0 {
                    let positive = samples.filter { $0.isFinite && $0 > 0 }
                    if let lo = positive.min(), let hi = positive.max(), lo < hi {
                        let x = (0...200).map { pow(10, log10(lo) + (log10(hi) - log10(lo)) * Double($0) / 200) }
                        if let density = TheoryCurves.normRatioDensityPerDecade(spec, initialization: initialization, depth: depth,
                                                                                beta: beta, at: x) {
                            // Named in the subtitle: a legend box would cover the bars.
                            curves.append(HistogramCurve(label: "", x: x, density: density))
                        }
                    }
                }
                var notes: [String] = []
                if spec.initializations.count > 1 { notes.append(initialization.description) }
                if !curves.isEmpty { notes.append("curve: log-normal law (theory)") }
                return .histogram(HistogramPanel(title: "\(label) · L = \(depth), β = \(NumberFormat.text(beta))",
                                                 subtitle: notes.isEmpty ? nil : notes.joined(separator: " · "),
                                                 samples: samples, logX: true, xLabel: label, color: Palette.color(b),
                                                 curves: curves))
            })
          }
        }
        let title = "\(spec.variant.rawValue), \(spec.activation), \(initializationsLabel(spec)), width \(spec.width): norm ratios at initialization"
        var figure = Figure(title: title, rows: rows)
        figure.size = FigureSize(width: FigureSize.fullWidth, height: (0.6 + 2.5 * Double(rows.count)) * FigureSize.pixelsPerInch)
        return figure
    }
}
