import Foundation

/// Fonts, sizes and colours shared by every panel of a figure.
public struct FigureStyle: Hashable, Sendable {
    /// CSS font-family list; only generic, locally installed fonts are named (no web fonts).
    public var fontFamily: String
    /// Font size of the figure title.
    public var figureTitleSize: Double
    /// Font size of panel titles.
    public var titleSize: Double
    /// Font size of axis labels.
    public var labelSize: Double
    /// Font size of tick labels, legends and notes.
    public var tickSize: Double
    /// Background colour of the whole figure, or nil for transparent.
    public var background: RGBColor?
    /// Colour of axis lines, ticks and text.
    public var foreground: RGBColor
    /// Colour of grid lines.
    public var gridColor: RGBColor

    /// Creates a style; the defaults suit figures about 300 px per panel wide.
    public init(fontFamily: String = "DejaVu Sans, Helvetica, Arial, sans-serif",
                figureTitleSize: Double = 16, titleSize: Double = 13.5, labelSize: Double = 12.5,
                tickSize: Double = 11, background: RGBColor? = .white,
                foreground: RGBColor = RGBColor(0x262626), gridColor: RGBColor = RGBColor(0xe6e6e6)) {
        self.fontFamily = fontFamily
        self.figureTitleSize = figureTitleSize
        self.titleSize = titleSize
        self.labelSize = labelSize
        self.tickSize = tickSize
        self.background = background
        self.foreground = foreground
        self.gridColor = gridColor
    }
}

/// One cell of a figure's grid.
public enum Panel: Sendable {
    /// Line plot with optional confidence bands (figures 1, 3, 4, 5).
    case line(LinePanel)
    /// Histogram of raw samples (figure 2).
    case histogram(HistogramPanel)
    /// Heatmap with colour bar and overlay curves (figures 7, 9).
    case heatmap(HeatmapPanel)
    /// Sequences y_k against k (figures 6, 8).
    case path(PathPanel)
    /// An empty cell.
    case empty
}

/// A figure: an optional title above a grid of panels, rendered as a standalone SVG document.
///
/// Every panel's plot area has the same size (`plotWidth` × `plotHeight`); margins for
/// titles, tick labels, legends and colour bars are computed from the content and shared
/// across the grid so that plot areas line up.
///
/// ```swift
/// let fig = Figure(title: "Forward relative difference", columns: 3, panels: [
///     .line(panelBeta025), .line(panelBeta05), .line(panelBeta1),
/// ])
/// try AtomicFile.write(fig.svg(), to: "out/figure1.svg")   // Persistence module
/// ```
public struct Figure: Sendable {
    /// Title above the grid (nil for none).
    public var title: String?
    /// Panels in row-major order.
    public var panels: [Panel]
    /// Number of columns of the grid (rows follow from the panel count).
    public var columns: Int
    /// Width of every plot area in px.
    public var plotWidth: Double
    /// Height of every plot area in px.
    public var plotHeight: Double
    /// Fonts and colours.
    public var style: FigureStyle
    /// Prefix of element ids (clip paths); make it unique when several figures share one page.
    public var idPrefix: String

    /// Creates a figure from panels in row-major order.
    public init(title: String? = nil, columns: Int? = nil, panels: [Panel], plotWidth: Double = 300,
                plotHeight: Double = 220, style: FigureStyle = FigureStyle(), idPrefix: String = "fig") {
        self.title = title
        self.panels = panels
        self.columns = max(1, columns ?? max(1, panels.count))
        self.plotWidth = plotWidth
        self.plotHeight = plotHeight
        self.style = style
        self.idPrefix = idPrefix
    }

    /// Creates a figure from explicit rows (short rows are padded with empty cells).
    public init(title: String? = nil, rows: [[Panel]], plotWidth: Double = 300, plotHeight: Double = 220,
                style: FigureStyle = FigureStyle(), idPrefix: String = "fig") {
        let cols = max(1, rows.map(\.count).max() ?? 1)
        var flat: [Panel] = []
        for row in rows {
            flat += row
            flat += Array(repeating: Panel.empty, count: cols - row.count)
        }
        self.init(title: title, columns: cols, panels: flat, plotWidth: plotWidth, plotHeight: plotHeight,
                  style: style, idPrefix: idPrefix)
    }

