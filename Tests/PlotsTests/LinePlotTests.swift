import XCTest
@testable import Plots

final class LinePlotTests: XCTestCase {
    private let depths: [Double] = [10, 120, 230, 340, 450]

    private func panel(beta: Double, yScale: AxisScale = .linear) -> LinePanel {
        LinePanel(title: "β = \(beta)", xAxis: Axis(label: "depth L"), yAxis: Axis(label: "‖h_L‖ / ‖h_0‖", scale: yScale),
                  series: [
                      LineSeries(label: "mean ± CI", x: depths, y: [1, 2, 3, 4, 5], lower: [0.5, 1.5, 2.5, 3.5, 4.5],
                                 upper: [1.5, 2.5, 3.5, 4.5, 5.5], marker: .circle),
                      LineSeries(label: "theory", x: depths, y: [1.1, 2.1, 3.1, 4.1, 5.1], dash: [4, 2]),
                  ])
    }

    func testGridOfPanelsHasSeriesBandsAndLegend() throws {
        let fig = Figure(title: "Figure 1", rows: [
            [.line(panel(beta: 0.25)), .line(panel(beta: 0.5)), .line(panel(beta: 1))],
            [.line(panel(beta: 0.25, yScale: .log10)), .line(panel(beta: 0.5, yScale: .log10)), .line(panel(beta: 1, yScale: .log10))],
        ])
        let doc = try parseSVG(fig.svg())
        XCTAssertEqual(doc.count("g", class: "panel"), 6)
        XCTAssertEqual(doc.count("path", class: "series-line"), 12)
        XCTAssertEqual(doc.count("polygon", class: "band"), 6)
        XCTAssertEqual(doc.count("circle", class: "marker"), 6 * 5)
        XCTAssertEqual(doc.count("g", class: "legend"), 6)
        XCTAssertEqual(doc.count("text", class: "panel-title"), 6)
        XCTAssertTrue(doc.hasText(containing: "β = 0.25"))
        XCTAssertTrue(doc.hasText(containing: "depth L"))
        XCTAssertTrue(doc.hasText(containing: "theory"))
        XCTAssertEqual(doc.count("text", class: "figure-title"), 1)
        // Every panel has its own clip path with a unique id.
        let ids = doc.elements("clipPath").compactMap { $0.attributes["id"] }
        XCTAssertEqual(Set(ids).count, 6)
    }

    func testTitlesAndLabelsAreEscaped() throws {
        let p = LinePanel(title: "a < b & \"c\"", xAxis: Axis(label: "x <L>"), yAxis: Axis(label: "y & z"),
                          series: [LineSeries(label: "<series>", x: [0, 1], y: [0, 1])])
        let svg = Figure(title: "T & <U>", panels: [.line(p)]).svg()
        XCTAssertTrue(svg.contains("a &lt; b &amp; &quot;c&quot;"))
        XCTAssertFalse(svg.contains("<series>"))
        let doc = try parseSVG(svg)
        XCTAssertTrue(doc.hasText(containing: "a < b & \"c\""))
        XCTAssertTrue(doc.hasText(containing: "x <L>"))
        XCTAssertTrue(doc.hasText(containing: "y & z"))
        XCTAssertTrue(doc.hasText(containing: "<series>"))
        XCTAssertTrue(doc.hasText(containing: "T & <U>"))
    }

    func testNonFiniteValuesBreakTheLineAndAreCounted() throws {
        let p = LinePanel(series: [LineSeries(label: "s", x: [0, 1, 2, 3, 4, 5], y: [1, 2, .nan, 4, .infinity, 6])])
        XCTAssertEqual(p.skipCounts.nonFinite, 2)
        let doc = try parseSVG(p.svg())
        let d = try XCTUnwrap(doc.elements("path", class: "series-line").first?.attributes["d"])
        // Three stretches: [0,1], [3], [5].
        XCTAssertEqual(d.filter { $0 == "M" }.count, 3)
        XCTAssertFalse(d.contains("nan") || d.contains("inf"))
        XCTAssertTrue(doc.hasText(containing: "2 non-finite points skipped"))
    }

    func testAllNonFinitePanelShowsExplosionNote() throws {
        let p = LinePanel(title: "β = 0.25", yAxis: .log("ratio"),
                          series: [LineSeries(label: "mean", x: [1, 2, 3], y: [.infinity, .nan, .infinity],
                                              lower: [.nan, .nan, .nan], upper: [.infinity, .infinity, .infinity])])
        let doc = try parseSVG(Figure(panels: [.line(p)]).svg())
        XCTAssertTrue(doc.hasText(containing: "all values non-finite (explosion)"))
        XCTAssertEqual(doc.count("polygon", class: "band"), 0)
    }

