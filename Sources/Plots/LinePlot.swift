import Foundation

/// One curve of a line panel: y (e.g. a mean) against x, with an optional band between
/// `lower` and `upper` (e.g. a 95% confidence interval) drawn as a translucent polygon.
///
/// Points whose x or y is non-finite (or ≤ 0 on a log axis) are skipped and break the line;
/// the panel reports how many were skipped. Arrays of different lengths are truncated to the
/// shortest.
public struct LineSeries: Sendable {
    /// Legend label (empty = not in the legend).
    public var label: String
    /// x coordinates (data units).
    public var x: [Double]
    /// y values, e.g. means (data units).
    public var y: [Double]
    /// Lower edge of the band (same length as x), or nil for no band.
    public var lower: [Double]?
    /// Upper edge of the band (same length as x), or nil for no band.
    public var upper: [Double]?
    /// Colour; nil = the palette colour of the series index.
    public var color: RGBColor?
    /// Marker at each point, or nil for none.
    public var marker: MarkerShape?
    /// Line width in px (0 = markers only).
    public var lineWidth: Double
    /// Dash pattern in px; empty = solid.
    public var dash: [Double]
    /// Opacity of the band fill.
    public var bandOpacity: Double

    /// Creates a series.
    public init(label: String = "", x: [Double], y: [Double], lower: [Double]? = nil, upper: [Double]? = nil,
                color: RGBColor? = nil, marker: MarkerShape? = nil, lineWidth: Double = 1.8,
                dash: [Double] = [], bandOpacity: Double = 0.2) {
        self.label = label
        self.x = x
        self.y = y
        self.lower = lower
        self.upper = upper
        self.color = color
        self.marker = marker
        self.lineWidth = lineWidth
        self.dash = dash
        self.bandOpacity = bandOpacity
    }

    /// Creates a series with a symmetric band `y ± halfWidth` (e.g. 1.96 × standard error).
    public init(label: String = "", x: [Double], y: [Double], halfWidth: [Double], color: RGBColor? = nil,
                marker: MarkerShape? = nil) {
        let n = min(y.count, halfWidth.count)
        self.init(label: label, x: x, y: y, lower: (0..<n).map { y[$0] - halfWidth[$0] },
                  upper: (0..<n).map { y[$0] + halfWidth[$0] }, color: color, marker: marker)
    }
}

/// A panel of line series with optional bands, axes, legend and reference lines.
///
/// ```swift
/// let panel = LinePanel(
///     title: "β = 0.5",
///     xAxis: Axis(label: "depth L"),
///     yAxis: .log("‖h_L − h_0‖ / ‖h_0‖"),
///     series: [LineSeries(label: "mean ± 95% CI", x: depths, y: mean, lower: lo, upper: hi, marker: .circle)])
/// let svg = Figure(panels: [.line(panel)]).svg()
/// ```
public struct LinePanel: Sendable {
    /// Panel title.
    public var title: String
    /// Extra line under the title (nil for none). Skip/explosion notes are added below it.
    public var subtitle: String?
    /// Horizontal axis.
    public var xAxis: Axis
    /// Vertical axis (linear or log10).
    public var yAxis: Axis
    /// Curves, drawn in order (bands underneath all lines).
    public var series: [LineSeries]
    /// Legend placement.
    public var legend: LegendPlacement
    /// Horizontal reference lines (y values).
    public var horizontalLines: [ReferenceLine]
    /// Vertical reference lines (x values).
    public var verticalLines: [ReferenceLine]

    /// Creates a line panel.
    public init(title: String = "", subtitle: String? = nil, xAxis: Axis = Axis(), yAxis: Axis = Axis(),
                series: [LineSeries], legend: LegendPlacement = .auto, horizontalLines: [ReferenceLine] = [],
                verticalLines: [ReferenceLine] = []) {
        self.title = title
        self.subtitle = subtitle
        self.xAxis = xAxis
        self.yAxis = yAxis
        self.series = series
        self.legend = legend
        self.horizontalLines = horizontalLines
        self.verticalLines = verticalLines
    }

