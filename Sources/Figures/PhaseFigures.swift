import Plots
import SignalPropagation
import Support

/// Figure 7: the β × H phase diagram at initialization.
public enum PhaseFigures {
    /// The title of figure 7 drawn with fBm weights.
    public static let defaultTitle = "Phase diagram at initialization: fBm weights, α_L = L^{-β}"
    /// The title of figure 7 drawn with the reference code's sampler (`fbm-reference:<H>`),
    /// whose weights are not fBm: the same grid must not read as figure 7.
    public static let referenceSamplerTitle = "Phase diagram with the reference code's fBm sampler, α_L = L^{-β}"

    /// Two heatmaps (forward: h_diff; gradient: grad_diff, each cell summarized as the
    /// diagram's `cellStatistic` says: by default the mean of log10) with β upward and H
    /// rightward, a diverging colour scale clipped to [−1, 1], +∞ cells (explosion: a probe
    /// overflowed) saturated, cells with a NaN probe (∞ − ∞) dark grey, each kind counted, the measured boundary β*(H) and the reference lines
    /// β = 1/2 and β = H; with `theory`, also the heuristic boundary β = max(H, 1/2).
    public static func heatmapFigure(_ diagram: PhaseDiagram, depth: Int, width: Int, title: String? = nil,
                                     theory: Bool = false) -> Figure {
        let h = diagram.hursts
        let lo = h.min()!, hi = h.max()!
        func panel(_ name: String, _ values: [[Double]], _ hasNaN: [[Bool]], _ boundary: [Double], _ metric: String) -> Panel {
            // A cell with NaN probes is drawn as NaN (its own colour, counted apart from +∞).
            let values = values.enumerated().map { b, row in
                row.enumerated().map { h, v in b < hasNaN.count && h < hasNaN[b].count && hasNaN[b][h] ? Double.nan : v }
            }
            var overlays = [
                HeatmapOverlay(label: "measured β*(H)", x: h, y: boundary, color: RGBColor(0x111111), width: 2.2, marker: .circle),
                HeatmapOverlay(label: "β = 1/2", x: [lo, hi], y: [0.5, 0.5], color: RGBColor(0x2ca02c), width: 1.6, dash: [6, 4]),
                HeatmapOverlay(label: "β = H", x: [lo, hi], y: [lo, hi], color: RGBColor(0x9467bd), width: 1.6, dash: [2, 3]),
            ]
            if theory {
                let corners = ([lo, hi] + (lo < 0.5 && hi > 0.5 ? [0.5] : [])).sorted()
                overlays.append(HeatmapOverlay(label: "β = max(H, 1/2) (heuristic)", x: corners,
                                               y: corners.map(TheoryCurves.heuristicBoundary), color: RGBColor(0xff7f0e), width: 2.4))
            }
            return .heatmap(HeatmapPanel(title: name, subtitle: "L = \(depth), d = \(width)", x: h, y: diagram.betas,
                                         values: values, colorMap: .blueWhiteRed, vmin: -1, vmax: 1,
                                         xLabel: "Hurst index H", yLabel: "β", colorbarLabel: diagram.cellStatistic.label(metric),
                                         overlays: overlays, nonFinite: .distinct(nan: RGBColor(0x404040), positiveInfinity: nil)))
        }
        var figure = Figure(title: title ?? defaultTitle,
                            columns: 2,
                            panels: [panel("forward", diagram.forward, diagram.forwardHasNaN, diagram.forwardBoundary, "‖h_L − h_0‖/‖h_0‖"),
                                     panel("gradient", diagram.gradient, diagram.gradientHasNaN, diagram.gradientBoundary, "‖p_L − p_0‖/‖p_L‖")],
                            plotWidth: 360, plotHeight: 300)
        figure.size = FigureSize(width: FigureSize.fullWidth, height: 4.2 * FigureSize.pixelsPerInch)
        return figure
    }
}

/// Figure 6: sample paths of fractional Brownian motion.
public enum PathFigures {
    /// One panel per H: the paths t ↦ B^H_t on t = k/L, k = 0…L.
    public static func fbmFigure(hursts: [Double], paths: [[[Double]]], length: Int) -> Figure {
        let panels: [Panel] = zip(hursts, paths).map { hurst, group in
            .path(PathPanel(title: "H = \(NumberFormat.text(hurst))", xLabel: "t = k/L", yLabel: "B^H_t",
                            series: group.enumerated().map { i, values in
                                PathSeries(label: group.count > 1 ? "path \(i + 1)" : "", values: values, start: 0,
                                           step: 1 / Double(length))
                            }))
        }
        var figure = Figure(title: "Fractional Brownian motion, L = \(length)", columns: max(1, panels.count), panels: panels)
        figure.size = FigureSize(width: FigureSize.fullWidth, height: 2.6 * FigureSize.pixelsPerInch)
        return figure
    }
}