    func testLogAxisSkipsNonPositiveValuesAndSaysSo() throws {
        let p = LinePanel(yAxis: .log("y"), series: [
            LineSeries(label: "s", x: [1, 2, 3, 4], y: [0, -1, 10, 100], lower: [-1, -2, 5, 50], upper: [1, 0.5, 20, 200]),
        ])
        XCTAssertEqual(p.skipCounts.nonPositiveOnLogAxis, 2)
        let svg = p.svg()
        let doc = try parseSVG(svg)
        XCTAssertTrue(doc.hasText(containing: "2 points ≤ 0 skipped (log axis)"))
        let d = try XCTUnwrap(doc.elements("path", class: "series-line").first?.attributes["d"])
        XCTAssertEqual(d.filter { $0 == "M" }.count, 1)
        // The band's lower bound ≤ 0 is filled to the bottom of the plot rather than dropped.
        XCTAssertEqual(doc.count("polygon", class: "band"), 1)
        let ticks = doc.elements("text", class: "tick-label").map(\.text)
        XCTAssertTrue(ticks.contains("10") && ticks.contains("100"))
        XCTAssertFalse(svg.contains("nan"))
    }

    func testLogAxisWithOnlyNonPositiveValuesDoesNotCrash() throws {
        let p = LinePanel(yAxis: .log("y"), series: [LineSeries(x: [1, 2], y: [0, -3])])
        let doc = try parseSVG(p.svg())
        XCTAssertTrue(doc.hasText(containing: "no values > 0"))
    }

    func testMismatchedLengthsAndEmptySeriesDoNotCrash() throws {
        let p = LinePanel(series: [LineSeries(x: [1, 2, 3], y: [1], lower: [0], upper: []), LineSeries(x: [], y: [])])
        _ = try parseSVG(p.svg())
        let empty = LinePanel(title: "nothing", series: [])
        _ = try parseSVG(empty.svg())
    }

    func testReferenceLinesAndHiddenLegend() throws {
        let p = LinePanel(series: [LineSeries(label: "a", x: [0, 1], y: [0, 1])], legend: .hidden,
                          horizontalLines: [ReferenceLine(value: 0.5, label: "half")], verticalLines: [ReferenceLine(value: 0.2)])
        let doc = try parseSVG(p.svg())
        XCTAssertEqual(doc.count("line", class: "reference-line"), 2)
        XCTAssertEqual(doc.count("g", class: "legend"), 0)
    }

    func testCrowdedPanelMovesLegendOutside() throws {
        // A band filling the whole plot leaves no free corner.
        let x = (0..<50).map(Double.init)
        let p = LinePanel(series: [LineSeries(label: "wide band", x: x, y: x.map { _ in 0 },
                                              lower: x.map { _ in -1 }, upper: x.map { _ in 1 })])
        let doc = try parseSVG(p.svg(plotWidth: 300, plotHeight: 200))
        let frame = try XCTUnwrap(doc.elements("rect", class: "frame").first)
        let legendIndex = try XCTUnwrap(doc.elements.firstIndex { $0.name == "g" && $0.classes.contains("legend") })
        let legendBox = doc.elements[legendIndex + 1]
        XCTAssertGreaterThan(Double(legendBox.attributes["x"]!)!, Double(frame.attributes["x"]!)! + 300)
    }

    func testPathPanels() throws {
        let paths = [0.2, 0.5, 0.8].map { h in
            PathPanel(title: "H = \(h)", yLabel: "B^H", series: (0..<3).map { j in
                PathSeries(label: "path \(j)", values: (0...100).map { sin(Double($0) * h + Double(j)) }, step: 0.01)
            })
        }
        let doc = try parseSVG(Figure(columns: 3, panels: paths.map { .path($0) }).svg())
        XCTAssertEqual(doc.count("path", class: "series-line"), 9)
        XCTAssertEqual(doc.count("g", class: "legend"), 3)
        XCTAssertTrue(doc.hasText(containing: "H = 0.8"))
        let lp = paths[0].linePanel
        XCTAssertEqual(lp.series[0].x.last!, 1, accuracy: 1e-12)
        XCTAssertEqual(lp.series[0].x.count, 101)
    }

    func testSymmetricBandInitializer() {
        let s = LineSeries(x: [0, 1], y: [1, 2], halfWidth: [0.5, 0.25])
        XCTAssertEqual(s.lower!, [0.5, 1.75])
        XCTAssertEqual(s.upper!, [1.5, 2.25])
    }
}
