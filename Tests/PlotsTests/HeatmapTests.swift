import XCTest
@testable import Plots

final class HeatmapTests: XCTestCase {
    private let betas = (0..<7).map { 1.3 * Double($0) / 6 }
    private let hursts = (0..<5).map { 0.05 + 0.92 * Double($0) / 4 }

    private func values(explode: Bool) -> [[Double]] {
        hursts.map { h in betas.map { b in
            let v = (max(h, 0.5) - b) * 3
            return explode && v > 2 ? .infinity : v
        } }
    }

    func testCellsColourBarOverlaysAndNonFiniteLegend() throws {
        let overlays = [
            HeatmapOverlay(label: "measured β*(H)", x: hursts.map { max($0, 0.5) }, y: hursts),
            HeatmapOverlay(label: "β = 1/2", x: [0.5, 0.5], y: [0, 1], dash: [5, 3]),
            HeatmapOverlay(label: "β = H", x: [0, 1], y: [0, 1], dash: [2, 2]),
        ]
        let fwd = HeatmapPanel(title: "forward", x: betas, y: hursts, values: values(explode: true), vmin: -1, vmax: 1,
                               xLabel: "β", yLabel: "H", colorbarLabel: "log10 rel. diff.", overlays: overlays)
        let grad = HeatmapPanel(title: "gradient", x: betas, y: hursts, values: values(explode: false), vmin: -1, vmax: 1,
                                xLabel: "β", yLabel: "H", overlays: overlays)
        let nonFinite = fwd.nonFiniteCount
        XCTAssertGreaterThan(nonFinite, 0)
        let doc = try parseSVG(Figure(columns: 2, panels: [.heatmap(fwd), .heatmap(grad)]).svg())
        XCTAssertEqual(doc.count("rect", class: "cell"), 2 * 7 * 5)
        XCTAssertEqual(doc.count("rect", class: "nonfinite"), nonFinite)
        XCTAssertEqual(doc.count("g", class: "colorbar"), 2)
        XCTAssertEqual(doc.count("rect", class: "colorbar-step"), 2 * 64)
        XCTAssertEqual(doc.count("path", class: "overlay"), 6)
        let counts = fwd.nonFiniteCounts
        XCTAssertEqual(counts.nan + counts.positiveInfinity + counts.negativeInfinity, nonFinite)
        if counts.positiveInfinity > 0 { XCTAssertTrue(doc.hasText(containing: "\(counts.positiveInfinity) +∞ (top colour)")) }
        if counts.nan > 0 { XCTAssertTrue(doc.hasText(containing: "\(counts.nan) NaN (top colour)")) }
        XCTAssertTrue(doc.hasText(containing: "measured β*(H)"))
        XCTAssertTrue(doc.hasText(containing: "log10 rel. diff."))
        let cbLabels = doc.elements("text", class: "colorbar-label").map(\.text)
        XCTAssertTrue(cbLabels.contains("−1") && cbLabels.contains("0") && cbLabels.contains("1"))
        // Saturated: +inf cells take the top colour of the map.
        let top = ColorMap.blueWhiteRed.color(at: 1).hex
        for cell in doc.elements("rect", class: "nonfinite") { XCTAssertEqual(cell.attributes["fill"], top) }
    }

    func testCellGeometryRowsUpwardColumnsRightward() throws {
        let p = HeatmapPanel(x: [0, 1, 2], y: [10, 20], values: [[0, 0.5, 1], [-1, -0.5, .nan]], vmin: -1, vmax: 1)
        let doc = try parseSVG(p.svg())
        let cells = doc.elements("rect", class: "cell")
        XCTAssertEqual(cells.count, 6)
        func pos(_ i: Int) -> (Double, Double) { (Double(cells[i].attributes["x"]!)!, Double(cells[i].attributes["y"]!)!) }
        XCTAssertLessThan(pos(0).0, pos(1).0)          // columns go right
        XCTAssertGreaterThan(pos(0).1, pos(3).1)       // row 1 is above row 0
        XCTAssertEqual(cells[0].attributes["fill"], "#f7f7f7")  // 0 → midpoint
        XCTAssertEqual(cells[2].attributes["fill"], "#67001f")  // vmax
        XCTAssertEqual(cells[3].attributes["fill"], "#053061")  // vmin
    }

    func testExplosionColourAndCounts() throws {
        let magenta = RGBColor(0xff00ff)
        let p = HeatmapPanel(x: [0, 1], y: [0, 1], values: [[.nan, 0.3], [.infinity, -.infinity]], colorMap: .viridis,
                             vmin: 0, vmax: 1, nonFinite: .color(magenta))
        XCTAssertEqual(p.nonFiniteCount, 3)
        XCTAssertEqual(p.cellColor(.nan), magenta)
        XCTAssertEqual(p.cellColor(7), ColorMap.viridis.color(at: 1))
        let doc = try parseSVG(p.svg())
        XCTAssertEqual(doc.elements("rect", class: "nonfinite").filter { $0.attributes["fill"] == "#ff00ff" }.count, 3)
        // Each kind is counted on its own.
        XCTAssertTrue(doc.hasText(containing: "1 NaN"))
        XCTAssertTrue(doc.hasText(containing: "1 +∞"))
        XCTAssertTrue(doc.hasText(containing: "1 −∞"))
    }