    /// The number of grid rows.
    public var rowCount: Int { (panels.count + columns - 1) / max(1, columns) }

    /// The size of the whole document (title, margins, legends, colour bars included), or
    /// nil to size it from `plotWidth` × `plotHeight`. When set, the plot areas are chosen so
    /// that the document has this size (the contents are never shrunk below 40 px per plot).
    public var size: FigureSize?

    /// This figure with the options of a command line applied: the document's size and the
    /// base font size (tick labels, legends; titles and axis labels scale with it).
    public func applying(_ options: FigureOptions) -> Figure {
        var f = self
        if let size = options.size { f.size = size }
        if let font = options.fontSize { f.style = f.style.withBaseFontSize(font) }
        return f
    }

    /// Renders the figure as a standalone SVG 1.1 document (no scripts, fonts or CSS).
    public func svg() -> String {
        var pw = plotWidth.isFinite ? max(40, plotWidth) : 300
        var ph = plotHeight.isFinite ? max(40, plotHeight) : 220
        var a = arrange(plotWidth: pw, plotHeight: ph)
        if let size {
            // Margins depend a little on the plot size (tick counts), so solve a few times.
            for _ in 0..<4 {
                let otherW = a.width - Double(columns) * pw, otherH = a.height - Double(max(1, rowCount)) * ph
                pw = max(40, (size.width - otherW) / Double(columns))
                ph = max(40, (size.height - otherH) / Double(max(1, rowCount)))
                a = arrange(plotWidth: pw, plotHeight: ph)
            }
        }
        let width = max(a.width, size?.width ?? 0), height = max(a.height, size?.height ?? 0)
        let outer = Figure.outer
        var b = SVGBuilder(fontFamily: style.fontFamily)
        if let title, !title.isEmpty {
            // A title wider than the figure is set smaller rather than cut.
            let fit = (width - 2 * outer - 8) / max(1, 1.2 * estimatedTextWidth(title, size: style.figureTitleSize))
            let titleSize = style.figureTitleSize * min(1, max(0.6, fit))
            b.text(title, x: width / 2, y: outer + style.figureTitleSize + 2, size: titleSize,
                   anchor: .middle, weight: "bold", fill: style.foreground.hex, cls: "figure-title")
        }
        let prefix = sanitizedPrefix
        let x0 = (width - a.gridWidth) / 2
        let y0 = outer + a.titleHeight + (height - a.height) / 2
        for (i, layout) in a.layouts.enumerated() {
            let r = i / columns, c = i % columns
            let plot = Rect(x: x0 + a.columnWidths[..<c].reduce(0, +) + a.columnLeft[c],
                            y: y0 + a.rowHeights[..<r].reduce(0, +) + a.rowTop[r], width: pw, height: ph)
            if case .empty = panels[i] { continue }
            b.open("g", [("class", "panel"), ("id", "\(prefix)-panel-\(i)")])
            layout.render(&b, plot, "\(prefix)-\(i)", a.rowTop[r])
            b.close("g")
        }
        return b.document(width: width, height: height, background: style.background?.hex, title: title)
    }

    static let outer = 8.0

    /// The grid's geometry for given plot sizes.
    struct Arrangement {
        var layouts: [PanelLayout]
        var columnLeft: [Double], columnWidths: [Double], rowTop: [Double], rowHeights: [Double]
        var gridWidth: Double, titleHeight: Double, width: Double, height: Double
    }

