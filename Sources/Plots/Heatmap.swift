import Foundation
import Support

/// A curve drawn over a heatmap in data coordinates (e.g. a measured boundary β*(H), or the
/// reference lines β = 1/2 and β = H). Non-finite points break the curve.
public struct HeatmapOverlay: Sendable {
    /// Legend label (empty = not in the legend).
    public var label: String
    /// x coordinates (data units).
    public var x: [Double]
    /// y coordinates (data units).
    public var y: [Double]
    /// Line colour.
    public var color: RGBColor
    /// Line width in px.
    public var width: Double
    /// Dash pattern in px; empty = solid.
    public var dash: [Double]
    /// Marker at each point, or nil.
    public var marker: MarkerShape?

    /// Creates an overlay curve.
    public init(label: String = "", x: [Double], y: [Double], color: RGBColor = .black, width: Double = 2,
                dash: [Double] = [], marker: MarkerShape? = nil) {
        self.label = label
        self.x = x
        self.y = y
        self.color = color
        self.width = width
        self.dash = dash
        self.marker = marker
    }
}

/// How heatmap cells with non-finite values are coloured.
public enum NonFiniteStyle: Hashable, Sendable {
    /// +∞ and NaN take the top colour of the map (saturated), −∞ the bottom colour.
    case saturate
    /// Every non-finite cell takes this colour (an "explosion" colour).
    case color(RGBColor)
    /// NaN cells take `nan`; +∞ cells take `positiveInfinity`, or the top colour of the map
    /// when nil (saturated); −∞ cells the bottom colour. Each kind is counted in the legend.
    case distinct(nan: RGBColor, positiveInfinity: RGBColor?)
}

/// A heatmap of `values[row][col]`: columns are placed at `x[col]` (rightward), rows at
/// `y[row]` (upward). Values are coloured through a colour map clipped to [vmin, vmax]; a
/// colour bar with ticks is drawn to the right; non-finite cells are coloured per
/// `nonFinite` and counted in the legend under the plot, next to the overlay curves.
///
/// ```swift
/// let fwd = HeatmapPanel(title: "forward", x: betas, y: hursts, values: log10Diff,
///                        colorMap: .blueWhiteRed, vmin: -1, vmax: 1,
///                        xLabel: "β", yLabel: "H", colorbarLabel: "log10 rel. diff.",
///                        overlays: [HeatmapOverlay(label: "β = 1/2", x: [0.5, 0.5], y: [0, 1], dash: [5, 3]),
///                                   HeatmapOverlay(label: "β = H", x: [0, 1], y: [0, 1], dash: [2, 2])])
/// let svg = Figure(columns: 2, panels: [.heatmap(fwd), .heatmap(grad)]).svg()
/// ```
public struct HeatmapPanel: Sendable {
    /// Panel title.
    public var title: String
    /// Line under the title (nil for none).
    public var subtitle: String?
    /// Column coordinates (one per column), increasing.
    public var x: [Double]
    /// Row coordinates (one per row), increasing upward.
    public var y: [Double]
    /// `values[row][col]`; missing entries of ragged rows are drawn light grey and counted.
    public var values: [[Double]]
    /// Colour map; values are clipped to [vmin, vmax] before lookup.
    public var colorMap: ColorMap
    /// Bottom of the colour scale (nil = minimum finite value).
    public var vmin: Double?
    /// Top of the colour scale (nil = maximum finite value).
    public var vmax: Double?
    /// x-axis label.
    public var xLabel: String
    /// y-axis label.
    public var yLabel: String
    /// Label beside the colour bar.
    public var colorbarLabel: String
    /// Curves drawn over the cells, listed in the legend.
    public var overlays: [HeatmapOverlay]
    /// Colour of NaN/±∞ cells.
    public var nonFinite: NonFiniteStyle
    /// Write each cell's value in it (when cells are large enough).
    public var annotateCells: Bool
    /// Cells to hatch (`marked[row][col]`), e.g. those whose best run diverged; nil for none.
    public var marked: [[Bool]]?
    /// What a hatched cell means, for the legend ("diverged" → "3 diverged").
    public var markLabel: String