    func testAllNonFiniteRaggedAndEmptyHeatmaps() throws {
        let boom = HeatmapPanel(x: [0, 1], y: [0], values: [[.infinity, .nan]])
        XCTAssertTrue(try parseSVG(boom.svg()).hasText(containing: "all values non-finite (explosion)"))
        let ragged = HeatmapPanel(x: [0, 1, 2], y: [0, 1, 2], values: [[1, 2], [3]])
        XCTAssertEqual(ragged.missingCount, 6)
        let doc = try parseSVG(ragged.svg())
        XCTAssertEqual(doc.count("rect", class: "cell"), 9)
        XCTAssertEqual(doc.count("rect", class: "missing"), 6)
        _ = try parseSVG(HeatmapPanel(x: [], y: [], values: []).svg())
        _ = try parseSVG(HeatmapPanel(x: [1], y: [1], values: [[5]]).svg())
    }

    func testAutomaticRangeAndAnnotations() throws {
        let p = HeatmapPanel(x: [0, 1], y: [0, 1], values: [[0.2, 0.4], [0.6, .nan]], colorMap: .viridis, annotateCells: true)
        XCTAssertEqual(p.colorRange.vmin, 0.2)
        XCTAssertEqual(p.colorRange.vmax, 0.6)
        let doc = try parseSVG(p.svg())
        XCTAssertEqual(doc.count("text", class: "cell-label"), 4)
        XCTAssertEqual(HeatmapPanel.edges([0, 1, 3]), [-0.5, 0.5, 2, 4])
    }
}

final class HeatmapMarksTests: XCTestCase {
    /// NaN and +∞ cells are told apart: NaN in its own colour, +∞ saturated, each counted.
    func testNaNAndInfinityDistinct() throws {
        let grey = RGBColor(0x404040)
        let p = HeatmapPanel(x: [0, 1, 2], y: [0, 1], values: [[.nan, .infinity, .infinity], [0.2, .nan, -0.3]],
                             colorMap: .blueWhiteRed, vmin: -1, vmax: 1, nonFinite: .distinct(nan: grey, positiveInfinity: nil))
        XCTAssertEqual(p.cellColor(.nan), grey)
        XCTAssertEqual(p.cellColor(.infinity), ColorMap.blueWhiteRed.color(at: 1))
        XCTAssertEqual(p.nonFiniteCounts.nan, 2)
        XCTAssertEqual(p.nonFiniteCounts.positiveInfinity, 2)
        let doc = try parseSVG(p.svg())
        XCTAssertEqual(doc.elements("rect", class: "nonfinite").filter { $0.attributes["fill"] == grey.hex }.count, 2)
        XCTAssertTrue(doc.hasText(containing: "2 NaN"))
        XCTAssertTrue(doc.hasText(containing: "2 +∞ (top colour)"))
    }

    /// Marked cells are hatched (one overlay each) and counted in the legend.
    func testMarkedCellsAreHatchedAndCounted() throws {
        var p = HeatmapPanel(x: [0.1, 0.5, 0.9], y: [0.1, 0.9], values: [[0.1, 0.9, 0.8], [0.7, 0.6, 0.5]],
                             colorMap: .viridis, vmin: 0, vmax: 1, annotateCells: true)
        p.marked = [[true, false, false], [false, false, true]]
        p.markLabel = "diverged"
        XCTAssertEqual(p.markedCount, 2)
        let doc = try parseSVG(p.svg())
        XCTAssertEqual(doc.count("rect", class: "cell-hatch"), 2)
        XCTAssertEqual(doc.count("pattern"), 1)
        XCTAssertTrue(doc.hasText(containing: "2 diverged"))
        // Values stay readable: drawn after the hatching.
        XCTAssertEqual(doc.count("text", class: "cell-label"), 6)
    }

    /// A legend label wider than the panel wraps onto rows of its own instead of running off.
    func testLongLegendLabelWraps() throws {
        var p = HeatmapPanel(x: [0, 1], y: [0, 1], values: [[0.1, 0.2], [0.3, 0.4]], colorMap: .viridis, vmin: 0, vmax: 1)
        p.marked = [[true, false], [false, false]]
        p.markLabel = "hatched: best run diverged (accuracy of its NaN outputs: class 0 predicted for every image)"
        let doc = try parseSVG(p.svg(plotWidth: 120, plotHeight: 100))
        let labels = doc.elements("text", class: "legend-label").map(\.text)
        XCTAssertGreaterThan(labels.count, 1)
        XCTAssertEqual(labels.joined(separator: " "), "1 " + p.markLabel)
    }

    /// Ticks sit at the cell centres, labelled with the fewest digits that tell them apart.
    func testTicksAtCellCentres() throws {
        let centres = (0..<10).map { 0.1 + 0.8 * Double($0) / 9 }   // 0.1:0.9:10
        let axis = HeatmapPanel.centredAxis("H", centres)
        XCTAssertEqual(axis.ticks, centres)
        XCTAssertEqual(axis.tickLabels, ["0.1", "0.19", "0.28", "0.37", "0.46", "0.54", "0.63", "0.72", "0.81", "0.9"])
        XCTAssertNil(HeatmapPanel.centredAxis("H", (0..<51).map(Double.init)).ticks)   // large grids: nice ticks
        let p = HeatmapPanel(x: [0.1, 0.5, 0.9], y: [1, 2], values: [[0, 0, 0], [0, 0, 0]])
        let doc = try parseSVG(p.svg())
        let labels = doc.elements("text", class: "tick-label").map(\.text)
        XCTAssertTrue(["0.1", "0.5", "0.9", "1", "2"].allSatisfy(labels.contains), "\(labels)")
        XCTAssertFalse(labels.contains("0.25"))
    }
}
