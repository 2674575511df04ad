import Foundation

/// How the number of histogram bins is chosen.
public enum Binning: Hashable, Sendable {
    /// A fixed number of equal-width bins (at least 1).
    case count(Int)
    /// Freedman–Diaconis: width 2·IQR·n^(−1/3) (falls back to the square-root rule if IQR = 0).
    case freedmanDiaconis
    /// Square-root rule: ⌈√n⌉ bins.
    case sqrt
}

/// Binned counts of raw samples. Non-finite samples are excluded and counted; with logarithmic
/// binning, samples ≤ 0 are excluded and counted too.
///
/// ```swift
/// let h = Histogram(samples: ratios, binning: .freedmanDiaconis, logX: true)
/// h.counts.reduce(0, +) == h.includedCount   // every finite positive sample is in a bin
/// ```
public struct Histogram: Hashable, Sendable {
    /// Bin edges in data units (`counts.count + 1` values, increasing). With `logX` the edges
    /// are equally spaced in log10.
    public let edges: [Double]
    /// Number of samples in each bin (the last bin includes its upper edge).
    public let counts: [Int]
    /// Samples excluded because they are NaN or ±∞.
    public let nonFiniteCount: Int
    /// Finite samples excluded because they are ≤ 0 and the binning is logarithmic.
    public let nonPositiveCount: Int
    /// Finite samples excluded because they lie outside an explicit `range`.
    public let outOfRangeCount: Int
    /// Whether the bins are equally spaced in log10.
    public let logX: Bool

    /// Number of samples counted in some bin.
    public var includedCount: Int { counts.reduce(0, +) }

    /// Bins `samples`.
    /// - Parameters:
    ///   - binning: the rule choosing the number of bins (capped at 1000).
    ///   - logX: bin in log10 space (for ratios spanning decades).
    ///   - range: explicit [lower, upper] limits in data units; default is the data's min…max.
    public init(samples: [Double], binning: Binning = .freedmanDiaconis, logX: Bool = false,
                range: ClosedRange<Double>? = nil) {
        self.logX = logX
        var nonFinite = 0, nonPositive = 0, outOfRange = 0
        var values: [Double] = []
        values.reserveCapacity(samples.count)
        var lo = range.map { logX ? ($0.lowerBound > 0 ? Foundation.log10($0.lowerBound) : -Double.infinity) : $0.lowerBound }
        var hi = range.map { logX ? ($0.upperBound > 0 ? Foundation.log10($0.upperBound) : -Double.infinity) : $0.upperBound }
        if let l = lo, let h = hi, !(l.isFinite && h.isFinite && l < h) { lo = nil; hi = nil }
        for s in samples {
            guard s.isFinite else { nonFinite += 1; continue }
            var t = s
            if logX {
                guard s > 0 else { nonPositive += 1; continue }
                t = Foundation.log10(s)
            }
            if let l = lo, let h = hi, t < l || t > h { outOfRange += 1; continue }
            values.append(t)
        }
        nonFiniteCount = nonFinite
        nonPositiveCount = nonPositive
        outOfRangeCount = outOfRange
        guard !values.isEmpty || lo != nil else {
            edges = []
            counts = []
            return
        }
        values.sort()
        var a = lo ?? values.first!, b = hi ?? values.last!
        if a == b {
            let w = logX ? 0.5 : (a == 0 ? 0.5 : abs(a) * 0.05)
            a -= w
            b += w
        }
        let n = values.count
        var bins: Int
        switch binning {
        case .count(let k): bins = k
        case .sqrt: bins = Int(Foundation.sqrt(Double(max(n, 1))).rounded(.up))
        case .freedmanDiaconis:
            let iqr = Histogram.quantile(values, 0.75) - Histogram.quantile(values, 0.25)
            if iqr > 0 && n > 1 {
                let width = 2 * iqr / Foundation.cbrt(Double(n))
                let k = ((b - a) / width).rounded(.up)
                bins = k.isFinite ? Int(min(k, 1000)) : 1000
            } else {
                bins = Int(Foundation.sqrt(Double(max(n, 1))).rounded(.up))
            }
        }
        bins = min(1000, max(1, bins))
        let width = (b - a) / Double(bins)
        var c = [Int](repeating: 0, count: bins)
        for v in values {
            var i = Int(((v - a) / width).rounded(.down))
            if i < 0 { i = 0 }
            if i >= bins { i = bins - 1 }
            c[i] += 1
        }
        counts = c
        edges = (0...bins).map { i in
            let t = i == bins ? b : a + Double(i) * width
            return logX ? Foundation.pow(10, t) : t
        }
    }