    func arrange(plotWidth pw: Double, plotHeight ph: Double) -> Arrangement {
        let layouts: [PanelLayout] = panels.map { panel in
            switch panel {
            case .line(let p): return p.layout(plotWidth: pw, plotHeight: ph, style: style)
            case .path(let p): return p.linePanel.layout(plotWidth: pw, plotHeight: ph, style: style)
            case .histogram(let p): return p.layout(plotWidth: pw, plotHeight: ph, style: style)
            case .heatmap(let p): return p.layout(plotWidth: pw, plotHeight: ph, style: style)
            case .empty: return PanelLayout(margins: Margins(), minCellWidth: 0, render: { _, _, _, _ in })
            }
        }
        // Left/right margins are shared within a column, top/bottom within a row, so that plot
        // areas line up along rows and columns.
        let rows = max(1, rowCount)
        var colLeft = [Double](repeating: 0, count: columns), colRight = colLeft
        var rowTop = [Double](repeating: 0, count: rows), rowBottom = rowTop
        for (i, l) in layouts.enumerated() {
            let r = i / columns, c = i % columns
            colLeft[c] = max(colLeft[c], l.margins.left)
            colRight[c] = max(colRight[c], l.margins.right)
            rowTop[r] = max(rowTop[r], l.margins.top)
            rowBottom[r] = max(rowBottom[r], l.margins.bottom)
        }
        for (i, l) in layouts.enumerated() {
            let c = i % columns
            let w = colLeft[c] + pw + colRight[c]
            if l.minCellWidth > w {
                colLeft[c] += (l.minCellWidth - w) / 2
                colRight[c] += (l.minCellWidth - w) / 2
            }
        }
        let colW = (0..<columns).map { colLeft[$0] + pw + colRight[$0] }
        let rowH = (0..<rows).map { rowTop[$0] + ph + rowBottom[$0] }
        let outer = Figure.outer
        let titleH = (title?.isEmpty == false) ? style.figureTitleSize + 14 : 0
        let gridW = colW.reduce(0, +)
        var width = 2 * outer + gridW
        if let title, !title.isEmpty, size == nil {
            width = max(width, estimatedTextWidth(title, size: style.figureTitleSize) + 2 * outer + 20)
        }
        let height = 2 * outer + titleH + rowH.reduce(0, +)
        return Arrangement(layouts: layouts, columnLeft: colLeft, columnWidths: colW, rowTop: rowTop, rowHeights: rowH,
                           gridWidth: gridW, titleHeight: titleH, width: width, height: height)
    }

    private var sanitizedPrefix: String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
        var s = String(idPrefix.filter { allowed.contains($0) })
        if s.isEmpty || !(s.first!.isLetter) { s = "f" + s }
        return s
    }
}

// MARK: - Internal layout machinery

struct Margins {
    var top = 0.0, bottom = 0.0, left = 0.0, right = 0.0
}

/// What a panel needs around its plot area, and how to draw itself into a given plot rect.
struct PanelLayout {
    var margins: Margins
    var minCellWidth: Double
    /// (builder, plot area, unique id stem, the row's top margin: titles start there, so that
    /// the titles of one row line up whatever notes each panel has)
    var render: (inout SVGBuilder, Rect, String, Double) -> Void
}

/// Title, notes, axes and ticks around an x/y plot area. Shared by line, path, histogram and
/// heatmap panels.
struct XYFrame {
    var title: String
    var notes: [String]
    var xAxis: Axis
    var yAxis: Axis
    var xRange: (lo: Double, hi: Double)
    var yRange: (lo: Double, hi: Double)
    var xTicks: AxisTicks
    var yTicks: AxisTicks
    var style: FigureStyle
    var drawGrid: Bool
    /// The title, wrapped to the panel width (bold text is about 10 % wider).
    var titleLines: [String]