    /// Creates a heatmap panel.
    public init(title: String = "", subtitle: String? = nil, x: [Double], y: [Double], values: [[Double]],
                colorMap: ColorMap = .blueWhiteRed, vmin: Double? = nil, vmax: Double? = nil, xLabel: String = "",
                yLabel: String = "", colorbarLabel: String = "", overlays: [HeatmapOverlay] = [],
                nonFinite: NonFiniteStyle = .saturate, annotateCells: Bool = false) {
        self.title = title
        self.subtitle = subtitle
        self.x = x
        self.y = y
        self.values = values
        self.colorMap = colorMap
        self.vmin = vmin
        self.vmax = vmax
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.colorbarLabel = colorbarLabel
        self.overlays = overlays
        self.nonFinite = nonFinite
        self.annotateCells = annotateCells
        self.marked = nil
        self.markLabel = "marked"
    }

    /// Renders this panel alone as an SVG document.
    public func svg(plotWidth: Double = 360, plotHeight: Double = 280, style: FigureStyle = FigureStyle()) -> String {
        Figure(panels: [.heatmap(self)], plotWidth: plotWidth, plotHeight: plotHeight, style: style).svg()
    }

    /// Number of cells (within the x × y grid) whose value is NaN or ±∞.
    public var nonFiniteCount: Int {
        var n = 0
        for r in 0..<y.count where r < values.count {
            for c in 0..<min(x.count, values[r].count) where !values[r][c].isFinite { n += 1 }
        }
        return n
    }

    /// Numbers of NaN, +∞ and −∞ cells (within the x × y grid).
    public var nonFiniteCounts: (nan: Int, positiveInfinity: Int, negativeInfinity: Int) {
        var c = (nan: 0, positiveInfinity: 0, negativeInfinity: 0)
        for r in 0..<y.count where r < values.count {
            for v in values[r].prefix(x.count) where !v.isFinite {
                if v.isNaN { c.nan += 1 } else if v > 0 { c.positiveInfinity += 1 } else { c.negativeInfinity += 1 }
            }
        }
        return c
    }

    /// Number of hatched cells (within the x × y grid).
    public var markedCount: Int {
        guard let marked else { return 0 }
        var n = 0
        for r in 0..<min(y.count, marked.count) { n += marked[r].prefix(x.count).filter { $0 }.count }
        return n
    }

    /// Number of grid cells with no value (ragged or short `values`).
    public var missingCount: Int {
        var n = 0
        for r in 0..<y.count { n += max(0, x.count - (r < values.count ? min(values[r].count, x.count) : 0)) }
        return n
    }

    /// The colour range actually used: [vmin, vmax] with defaults from the finite values.
    public var colorRange: (vmin: Double, vmax: Double) {
        var lo = Double.infinity, hi = -Double.infinity
        for row in values { for v in row where v.isFinite { lo = min(lo, v); hi = max(hi, v) } }
        if !lo.isFinite { lo = 0; hi = 1 }
        var a = (vmin?.isFinite == true) ? vmin! : lo
        var b = (vmax?.isFinite == true) ? vmax! : hi
        if a > b { swap(&a, &b) }
        if a == b { a -= 0.5; b += 0.5 }
        return (a, b)
    }

    /// The fill colour of one value under this panel's map, range and non-finite style.
    public func cellColor(_ v: Double) -> RGBColor {
        let (a, b) = colorRange
        if !v.isFinite {
            switch nonFinite {
            case .color(let c): return c
            case .distinct(let nan, let positive):
                if v.isNaN { return nan }
                if v > 0, let positive { return positive }
            case .saturate: break
            }
        }
        return colorMap.color(for: v, vmin: a, vmax: b)
    }

    /// Cell edges from centres: midpoints, extrapolated by half a spacing at both ends.
    static func edges(_ centers: [Double]) -> [Double] {
        let c = centers.map { $0.isFinite ? $0 : 0 }
        if c.isEmpty { return [0, 1] }
        if c.count == 1 { return [c[0] - 0.5, c[0] + 0.5] }
        var e = [c[0] - (c[1] - c[0]) / 2]
        for i in 1..<c.count { e.append((c[i - 1] + c[i]) / 2) }
        e.append(c[c.count - 1] + (c[c.count - 1] - c[c.count - 2]) / 2)
        return e
    }