    /// Linear-interpolation quantile of sorted values (numpy's default definition).
    static func quantile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let h = Double(sorted.count - 1) * p
        let i = Int(h.rounded(.down))
        if i + 1 >= sorted.count { return sorted[sorted.count - 1] }
        return sorted[i] + (h - Double(i)) * (sorted[i + 1] - sorted[i])
    }
}

/// A curve drawn over a histogram, e.g. a theoretical density: y = `density[i]` at
/// x = `x[i]` (data units), where the density is per unit of x, or per decade (of log10 x)
/// when the panel bins in log10. On a count histogram it is scaled to expected counts per
/// bin (density × included samples × bin width), so it compares with the bars either way.
public struct HistogramCurve: Sendable {
    /// Legend label (empty = not in the legend).
    public var label: String
    /// x coordinates (data units, increasing).
    public var x: [Double]
    /// Density at each x.
    public var density: [Double]
    public var color: RGBColor
    public var width: Double
    /// Dash pattern in px; empty = solid.
    public var dash: [Double]

    public init(label: String = "", x: [Double], density: [Double], color: RGBColor = RGBColor(0x111111),
                width: Double = 2, dash: [Double] = []) {
        self.label = label
        self.x = x
        self.density = density
        self.color = color
        self.width = width
        self.dash = dash
    }
}

/// A histogram panel built from raw samples, with an automatic subtitle that reports how many
/// samples were excluded (non-finite, ≤ 0 on log binning, outside the range), and optional
/// vertical reference lines (e.g. a theoretical median).
///
/// ```swift
/// let p = HistogramPanel(title: "‖h_L‖ / ‖h_0‖", samples: hRatios, binning: .count(60), logX: true,
///                        xLabel: "norm ratio", referenceLines: [ReferenceLine(value: exp(0.25), label: "theory")])
/// let svg = Figure(columns: 2, panels: [.histogram(p), .histogram(q)]).svg()
/// ```
public struct HistogramPanel: Sendable {
    /// Panel title.
    public var title: String
    /// Line under the title (the exclusion counts follow it).
    public var subtitle: String?
    /// Raw samples; non-finite ones are excluded and counted.
    public var samples: [Double]
    /// Rule for the number of bins.
    public var binning: Binning
    /// Bin equally in log10 and use a log x axis.
    public var logX: Bool
    /// Explicit range in data units (nil = data min…max).
    public var range: ClosedRange<Double>?
    /// x-axis label.
    public var xLabel: String
    /// y-axis label; nil = "count" or "density".
    public var yLabel: String?
    /// Normalize bar heights to a probability density (per unit of x, or per decade if `logX`).
    public var density: Bool
    /// Bar colour.
    public var color: RGBColor
    /// Vertical reference lines (e.g. a theoretical median).
    public var referenceLines: [ReferenceLine]
    /// Where the reference-line legend goes.
    public var legend: LegendPlacement
    /// Curves over the bars (e.g. a theoretical density).
    public var curves: [HistogramCurve]

    /// Creates a histogram panel.
    public init(title: String = "", subtitle: String? = nil, samples: [Double], binning: Binning = .freedmanDiaconis,
                logX: Bool = false, range: ClosedRange<Double>? = nil, xLabel: String = "", yLabel: String? = nil,
                density: Bool = false, color: RGBColor = Palette.color(0), referenceLines: [ReferenceLine] = [],
                legend: LegendPlacement = .auto, curves: [HistogramCurve] = []) {
        self.title = title
        self.subtitle = subtitle
        self.samples = samples
        self.binning = binning
        self.logX = logX
        self.range = range
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.density = density
        self.color = color
        self.referenceLines = referenceLines
        self.legend = legend
        self.curves = curves
    }