    init(title: String, notes: [String], xAxis: Axis, yAxis: Axis, xRange: (Double, Double),
         yRange: (Double, Double), plotWidth: Double, plotHeight: Double, style: FigureStyle, drawGrid: Bool = true) {
        self.title = title
        titleLines = title.isEmpty ? [] : wrapText(title, width: (plotWidth + 40) / 1.1, size: style.titleSize)
        // Notes wider than the panel wrap onto more lines (a note never widens the grid).
        self.notes = notes.flatMap { wrapText($0, width: plotWidth + 40, size: style.tickSize) }
        self.xAxis = xAxis
        self.yAxis = yAxis
        self.xRange = (xRange.0, xRange.1)
        self.yRange = (yRange.0, yRange.1)
        self.style = style
        self.drawGrid = drawGrid
        // X ticks: as many as fit without overlapping labels.
        var target = max(2, Int(plotWidth / 65))
        var xt = AxisTicks.make(axis: xAxis, lo: xRange.0, hi: xRange.1, target: target)
        let xmap = ScaleMap(scale: xAxis.scale, lo: xRange.0, hi: xRange.1, pixelLo: 0, pixelHi: plotWidth)
        while target > 2 && XYFrame.overlaps(ticks: xt, map: xmap, size: style.tickSize) {
            target -= 1
            xt = AxisTicks.make(axis: xAxis, lo: xRange.0, hi: xRange.1, target: target)
        }
        // Explicit ticks are not thinned: their labels are (every k-th kept).
        var k = 2
        while xAxis.ticks != nil && k < 20 && XYFrame.overlaps(ticks: xt, map: xmap, size: style.tickSize) {
            xt = AxisTicks.make(axis: xAxis, lo: xRange.0, hi: xRange.1, target: target).labellingEvery(k)
            k += 1
        }
        // Still too dense at the fewest ticks (a very narrow panel): label the first and last only.
        if XYFrame.overlaps(ticks: xt, map: xmap, size: style.tickSize) && xt.labels.count > 2 {
            xt = xt.labellingEvery(xt.labels.count - 1)
        }
        xTicks = xt
        var ytarget = max(2, Int(plotHeight / 42))
        var yt = AxisTicks.make(axis: yAxis, lo: yRange.0, hi: yRange.1, target: ytarget)
        let ymap = ScaleMap(scale: yAxis.scale, lo: yRange.0, hi: yRange.1, pixelLo: plotHeight, pixelHi: 0)
        while ytarget > 2 && XYFrame.tooDense(ticks: yt, map: ymap, size: style.tickSize) {
            ytarget -= 1
            yt = AxisTicks.make(axis: yAxis, lo: yRange.0, hi: yRange.1, target: ytarget)
        }
        k = 2
        while yAxis.ticks != nil && k < 20 && XYFrame.tooDense(ticks: yt, map: ymap, size: style.tickSize) {
            yt = AxisTicks.make(axis: yAxis, lo: yRange.0, hi: yRange.1, target: ytarget).labellingEvery(k)
            k += 1
        }
        yTicks = yt
    }

    static func overlaps(ticks: AxisTicks, map: ScaleMap, size: Double) -> Bool {
        var prevRight = -Double.infinity
        for (v, label) in zip(ticks.major, ticks.labels) where !label.isEmpty {
            guard let p = map.pixel(v) else { continue }
            let w = estimatedTextWidth(label, size: size)
            if p - w / 2 < prevRight + 6 { return true }
            prevRight = p + w / 2
        }
        return false
    }

    static func tooDense(ticks: AxisTicks, map: ScaleMap, size: Double) -> Bool {
        let ps = zip(ticks.major, ticks.labels).filter { !$0.1.isEmpty }.compactMap { map.pixel($0.0) }.sorted()
        for i in 1..<max(1, ps.count) where ps[i] - ps[i - 1] < size * 1.6 { return true }
        return false
    }

    var titleBlockHeight: Double {
        var h = 6.0
        if !titleLines.isEmpty { h += Double(titleLines.count) * (style.titleSize + 3) + 2 }
        h += Double(notes.count) * (style.tickSize + 4)
        return h + 4
    }

    var yTickLabelWidth: Double {
        yTicks.labels.map { estimatedTextWidth($0, size: style.tickSize) }.max() ?? 0
    }