    /// Renders this panel alone as an SVG document.
    public func svg(plotWidth: Double = 360, plotHeight: Double = 240, style: FigureStyle = FigureStyle()) -> String {
        Figure(panels: [.line(self)], plotWidth: plotWidth, plotHeight: plotHeight, style: style).svg()
    }

    /// Counts of points that cannot be drawn, as reported in the panel notes.
    public struct SkipCounts: Hashable, Sendable {
        /// Points with a non-finite x or y.
        public var nonFinite: Int
        /// Finite points with y ≤ 0 (log y axis) or x ≤ 0 (log x axis).
        public var nonPositiveOnLogAxis: Int
        /// Total number of (x, y) points.
        public var total: Int
    }

    /// How many points of all series are skipped, and why.
    public var skipCounts: SkipCounts {
        var c = SkipCounts(nonFinite: 0, nonPositiveOnLogAxis: 0, total: 0)
        for s in series {
            let n = min(s.x.count, s.y.count)
            c.total += n
            for i in 0..<n {
                let x = s.x[i], y = s.y[i]
                if !x.isFinite || !y.isFinite { c.nonFinite += 1; continue }
                if (xAxis.scale == .log10 && x <= 0) || (yAxis.scale == .log10 && y <= 0) { c.nonPositiveOnLogAxis += 1 }
            }
        }
        return c
    }

    /// Notes shown under the title.
    var notes: [String] {
        var out: [String] = []
        if let subtitle, !subtitle.isEmpty { out.append(subtitle) }
        let c = skipCounts
        var parts: [String] = []
        if c.nonFinite > 0 && c.nonFinite < c.total { parts.append("\(c.nonFinite) non-finite point\(c.nonFinite == 1 ? "" : "s") skipped") }
        if c.nonPositiveOnLogAxis > 0 { parts.append("\(c.nonPositiveOnLogAxis) point\(c.nonPositiveOnLogAxis == 1 ? "" : "s") ≤ 0 skipped (log axis)") }
        if !parts.isEmpty { out.append(parts.joined(separator: "; ")) }
        return out
    }

    var allNonFinite: Bool {
        let c = skipCounts
        return c.total > 0 && c.nonFinite == c.total
    }

    func layout(plotWidth: Double, plotHeight: Double, style: FigureStyle) -> PanelLayout {
        var xs: [Double] = [], ys: [Double] = []
        for s in series {
            let n = min(s.x.count, s.y.count)
            for i in 0..<n where s.x[i].isFinite {
                xs.append(s.x[i])
                ys.append(s.y[i])
                if let lo = s.lower, i < lo.count { ys.append(lo[i]) }
                if let up = s.upper, i < up.count { ys.append(up[i]) }
            }
        }
        for h in horizontalLines { ys.append(h.value) }
        for v in verticalLines { xs.append(v.value) }
        let xRange = resolveRange(axis: xAxis, data: xs)
        var yRange = resolveRange(axis: yAxis, data: ys)
        var frame = XYFrame(title: title, notes: notes, xAxis: xAxis, yAxis: yAxis, xRange: xRange, yRange: yRange,
                            plotWidth: plotWidth, plotHeight: plotHeight, style: style)
        // Geometry in coordinates of a plot area at the origin; translated when rendering.
        let origin = Rect(x: 0, y: 0, width: plotWidth, height: plotHeight)
        var geometry = self.geometry(frame: frame, plot: origin)
        let legend = Legend(entries: legendEntries, style: style)
        if self.legend == .inside && !legend.entries.isEmpty && yAxis.max == nil
            && legend.bestCorner(in: origin, points: geometry.occupied).1 > 3 {
            // Every corner covers data: raise the top of the y range so that the legend sits
            // above the data, inside the panel.
            let share = min(0.5, (legend.size.height + 10) / plotHeight)
            yRange.hi += (yRange.hi - yRange.lo) * share / (1 - share)
            frame = XYFrame(title: title, notes: notes, xAxis: xAxis, yAxis: yAxis, xRange: xRange, yRange: yRange,
                            plotWidth: plotWidth, plotHeight: plotHeight, style: style)
            geometry = self.geometry(frame: frame, plot: origin)
        }
        var margins = frame.margins
        let placement = legend.resolve(self.legend, plot: origin, points: geometry.occupied)
        if placement == .outsideRight && !legend.entries.isEmpty {
            margins.right = max(margins.right, 12 + legend.size.width + 6)
        }
        let panel = self
        return PanelLayout(margins: margins, minCellWidth: frame.minCellWidth) { b, plot, id, rowTop in
            panel.render(&b, plot: plot, frame: frame, geometry: geometry, legend: legend, placement: placement,
                         ownTop: rowTop, id: id)
        }
    }

