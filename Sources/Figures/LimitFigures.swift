import Support
import Foundation
import Plots
import ResNets
import SignalPropagation

/// The figures of the two limit experiments: the error against L on log-log axes, with the
/// fitted power law and the theory's.
public enum LimitFigures {
    /// One log-log panel: the measured error at each depth with its 95 % bootstrap band (the
    /// basic interval on the log scale, see `ConvergenceRate.lower`), the
    /// fitted power law (its slope and the claims' interval in the legend) and, where the
    /// theory gives one, the theoretical rate drawn through the data (least squares in log).
    /// `yLabel` replaces the rate's own label on the axis (a short one; the title says the rest).
    public static func convergencePanel(_ rate: ConvergenceRate, title: String, units: String = "units",
                                        color: RGBColor = Palette.color(0), yLabel: String? = nil, note: String? = nil) -> Panel {
        let x = rate.depths.map(Double.init)
        let lo = x.min() ?? 1, hi = x.max() ?? 10
        let line = [lo, hi]
        let level = NumberFormat.fixed(100 * rate.slope.interval.level, decimals: rate.slope.interval.level > 0.99 ? 1 : 0)
        var series = [
            LineSeries(label: "measured, 95% bootstrap band", x: x, y: rate.values, lower: rate.lower, upper: rate.upper,
                       color: color, marker: .circle),
            LineSeries(label: "fit: slope \(NumberFormat.fixed(rate.slope.estimate, decimals: 3))",
                       x: line, y: line.map(rate.fitted), color: RGBColor(0x222222), lineWidth: 1.4, dash: [6, 4]),
        ]
        var notes = (note.map { [$0] } ?? []) + ["\(rate.units) \(units) · fitted slope \(level)% CI [\(NumberFormat.fixed(rate.slope.interval.lower, decimals: 3)), \(NumberFormat.fixed(rate.slope.interval.upper, decimals: 3))]"]
        if rate.theorySlope.isFinite {
            // The theoretical power law through the data: log C = mean(log value − slope·log L).
            let offsets = zip(x, rate.values).filter { $1 > 0 && $1.isFinite }.map { log($1) - rate.theorySlope * log($0) }
            if !offsets.isEmpty {
                let c = exp(offsets.reduce(0, +) / Double(offsets.count))
                series.append(LineSeries(label: "theory: slope \(NumberFormat.fixed(rate.theorySlope, decimals: 3))",
                                         x: line, y: line.map { c * pow($0, rate.theorySlope) }, color: RGBColor(0xd62728),
                                         lineWidth: 1.6, dash: [2, 3]))
                notes.append("theory: \(rate.theoryLabel)")
            }
        }
        return .line(LinePanel(title: title, subtitle: notes.joined(separator: " · "), xAxis: Axis(label: "depth L", scale: .log10),
                               yAxis: .log(yLabel ?? rate.label), series: series, legend: .inside))
    }

    /// The neural SDE limit: strong error and Wasserstein-1 distance in law against L.
    public static func sdeFigure(_ result: SDELimitResult, options: ClaimOptions = ClaimOptions()) -> Figure {
        let s = result.spec
        var figure = Figure(title: "Neural SDE limit (res-1, i.i.d. Gaussian, α = L^{-1/2}, d = \(s.width), L_{fine} = \(s.fineDepth))",
                      columns: 2,
                      panels: [convergencePanel(result.strongRate(options: options), title: "strong error", units: "paths",
                                                color: Palette.color(0), yLabel: "E‖h_L − h_{fine}‖ / ‖h_0‖"),
                               convergencePanel(result.wassersteinRate(options: options), title: "distance in law of ‖h_L‖/‖h_0‖",
                                                units: "paths", color: Palette.color(1), yLabel: "W_1 to the law at L_{fine}",
                                                note: "band: basic bootstrap (corrects the upward bias of W_1 on resamples)")],
                      plotWidth: 360, plotHeight: 260)
        figure.size = FigureSize(width: FigureSize.fullWidth, height: 3.4 * FigureSize.pixelsPerInch)
        return figure
    }

    /// The neural ODE limit: the Euler error against L.
    public static func odeFigure(_ result: ODELimitResult, options: ClaimOptions = ClaimOptions()) -> Figure {
        let s = result.spec
        var figure = Figure(title: "Neural ODE limit (res-3, smooth:\(NumberFormat.text(s.lengthScale)), α = 1/L, d = \(s.width))",
                      columns: 1,
                      panels: [convergencePanel(result.rate(options: options), title: "Euler error against RK4 (\(s.refinement)× finer grid)", units: "models",
                                                color: Palette.color(2), yLabel: "E‖h_L − H(1)‖ / ‖h_0‖")],
                      plotWidth: 440, plotHeight: 260)
        figure.size = FigureSize(width: 4.5 * FigureSize.pixelsPerInch, height: 3.4 * FigureSize.pixelsPerInch)
        return figure
    }
}