    /// Margins needed by title, notes, ticks and axis labels (before legends or colour bars).
    var margins: Margins {
        var m = Margins()
        m.top = titleBlockHeight
        m.left = 6 + yTickLabelWidth + 5 + (yAxis.label.isEmpty ? 0 : style.labelSize + 10) + 4
        m.bottom = 5 + style.tickSize + 4 + (xAxis.label.isEmpty ? 0 : style.labelSize + 8) + 4
        var lastHalf = 0.0
        if let lastLabel = xTicks.labels.last { lastHalf = estimatedTextWidth(lastLabel, size: style.tickSize) / 2 }
        m.right = max(12, lastHalf + 4)
        return m
    }

    /// Width needed so that the title and notes fit.
    var minCellWidth: Double {
        let t = (titleLines.map { 1.1 * estimatedTextWidth($0, size: style.titleSize) }.max() ?? 0) + 16
        let n = notes.map { estimatedTextWidth($0, size: style.tickSize) + 16 }.max() ?? 0
        return max(t, n)
    }

    func maps(_ plot: Rect) -> (x: ScaleMap, y: ScaleMap) {
        (ScaleMap(scale: xAxis.scale, lo: xRange.lo, hi: xRange.hi, pixelLo: plot.x, pixelHi: plot.maxX),
         ScaleMap(scale: yAxis.scale, lo: yRange.lo, hi: yRange.hi, pixelLo: plot.maxY, pixelHi: plot.y))
    }

    /// Defines a clip path for the plot area, returning its reference for `clip-path`.
    func defineClip(_ b: inout SVGBuilder, _ plot: Rect, id: String) -> String {
        b.open("defs")
        b.open("clipPath", [("id", id)])
        b.rect(plot, fill: "#000000")
        b.close("clipPath")
        b.close("defs")
        return "url(#\(id))"
    }

    func drawGridLines(_ b: inout SVGBuilder, _ plot: Rect) {
        let (xm, ym) = maps(plot)
        let grid = style.gridColor.hex
        b.open("g", [("class", "grid")])
        if xAxis.grid && drawGrid {
            for v in xTicks.major { if let p = xm.pixel(v) { b.line(p, plot.y, p, plot.maxY, stroke: grid, width: 0.8) } }
        }
        if yAxis.grid && drawGrid {
            for v in yTicks.major { if let p = ym.pixel(v) { b.line(plot.x, p, plot.maxX, p, stroke: grid, width: 0.8) } }
        }
        b.close("g")
    }

    /// Axes box, ticks, tick labels, axis labels, title and notes.
    func drawFrame(_ b: inout SVGBuilder, _ plot: Rect, ownTop: Double) {
        let (xm, ym) = maps(plot)
        let fg = style.foreground.hex
        let ts = style.tickSize
        b.open("g", [("class", "axes")])
        b.rect(plot, fill: "none", stroke: fg, strokeWidth: 1, cls: "frame")
        for v in xTicks.minor { if let p = xm.pixel(v), p >= plot.x - 0.5, p <= plot.maxX + 0.5 {
            b.line(p, plot.maxY, p, plot.maxY + 3, stroke: fg, width: 0.8) } }
        for v in yTicks.minor { if let p = ym.pixel(v), p >= plot.y - 0.5, p <= plot.maxY + 0.5 {
            b.line(plot.x - 3, p, plot.x, p, stroke: fg, width: 0.8) } }
        for (v, label) in zip(xTicks.major, xTicks.labels) {
            guard let p = xm.pixel(v) else { continue }
            b.line(p, plot.maxY, p, plot.maxY + 5, stroke: fg, width: 1)
            if !label.isEmpty { b.text(label, x: p, y: plot.maxY + 5 + ts + 1, size: ts, anchor: .middle, fill: fg, cls: "tick-label") }
        }
        for (v, label) in zip(yTicks.major, yTicks.labels) {
            guard let p = ym.pixel(v) else { continue }
            b.line(plot.x - 5, p, plot.x, p, stroke: fg, width: 1)
            if !label.isEmpty { b.text(label, x: plot.x - 8, y: p + ts * 0.35, size: ts, anchor: .end, fill: fg, cls: "tick-label") }
        }
        if !xAxis.label.isEmpty {
            b.text(xAxis.label, x: plot.x + plot.width / 2, y: plot.maxY + 5 + ts + 6 + style.labelSize,
                   size: style.labelSize, anchor: .middle, fill: fg, cls: "axis-label")
        }
        if !yAxis.label.isEmpty {
            let x = plot.x - 8 - yTickLabelWidth - 8
            b.text(yAxis.label, x: x, y: plot.y + plot.height / 2, size: style.labelSize, anchor: .middle,
                   fill: fg, rotate: -90, cls: "axis-label")
        }
        b.close("g")
        var y = plot.y - ownTop + 6
        for line in titleLines {
            y += style.titleSize
            b.text(line, x: plot.x + plot.width / 2, y: y, size: style.titleSize, anchor: .middle,
                   weight: "bold", fill: fg, cls: "panel-title")
            y += 3
        }
        if !titleLines.isEmpty { y += 2 }
        for note in notes {
            y += ts
            b.text(note, x: plot.x + plot.width / 2, y: y, size: ts, anchor: .middle, fill: "#555555",
                   cls: "panel-note")
            y += 4
        }
    }