    /// An axis with ticks at the cell centres (labels with the fewest significant digits
    /// that tell neighbours apart), or nice ticks when there are more than 15 cells.
    static func centredAxis(_ label: String, _ centres: [Double]) -> Axis {
        var axis = Axis(label: label, grid: false)
        guard centres.count <= 15, centres.allSatisfy(\.isFinite) else { return axis }
        var labels: [String] = []
        for digits in 1...6 {
            labels = centres.map { NumberFormat.compact($0, significantDigits: digits) }
            if Set(labels).count == centres.count { break }
        }
        axis.ticks = centres
        axis.tickLabels = labels
        return axis
    }

    var legendEntries: [LegendEntry] {
        var out: [LegendEntry] = []
        for o in overlays where !o.label.isEmpty {
            out.append(LegendEntry(label: o.label, swatch: .line(color: o.color.hex, width: o.width, dash: dashString(o.dash),
                                                                 marker: o.marker, band: false, bandOpacity: 0)))
        }
        // Each kind of non-finite cell is counted on its own, with the colour it is drawn in.
        let counts = nonFiniteCounts
        for (n, name, value) in [(counts.nan, "NaN", Double.nan), (counts.positiveInfinity, "+∞", Double.infinity),
                                 (counts.negativeInfinity, "−∞", -Double.infinity)] where n > 0 {
            let color = cellColor(value)
            var how = ""
            if case .saturate = nonFinite { how = value.isNaN || value > 0 ? " (top colour)" : " (bottom colour)" }
            if case .distinct(_, nil) = nonFinite, !value.isNaN { how = value > 0 ? " (top colour)" : " (bottom colour)" }
            out.append(LegendEntry(label: "\(n) \(name)\(how)", swatch: .patch(color: color.hex, opacity: 1)))
        }
        if markedCount > 0 {
            out.append(LegendEntry(label: "\(markedCount) \(markLabel)", swatch: .hatch))
        }
        if missingCount > 0 {
            out.append(LegendEntry(label: "\(missingCount) missing cell\(missingCount == 1 ? "" : "s")",
                                   swatch: .patch(color: "#dddddd", opacity: 1)))
        }
        return out
    }