    var legendEntries: [LegendEntry] {
        var out: [LegendEntry] = []
        for (i, s) in series.enumerated() where !s.label.isEmpty {
            let color = (s.color ?? Palette.color(i)).hex
            out.append(LegendEntry(label: s.label, swatch: .line(
                color: color, width: max(s.lineWidth, 1), dash: dashString(s.dash), marker: s.marker,
                band: s.lower != nil && s.upper != nil, bandOpacity: s.bandOpacity)))
        }
        for r in horizontalLines + verticalLines where !r.label.isEmpty {
            out.append(LegendEntry(label: r.label, swatch: .line(color: r.color.hex, width: r.width, dash: r.dashString,
                                                                 marker: nil, band: false, bandOpacity: 0)))
        }
        return out
    }

    /// Pixel geometry of bands and lines, plus sample points used to place the legend.
    struct Geometry {
        /// Per series with a band: polygons (one per unbroken stretch).
        var bands: [(series: Int, polygons: [[(Double, Double)]])] = []
        /// Per series: polyline segments (one per unbroken stretch).
        var lines: [[[(Double, Double)]]] = []
        var occupied: [(Double, Double)] = []
    }

    func geometry(frame: XYFrame, plot: Rect) -> Geometry {
        let (xm, ym) = frame.maps(plot)
        var g = Geometry()
        for r in horizontalLines {
            if let p = ym.pixel(r.value) { for t in stride(from: 0.0, through: 1.0, by: 0.05) { g.occupied.append((plot.x + t * plot.width, p)) } }
        }
        for r in verticalLines {
            if let p = xm.pixel(r.value) { for t in stride(from: 0.0, through: 1.0, by: 0.05) { g.occupied.append((p, plot.y + t * plot.height)) } }
        }
        for (i, s) in series.enumerated() {
            guard let lower = s.lower, let upper = s.upper else { continue }
            let n = min(s.x.count, lower.count, upper.count)
            var segments: [[(Double, Double, Double)]] = []  // (px, pyUpper, pyLower)
            var current: [(Double, Double, Double)] = []
            for k in 0..<n {
                var point: (Double, Double, Double)? = nil
                if let px = xm.pixel(s.x[k]), let pu = ym.pixel(upper[k]) {
                    if let pl = ym.pixel(lower[k]) {
                        point = (px, pu, pl)
                    } else if lower[k] == -.infinity || (lower[k] <= 0 && yAxis.scale == .log10) {
                        point = (px, pu, plot.maxY + 2)   // lower bound below the axis: fill to the bottom
                    }
                }
                if let point {
                    current.append((clampPixel(point.0), clampPixel(point.1), clampPixel(point.2)))
                } else if !current.isEmpty {
                    segments.append(current)
                    current = []
                }
            }
            if !current.isEmpty { segments.append(current) }
            var polys: [[(Double, Double)]] = []
            for seg in segments where seg.count >= 2 {
                polys.append(seg.map { ($0.0, $0.1) } + seg.reversed().map { ($0.0, $0.2) })
                for j in 0..<seg.count {
                    let (px, pu, pl) = seg[j]
                    for t in stride(from: 0.0, through: 1.0, by: 0.125) { g.occupied.append((px, pu + t * (pl - pu))) }
                    if j > 0 {
                        let q = seg[j - 1]
                        let mx = (px + q.0) / 2, mu = (pu + q.1) / 2, ml = (pl + q.2) / 2
                        for t in stride(from: 0.0, through: 1.0, by: 0.125) { g.occupied.append((mx, mu + t * (ml - mu))) }
                    }
                }
            }
            g.bands.append((i, polys))
        }
        for s in series {
            let n = min(s.x.count, s.y.count)
            var segments: [[(Double, Double)]] = []
            var current: [(Double, Double)] = []
            for k in 0..<n {
                if let px = xm.pixel(s.x[k]), let py = ym.pixel(s.y[k]) {
                    current.append((clampPixel(px), clampPixel(py)))
                } else if !current.isEmpty {
                    segments.append(current)
                    current = []
                }
            }
            if !current.isEmpty { segments.append(current) }
            for seg in segments {
                g.occupied += seg
                // Sample long straight pieces too, so the legend avoids crossing lines.
                for j in 1..<max(1, seg.count) {
                    let a = seg[j - 1], c = seg[j]
                    let len = abs(c.0 - a.0) + abs(c.1 - a.1)
                    let k = min(50, Int(len / 8))
                    if k > 0 { for t in 1...k { let u = Double(t) / Double(k + 1); g.occupied.append((a.0 + u * (c.0 - a.0), a.1 + u * (c.1 - a.1))) } }
                }
            }
            g.lines.append(segments)
        }
        return g
    }