    /// A large grey note in the middle of the plot area (e.g. all values non-finite).
    static func centerNote(_ b: inout SVGBuilder, _ plot: Rect, _ text: String, style: FigureStyle) {
        b.text(text, x: plot.x + plot.width / 2, y: plot.y + plot.height / 2, size: style.labelSize,
               anchor: .middle, fill: "#b2182b", italic: true, cls: "center-note")
    }
}

/// `text` broken at spaces into lines of at most `width` px (estimated) at font size `size`;
/// a line breaks preferably after a " · " or ", " separator. A word wider than `width` stays whole.
func wrapText(_ text: String, width: Double, size: Double) -> [String] {
    guard estimatedTextWidth(text, size: size) > width else { return [text] }
    let words = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
    var lines: [String] = []
    var current: [String] = []
    var i = 0
    while i < words.count {
        let candidate = (current + [words[i]]).joined(separator: " ")
        if current.isEmpty || estimatedTextWidth(candidate, size: size) <= width {
            current.append(words[i])
            i += 1
            continue
        }
        // Break after the last separator of the line if there is one in its second half.
        var cut = current.count
        for j in stride(from: current.count - 1, through: max(1, current.count / 2), by: -1)
            where current[j - 1].hasSuffix(",") || current[j - 1] == "·" || current[j - 1] == ";" {
            cut = j
            break
        }
        var line = Array(current[..<cut])
        if line.last == "·" { line.removeLast() }
        lines.append(line.joined(separator: " "))
        current = Array(current[cut...])
    }
    if !current.isEmpty {
        if current.first == "·" { current.removeFirst() }
        lines.append(current.joined(separator: " "))
    }
    return lines.map { $0.hasPrefix("· ") ? String($0.dropFirst(2)) : $0 }
}

/// Clamps a pixel coordinate to a sane window so absurd data never produce absurd numbers.
@inline(__always) func clampPixel(_ v: Double) -> Double { min(1e6, max(-1e6, v)) }

// MARK: - Legends

/// Where a legend goes relative to the plot area.
public enum LegendPlacement: String, Hashable, Sendable {
    /// Inside the plot area, in the corner that covers the fewest data points; outside, to
    /// the right, when every corner covers data.
    case auto
    /// Inside the plot area, in the corner that covers the fewest data points, always.
    case inside
    /// Inside the plot area, in the named corner.
    case topLeft, topRight, bottomLeft, bottomRight
    /// Outside the plot area, to its right.
    case outsideRight
    /// No legend.
    case hidden
}

/// One legend row. Internal.
struct LegendEntry {
    enum Swatch {
        case line(color: String, width: Double, dash: String?, marker: MarkerShape?, band: Bool, bandOpacity: Double)
        case patch(color: String, opacity: Double)
        /// Diagonal hatching (cells marked, e.g. diverged).
        case hatch
        /// Nothing (the continuation of a wrapped label).
        case none
    }
    var label: String
    var swatch: Swatch
    /// Alone on its row (the continuation of a wrapped label).
    var ownRow = false
}