    func layout(plotWidth: Double, plotHeight: Double, style: FigureStyle) -> PanelLayout {
        let xe = HeatmapPanel.edges(x), ye = HeatmapPanel.edges(y)
        let xAxis = HeatmapPanel.centredAxis(xLabel, x), yAxis = HeatmapPanel.centredAxis(yLabel, y)
        let xr = (xe.min()!, xe.max()!), yr = (ye.min()!, ye.max()!)
        var notes: [String] = []
        if let subtitle, !subtitle.isEmpty { notes.append(subtitle) }
        let frame = XYFrame(title: title, notes: notes, xAxis: xAxis, yAxis: yAxis,
                            xRange: xr.0 < xr.1 ? xr : (xr.0 - 0.5, xr.0 + 0.5),
                            yRange: yr.0 < yr.1 ? yr : (yr.0 - 0.5, yr.0 + 0.5),
                            plotWidth: plotWidth, plotHeight: plotHeight, style: style, drawGrid: false)
        let (vlo, vhi) = colorRange
        let cbTicks = Ticks.linear(min: vlo, max: vhi, targetCount: max(2, Int(plotHeight / 40)))
        let cbLabels = TickLabels.labels(cbTicks, scale: .linear)
        let cbLabelW = cbLabels.map { estimatedTextWidth($0, size: style.tickSize) }.max() ?? 0
        let cbGap = 14.0, cbWidth = 14.0
        var margins = frame.margins
        margins.right = max(margins.right, cbGap + cbWidth + 5 + 3 + cbLabelW
                            + (colorbarLabel.isEmpty ? 0 : 8 + style.labelSize) + 8)
        // Legend rows under the x label, wrapped to the panel width.
        let entries = legendEntries
        let legend = Legend(entries: entries, style: style)
        let availW = plotWidth + margins.right
        var rows: [[(LegendEntry, Double)]] = []
        var rowW = 0.0
        // A label wider than the panel wraps: its further lines are rows of their own, without a swatch.
        var wrapped: [LegendEntry] = []
        for e in entries {
            let lines = wrapText(e.label, width: max(60, availW - legend.swatchWidth - 22), size: style.tickSize)
            wrapped.append(LegendEntry(label: lines[0], swatch: e.swatch))
            for line in lines.dropFirst() { wrapped.append(LegendEntry(label: line, swatch: .none, ownRow: true)) }
        }
        for e in wrapped {
            let w = legend.swatchWidth + 6 + estimatedTextWidth(e.label, size: style.tickSize) + 16
            if rows.isEmpty || rowW + w > availW || e.ownRow || rows[rows.count - 1].last?.0.ownRow == true {
                rows.append([])
                rowW = 0
            }
            rows[rows.count - 1].append((e, w))
            rowW += w
        }
        let legendTop = margins.bottom
        if !rows.isEmpty { margins.bottom += 4 + Double(rows.count) * legend.rowHeight }
        let panel = self
        return PanelLayout(margins: margins, minCellWidth: frame.minCellWidth) { b, plot, id, rowTop in
            let (xm, ym) = frame.maps(plot)
            let clip = frame.defineClip(&b, plot, id: id + "-clip")
            b.open("g", [("class", "cells"), ("shape-rendering", "crispEdges")])
            var labels: [(Double, Rect, RGBColor, Bool)] = []   // drawn last, over any hatching
            for r in 0..<panel.y.count {
                let row = r < panel.values.count ? panel.values[r] : []
                let ya = ym.pixel(ye[r]) ?? plot.maxY, yb = ym.pixel(ye[r + 1]) ?? plot.y
                for c in 0..<panel.x.count {
                    let xa = xm.pixel(xe[c]) ?? plot.x, xb = xm.pixel(xe[c + 1]) ?? plot.maxX
                    let rect = Rect(x: min(xa, xb), y: min(ya, yb), width: abs(xb - xa) + 0.01, height: abs(yb - ya) + 0.01)
                    if c < row.count {
                        let v = row[c]
                        let col = panel.cellColor(v)
                        b.rect(rect, fill: col.hex, cls: v.isFinite ? "cell" : "cell nonfinite",
                               extra: [("data-value", NumberFormat.compact(v, significantDigits: 6))])
                        if panel.annotateCells && rect.width >= 26 && rect.height >= style.tickSize + 2 {
                            let hatched = panel.marked.map { r < $0.count && c < $0[r].count && $0[r][c] } ?? false
                            labels.append((v, rect, col, hatched))
                        }
                    } else {
                        b.rect(rect, fill: "#dddddd", cls: "cell missing")
                    }
                }
            }
            b.close("g")
            if let marked = panel.marked, panel.markedCount > 0 {
                let pattern = id + "-hatch"
                Legend.defineHatch(&b, id: pattern)
                b.open("g", [("class", "marked")])
                for r in 0..<min(panel.y.count, marked.count) {
                    let ya = ym.pixel(ye[r]) ?? plot.maxY, yb = ym.pixel(ye[r + 1]) ?? plot.y
                    for c in 0..<min(panel.x.count, marked[r].count) where marked[r][c] {
                        let xa = xm.pixel(xe[c]) ?? plot.x, xb = xm.pixel(xe[c + 1]) ?? plot.maxX
                        b.rect(Rect(x: min(xa, xb), y: min(ya, yb), width: abs(xb - xa), height: abs(yb - ya)),
                               fill: "url(#\(pattern))", cls: "cell-hatch")
                    }
                }
                b.close("g")
            }
            for (v, rect, col, hatched) in labels {
                let text = NumberFormat.compact(v, significantDigits: 2)
                let size = min(style.tickSize, rect.height * 0.6)
                if hatched {
                    // A patch of the cell's colour behind the value keeps it legible over the hatching.
                    let w = estimatedTextWidth(text, size: size) + 6
                    b.rect(Rect(x: rect.x + (rect.width - w) / 2, y: rect.y + (rect.height - size * 1.3) / 2, width: w, height: size * 1.3),
                           fill: col.hex, cls: "cell-label-ground")
                }
                b.text(text, x: rect.x + rect.width / 2, y: rect.y + rect.height / 2 + style.tickSize * 0.33, size: size,
                       anchor: .middle, fill: col.luminance > 0.55 ? "#111111" : "#ffffff", cls: "cell-label")
            }
            b.open("g", [("class", "overlays"), ("clip-path", clip)])
            for o in panel.overlays {
                var segments: [[(Double, Double)]] = []
                var cur: [(Double, Double)] = []
                for k in 0..<min(o.x.count, o.y.count) {
                    if let px = xm.pixel(o.x[k]), let py = ym.pixel(o.y[k]) {
                        cur.append((clampPixel(px), clampPixel(py)))
                    } else if !cur.isEmpty {
                        segments.append(cur)
                        cur = []
                    }
                }
                if !cur.isEmpty { segments.append(cur) }
                var attrs: [(String, String)] = [("class", "overlay"), ("d", SVGBuilder.pathData(segments)), ("fill", "none"),
                                                 ("stroke", o.color.hex), ("stroke-width", SVGBuilder.f(o.width)),
                                                 ("stroke-linejoin", "round")]
                if let d = dashString(o.dash) { attrs.append(("stroke-dasharray", d)) }
                b.element("path", attrs)
                if let m = o.marker { for s in segments { for p in s { drawMarker(&b, m, x: p.0, y: p.1, color: o.color.hex, size: 3) } } }
            }
            b.close("g")
            frame.drawFrame(&b, plot, ownTop: rowTop)
            if panel.x.isEmpty || panel.y.isEmpty {
                XYFrame.centerNote(&b, plot, "no data", style: style)
            } else if panel.nonFiniteCount == panel.x.count * panel.y.count {
                XYFrame.centerNote(&b, plot, "all values non-finite (explosion)", style: style)
            }
            // Colour bar.
            let cb = Rect(x: plot.maxX + cbGap, y: plot.y, width: cbWidth, height: plot.height)
            b.open("g", [("class", "colorbar"), ("shape-rendering", "crispEdges")])
            let steps = 64
            for i in 0..<steps {
                let t = (Double(i) + 0.5) / Double(steps)
                let y0 = cb.maxY - Double(i + 1) * cb.height / Double(steps)
                b.rect(Rect(x: cb.x, y: y0, width: cb.width, height: cb.height / Double(steps) + 0.3),
                       fill: panel.colorMap.color(at: t).hex, cls: "colorbar-step")
            }
            b.close("g")
            b.rect(cb, fill: "none", stroke: style.foreground.hex, strokeWidth: 0.8, cls: "colorbar-frame")
            for (v, label) in zip(cbTicks, cbLabels) {
                let p = cb.maxY - (v - vlo) / (vhi - vlo) * cb.height
                b.line(cb.maxX, p, cb.maxX + 4, p, stroke: style.foreground.hex, width: 1)
                b.text(label, x: cb.maxX + 7, y: p + style.tickSize * 0.35, size: style.tickSize, fill: style.foreground.hex,
                       cls: "tick-label colorbar-label")
            }
            if !panel.colorbarLabel.isEmpty {
                let lx = cb.maxX + 7 + cbLabelW + 6 + style.labelSize * 0.8
                b.text(panel.colorbarLabel, x: lx, y: cb.y + cb.height / 2, size: style.labelSize, anchor: .middle,
                       fill: style.foreground.hex, rotate: -90, cls: "axis-label")
            }
            // Legend rows.
            if !rows.isEmpty {
                b.open("g", [("class", "legend")])
                var yy = plot.maxY + legendTop + 2
                var previousX = plot.x
                for row in rows {
                    let total = row.reduce(0) { $0 + $1.1 }
                    var xx = plot.x + max(0, (plot.width - total) / 2)
                    if xx + total > plot.maxX + margins.right { xx = plot.x - 10 }
                    // A wrapped label's further lines start under its first line.
                    if row.first?.0.ownRow == true { xx = previousX }
                    let cy = yy + legend.rowHeight / 2
                    for (e, w) in row {
                        previousX = xx
                        legend.drawSwatch(&b, e.swatch, x: xx, cy: cy)
                        b.text(e.label, x: xx + legend.swatchWidth + 6, y: cy + style.tickSize * 0.35, size: style.tickSize,
                               fill: style.foreground.hex, cls: "legend-label")
                        xx += w
                    }
                    yy += legend.rowHeight
                }
                b.close("g")
            }
        }
    }
}