    /// The curve's heights in the panel's units (density, or expected counts per bin), and
    /// the points where they are drawable (x finite, and > 0 on log binning).
    func curvePoints(_ curve: HistogramCurve, _ h: Histogram) -> [(x: Double, y: Double)] {
        var factor = 1.0
        if !density {
            guard h.counts.count > 0, h.edges.count >= 2 else { return [] }
            let first = h.edges[0], second = h.edges[1]
            let width = logX ? Foundation.log10(second) - Foundation.log10(first) : second - first
            factor = Double(h.includedCount) * width
        }
        return zip(curve.x, curve.density).compactMap { x, y in
            guard x.isFinite, y.isFinite, !logX || x > 0 else { return nil }
            return (x, y * factor)
        }
    }

    /// The binned data.
    public var histogram: Histogram { Histogram(samples: samples, binning: binning, logX: logX, range: range) }

    /// Renders this panel alone as an SVG document.
    public func svg(plotWidth: Double = 360, plotHeight: Double = 240, style: FigureStyle = FigureStyle()) -> String {
        Figure(panels: [.histogram(self)], plotWidth: plotWidth, plotHeight: plotHeight, style: style).svg()
    }

    /// The exclusion summary shown under the title, e.g. "n = 9990 · 10 non-finite excluded".
    func summary(_ h: Histogram) -> String {
        var s = "n = \(h.includedCount) · \(h.nonFiniteCount) non-finite excluded"
        if h.nonPositiveCount > 0 { s += " · \(h.nonPositiveCount) ≤ 0 excluded (log x)" }
        if h.outOfRangeCount > 0 { s += " · \(h.outOfRangeCount) outside range" }
        return s
    }