struct Legend {
    var entries: [LegendEntry]
    var style: FigureStyle
    var rowHeight: Double { style.tickSize + 6 }
    var swatchWidth: Double { 24 }
    var size: (width: Double, height: Double) {
        let w = entries.map { estimatedTextWidth($0.label, size: style.tickSize) }.max() ?? 0
        return (8 + swatchWidth + 6 + w + 12, 6 + Double(entries.count) * rowHeight + 2)
    }

    /// The legend box for a fixed placement (for `.auto`, the top-right corner).
    func box(in plot: Rect, placement: LegendPlacement) -> Rect {
        let (w, h) = size
        let inset = 6.0
        switch placement {
        case .topLeft: return Rect(x: plot.x + inset, y: plot.y + inset, width: w, height: h)
        case .bottomLeft: return Rect(x: plot.x + inset, y: plot.maxY - inset - h, width: w, height: h)
        case .bottomRight: return Rect(x: plot.maxX - inset - w, y: plot.maxY - inset - h, width: w, height: h)
        case .outsideRight: return Rect(x: plot.maxX + 12, y: plot.y, width: w, height: h)
        default: return Rect(x: plot.maxX - inset - w, y: plot.y + inset, width: w, height: h)
        }
    }

    /// The inside corner covering the fewest `points` (pixel coordinates), and that number.
    func bestCorner(in plot: Rect, points: [(Double, Double)]) -> (LegendPlacement, Int) {
        var best = LegendPlacement.topRight, bestCount = Int.max
        for p in [LegendPlacement.topRight, .topLeft, .bottomLeft, .bottomRight] {
            let r = box(in: plot, placement: p)
            var n = 0
            for (x, y) in points where x >= r.x - 3 && x <= r.maxX + 3 && y >= r.y - 3 && y <= r.maxY + 3 { n += 1 }
            if n < bestCount {
                bestCount = n
                best = p
            }
        }
        return (best, bestCount)
    }

    /// Resolves `.auto` to a corner, or to `.outsideRight` when every corner covers more than
    /// `tolerance` data points.
    func resolve(_ placement: LegendPlacement, plot: Rect, points: [(Double, Double)], tolerance: Int = 3) -> LegendPlacement {
        guard placement == .auto || placement == .inside, !entries.isEmpty else { return placement }
        let (p, n) = bestCorner(in: plot, points: points)
        return n > tolerance && placement == .auto ? .outsideRight : p
    }

    func draw(_ b: inout SVGBuilder, at r: Rect) {
        guard !entries.isEmpty else { return }
        b.open("g", [("class", "legend")])
        b.rect(r, fill: "#ffffff", stroke: "#bbbbbb", strokeWidth: 0.8, opacity: 0.88, extra: [("rx", "3")])
        for (i, e) in entries.enumerated() {
            let cy = r.y + 4 + (Double(i) + 0.5) * rowHeight
            let sx = r.x + 8
            drawSwatch(&b, e.swatch, x: sx, cy: cy)
            b.text(e.label, x: sx + swatchWidth + 6, y: cy + style.tickSize * 0.35, size: style.tickSize,
                   fill: style.foreground.hex, cls: "legend-label")
        }
        b.close("g")
    }