    private func render(_ b: inout SVGBuilder, plot: Rect, frame: XYFrame, geometry g: Geometry, legend: Legend,
                        placement: LegendPlacement, ownTop: Double, id: String) {
        let (xm, ym) = frame.maps(plot)
        let dx = plot.x, dy = plot.y
        func shift(_ p: (Double, Double)) -> (Double, Double) { (p.0 + dx, p.1 + dy) }
        frame.drawGridLines(&b, plot)
        let clip = frame.defineClip(&b, plot, id: id + "-clip")
        b.open("g", [("class", "data"), ("clip-path", clip)])
        for r in horizontalLines {
            if let p = ym.pixel(r.value) {
                b.line(plot.x, p, plot.maxX, p, stroke: r.color.hex, width: r.width, dash: r.dashString, cls: "reference-line")
            }
        }
        for r in verticalLines {
            if let p = xm.pixel(r.value) {
                b.line(p, plot.y, p, plot.maxY, stroke: r.color.hex, width: r.width, dash: r.dashString, cls: "reference-line")
            }
        }
        // Bands first (underneath all lines).
        for (i, polys) in g.bands {
            let s = series[i]
            let color = (s.color ?? Palette.color(i)).hex
            for poly in polys {
                b.element("polygon", [("class", "band"), ("points", SVGBuilder.points(poly.map(shift))), ("fill", color),
                                      ("fill-opacity", SVGBuilder.f(s.bandOpacity)), ("stroke", "none")])
            }
        }
        for (i, s) in series.enumerated() {
            let color = (s.color ?? Palette.color(i)).hex
            let segments = g.lines[i].map { $0.map(shift) }
            var attrs: [(String, String)] = [("class", "series-line"), ("d", SVGBuilder.pathData(segments)),
                                             ("fill", "none"), ("stroke", s.lineWidth > 0 ? color : "none"),
                                             ("stroke-width", SVGBuilder.f(max(0, s.lineWidth))),
                                             ("stroke-linejoin", "round"), ("stroke-linecap", "round")]
            if let d = dashString(s.dash) { attrs.append(("stroke-dasharray", d)) }
            if !s.label.isEmpty { attrs.append(("data-label", s.label)) }
            b.element("path", attrs)
            if let marker = s.marker {
                for seg in segments { for p in seg { drawMarker(&b, marker, x: p.0, y: p.1, color: color, size: 3) } }
            }
        }
        b.close("g")
        frame.drawFrame(&b, plot, ownTop: ownTop)
        let c = skipCounts
        if allNonFinite {
            XYFrame.centerNote(&b, plot, "all values non-finite (explosion)", style: frame.style)
        } else if c.total > 0 && c.nonFinite + c.nonPositiveOnLogAxis == c.total {
            XYFrame.centerNote(&b, plot, "no values > 0 to show on a log axis", style: frame.style)
        }
        if placement != .hidden && !legend.entries.isEmpty {
            legend.draw(&b, at: legend.box(in: plot, placement: placement))
        }
    }
}