    func layout(plotWidth: Double, plotHeight: Double, style: FigureStyle) -> PanelLayout {
        let h = histogram
        var heights: [Double] = h.counts.map(Double.init)
        if density && h.includedCount > 0 {
            heights = (0..<h.counts.count).map { i in
                let w = logX ? Foundation.log10(h.edges[i + 1]) - Foundation.log10(h.edges[i]) : h.edges[i + 1] - h.edges[i]
                return w > 0 ? Double(h.counts[i]) / (Double(h.includedCount) * w) : 0
            }
        }
        var notes: [String] = []
        if let subtitle, !subtitle.isEmpty { notes.append(subtitle) }
        notes.append(summary(h))
        let skippedRefs = logX ? referenceLines.filter { !($0.value > 0 && $0.value.isFinite) }.count
                               : referenceLines.filter { !$0.value.isFinite }.count
        if skippedRefs > 0 { notes.append("\(skippedRefs) reference line\(skippedRefs == 1 ? "" : "s") not drawable on this axis") }
        let xAxis = Axis(label: xLabel, scale: logX ? .log10 : .linear, grid: false)
        let yAxis = Axis(label: yLabel ?? (density ? "density" : "count"), min: 0)
        var xs = h.edges
        for r in referenceLines { xs.append(r.value) }
        let curveHeights: [[(x: Double, y: Double)]] = curves.map { self.curvePoints($0, h) }
        var curveMax = 0.0
        for points in curveHeights { for p in points { curveMax = max(curveMax, p.y) } }
        let ymax = max(heights.max() ?? 0, curveMax)
        let xr = resolveRange(axis: xAxis, data: xs, padFraction: 0.02)
        let yr = resolveRange(axis: yAxis, data: [0, ymax > 0 ? ymax * 1.06 : 1], padFraction: 0)
        let frame = XYFrame(title: title, notes: notes, xAxis: xAxis, yAxis: yAxis, xRange: xr, yRange: yr,
                            plotWidth: plotWidth, plotHeight: plotHeight, style: style)
        var entries: [LegendEntry] = []
        for c in curves where !c.label.isEmpty {
            entries.append(LegendEntry(label: c.label, swatch: .line(color: c.color.hex, width: c.width, dash: dashString(c.dash),
                                                                     marker: nil, band: false, bandOpacity: 0)))
        }
        for r in referenceLines where !r.label.isEmpty {
            entries.append(LegendEntry(label: r.label, swatch: .line(color: r.color.hex, width: r.width, dash: r.dashString,
                                                                     marker: nil, band: false, bandOpacity: 0)))
        }
        let legend = Legend(entries: entries, style: style)
        // Sample the bars and reference lines in a plot area at the origin to place the legend.
        let origin = Rect(x: 0, y: 0, width: plotWidth, height: plotHeight)
        var occupied: [(Double, Double)] = []
        do {
            let (xm, ym) = frame.maps(origin)
            let y0 = ym.pixel(0) ?? origin.maxY
            for i in 0..<h.counts.count where h.counts[i] > 0 {
                guard let xa = xm.pixel(h.edges[i]), let xb = xm.pixel(h.edges[i + 1]), let top = ym.pixel(heights[i]) else { continue }
                for u in stride(from: 0.0, through: 1.0, by: 0.5) {
                    for v in stride(from: 0.0, through: 1.0, by: 0.1) { occupied.append((xa + u * (xb - xa), top + v * (y0 - top))) }
                }
            }
            for r in referenceLines {
                if let p = xm.pixel(r.value) { for v in stride(from: 0.0, through: 1.0, by: 0.05) { occupied.append((p, v * plotHeight)) } }
            }
            for points in curveHeights {
                for p in points { if let x = xm.pixel(p.x), let y = ym.pixel(p.y) { occupied.append((x, y)) } }
            }
        }
        let placement = legend.resolve(self.legend, plot: origin, points: occupied)
        var margins = frame.margins
        if placement == .outsideRight && !entries.isEmpty { margins.right = max(margins.right, 18 + legend.size.width) }
        let panel = self
        let allNonFinite = !samples.isEmpty && h.nonFiniteCount == samples.count
        return PanelLayout(margins: margins, minCellWidth: frame.minCellWidth) { b, plot, id, rowTop in
            let (xm, ym) = frame.maps(plot)
            frame.drawGridLines(&b, plot)
            let clip = frame.defineClip(&b, plot, id: id + "-clip")
            b.open("g", [("class", "data"), ("clip-path", clip)])
            let y0 = ym.pixel(0) ?? plot.maxY
            for i in 0..<h.counts.count {
                guard let xa = xm.pixel(h.edges[i]), let xb = xm.pixel(h.edges[i + 1]) else { continue }
                let top = ym.pixel(heights[i]) ?? y0
                let r = Rect(x: min(xa, xb), y: min(top, y0), width: abs(xb - xa), height: abs(y0 - top))
                b.rect(r, fill: panel.color.hex, stroke: "#ffffff", strokeWidth: abs(xb - xa) > 4 ? 0.5 : 0,
                       opacity: 0.85, cls: "bar", extra: [("data-count", String(h.counts[i]))])
            }
            for r in panel.referenceLines {
                guard let p = xm.pixel(r.value) else { continue }
                b.line(p, plot.y, p, plot.maxY, stroke: r.color.hex, width: r.width, dash: r.dashString, cls: "reference-line")
            }
            for (curve, points) in zip(panel.curves, curveHeights) {
                let pixels = points.compactMap { p -> (Double, Double)? in
                    guard let x = xm.pixel(p.x), let y = ym.pixel(p.y) else { return nil }
                    return (clampPixel(x), clampPixel(y))
                }
                guard pixels.count >= 2 else { continue }
                var attrs: [(String, String)] = [("class", "density-curve"), ("d", SVGBuilder.pathData([pixels])), ("fill", "none"),
                                                 ("stroke", curve.color.hex), ("stroke-width", SVGBuilder.f(curve.width)),
                                                 ("stroke-linejoin", "round")]
                if let d = dashString(curve.dash) { attrs.append(("stroke-dasharray", d)) }
                if !curve.label.isEmpty { attrs.append(("data-label", curve.label)) }
                b.element("path", attrs)
            }
            b.close("g")
            frame.drawFrame(&b, plot, ownTop: rowTop)
            if allNonFinite {
                XYFrame.centerNote(&b, plot, "all values non-finite (explosion)", style: style)
            } else if h.includedCount == 0 {
                XYFrame.centerNote(&b, plot, "no samples to show", style: style)
            }
            if placement != .hidden && !legend.entries.isEmpty {
                legend.draw(&b, at: legend.box(in: plot, placement: placement))
            }
        }
    }
}