    func drawSwatch(_ b: inout SVGBuilder, _ s: LegendEntry.Swatch, x sx: Double, cy: Double) {
        switch s {
        case let .line(color, width, dash, marker, band, bandOpacity):
            if band {
                b.rect(Rect(x: sx, y: cy - 5, width: swatchWidth, height: 10), fill: color, opacity: bandOpacity)
            }
            b.line(sx, cy, sx + swatchWidth, cy, stroke: color, width: width, dash: dash)
            if let marker { drawMarker(&b, marker, x: sx + swatchWidth / 2, y: cy, color: color, size: 3.2, cls: "legend-marker") }
        case let .patch(color, opacity):
            b.rect(Rect(x: sx + 3, y: cy - 5, width: swatchWidth - 6, height: 10), fill: color, stroke: "#555555",
                   strokeWidth: 0.6, opacity: opacity)
        case .none:
            break
        case .hatch:
            let r = Rect(x: sx + 3, y: cy - 5, width: swatchWidth - 6, height: 10)
            b.rect(r, fill: "#ffffff", stroke: "#555555", strokeWidth: 0.6)
            for k in 0..<4 {
                let x = r.x + Double(k) * 5
                b.line(x, r.maxY, min(x + 10, r.maxX), r.maxY - (min(x + 10, r.maxX) - x), stroke: "#111111", width: 1.2)
            }
        }
    }

    /// Defines `id` as a pattern of dark diagonal lines on a transparent ground (drawn over a
    /// cell's colour, which stays visible between the lines).
    static func defineHatch(_ b: inout SVGBuilder, id: String) {
        b.open("defs")
        b.open("pattern", [("id", id), ("patternUnits", "userSpaceOnUse"), ("width", "6"), ("height", "6"),
                           ("patternTransform", "rotate(45)")])
        b.element("rect", [("x", "0"), ("y", "0"), ("width", "2"), ("height", "6"), ("fill", "#111111"), ("fill-opacity", "0.75")])
        b.close("pattern")
        b.close("defs")
    }
}

/// Marker shapes for line series.
public enum MarkerShape: String, Hashable, Sendable {
    /// Filled shapes about 6 px across.
    case circle, square, triangle, diamond
}

func drawMarker(_ b: inout SVGBuilder, _ shape: MarkerShape, x: Double, y: Double, color: String, size r: Double,
                cls: String = "marker") {
    let f = SVGBuilder.f
    switch shape {
    case .circle:
        b.element("circle", [("class", cls), ("cx", f(x)), ("cy", f(y)), ("r", f(r)), ("fill", color)])
    case .square:
        b.element("rect", [("class", cls), ("x", f(x - r)), ("y", f(y - r)), ("width", f(2 * r)),
                           ("height", f(2 * r)), ("fill", color)])
    case .triangle:
        let pts = [(x, y - 1.2 * r), (x - 1.1 * r, y + 0.8 * r), (x + 1.1 * r, y + 0.8 * r)]
        b.element("polygon", [("class", cls), ("points", SVGBuilder.points(pts)), ("fill", color)])
    case .diamond:
        let pts = [(x, y - 1.3 * r), (x + 1.1 * r, y), (x, y + 1.3 * r), (x - 1.1 * r, y)]
        b.element("polygon", [("class", cls), ("points", SVGBuilder.points(pts)), ("fill", color)])
    }
}

/// A straight reference line at a fixed data value (e.g. a theoretical median or limit).
public struct ReferenceLine: Hashable, Sendable {
    /// Position in data units (x for vertical lines, y for horizontal ones).
    public var value: Double
    /// Legend label (empty = not in the legend).
    public var label: String
    /// Line colour.
    public var color: RGBColor
    /// Dash pattern in px (e.g. `[5, 3]`); empty = solid.
    public var dash: [Double]
    /// Line width in px.
    public var width: Double

    /// Creates a reference line; dashed dark grey by default.
    public init(value: Double, label: String = "", color: RGBColor = RGBColor(0x333333),
                dash: [Double] = [5, 3], width: Double = 1.4) {
        self.value = value
        self.label = label
        self.color = color
        self.dash = dash
        self.width = width
    }

    var dashString: String? { Plots.dashString(dash) }
}

/// The `stroke-dasharray` of a dash pattern (its finite positive lengths), or nil for solid.
func dashString(_ dash: [Double]) -> String? {
    let d = dash.filter { $0.isFinite && $0 > 0 }
    return d.isEmpty ? nil : d.map { SVGBuilder.f($0) }.joined(separator: " ")
}