/// One sequence y_k plotted against its index k (or `start + k·step`).
public struct PathSeries: Sendable {
    /// Legend label (empty = not in the legend).
    public var label: String
    /// The sequence y_0, y_1, …
    public var values: [Double]
    /// x of the first value.
    public var start: Double
    /// x increment between consecutive values (e.g. 1, or 1/L for t = k/L).
    public var step: Double
    /// Colour; nil = palette colour of the series index.
    public var color: RGBColor?
    /// Line width in px.
    public var lineWidth: Double

    /// Creates a path series.
    public init(label: String = "", values: [Double], start: Double = 0, step: Double = 1,
                color: RGBColor? = nil, lineWidth: Double = 1.2) {
        self.label = label
        self.values = values
        self.start = start
        self.step = step
        self.color = color
        self.lineWidth = lineWidth
    }
}

/// A panel of sequences against their index (fBm sample paths, trained weights against layer k).
///
/// ```swift
/// let panel = PathPanel(title: "H = 0.2", xLabel: "k", yLabel: "B^H(k/L)",
///                       series: [PathSeries(label: "path 1", values: path1)])
/// let svg = Figure(columns: 3, panels: [.path(panel), .path(p2), .path(p3)]).svg()
/// ```
public struct PathPanel: Sendable {
    /// Panel title.
    public var title: String
    /// Line under the title (nil for none).
    public var subtitle: String?
    /// x-axis label.
    public var xLabel: String
    /// y-axis label.
    public var yLabel: String
    /// Linear or log10 y axis.
    public var yScale: AxisScale
    /// The sequences.
    public var series: [PathSeries]
    /// Legend placement.
    public var legend: LegendPlacement

    /// Creates a path panel.
    public init(title: String = "", subtitle: String? = nil, xLabel: String = "k", yLabel: String = "",
                yScale: AxisScale = .linear, series: [PathSeries], legend: LegendPlacement = .auto) {
        self.title = title
        self.subtitle = subtitle
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.yScale = yScale
        self.series = series
        self.legend = legend
    }

    /// The equivalent line panel (used for rendering).
    public var linePanel: LinePanel {
        LinePanel(title: title, subtitle: subtitle, xAxis: Axis(label: xLabel, grid: false),
                  yAxis: Axis(label: yLabel, scale: yScale),
                  series: series.map { s in
                      LineSeries(label: s.label, x: (0..<s.values.count).map { s.start + Double($0) * s.step },
                                 y: s.values, color: s.color, lineWidth: s.lineWidth)
                  }, legend: legend, horizontalLines: yScale == .linear ? [ReferenceLine(value: 0, color: RGBColor(0xaaaaaa), dash: [], width: 0.8)] : [])
    }

    /// Renders this panel alone as an SVG document.
    public func svg(plotWidth: Double = 360, plotHeight: Double = 240, style: FigureStyle = FigureStyle()) -> String {
        Figure(panels: [.path(self)], plotWidth: plotWidth, plotHeight: plotHeight, style: style).svg()
    }
}
