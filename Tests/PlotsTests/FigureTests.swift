import XCTest
@testable import Plots

final class FigureTests: XCTestCase {
    func testMixedFigureIsStandaloneSVG() throws {
        let line = LinePanel(title: "line", series: [LineSeries(label: "a", x: [0, 1, 2], y: [1, 3, 2])])
        let hist = HistogramPanel(title: "hist", samples: [1, 2, 2, 3, 3, 3], binning: .count(3))
        let heat = HeatmapPanel(title: "heat", x: [0, 1], y: [0, 1], values: [[0, 1], [1, 0]])
        let path = PathPanel(title: "path", series: [PathSeries(values: [0, 1, 0, -1])])
        let fig = Figure(title: "mixed", columns: 2, panels: [.line(line), .histogram(hist), .heatmap(heat), .path(path), .empty])
        XCTAssertEqual(fig.rowCount, 3)
        let svg = fig.svg()
        let doc = try parseSVG(svg)
        XCTAssertEqual(doc.elements.first?.attributes["xmlns"], "http://www.w3.org/2000/svg")
        XCTAssertEqual(doc.count("g", class: "panel"), 4)
        XCTAssertEqual(doc.count("script"), 0)
        XCTAssertEqual(doc.count("style"), 0)
        XCTAssertFalse(svg.contains("@import") || svg.contains("href"))
        XCTAssertFalse(svg.contains("nan") || svg.contains("inf"))
        // Sizes are finite numbers.
        XCTAssertNotNil(Double(doc.elements[0].attributes["width"]!))
        XCTAssertNotNil(Double(doc.elements[0].attributes["height"]!))
    }

    func testPlotAreasAlignAcrossRows() throws {
        let a = LinePanel(title: "short", series: [LineSeries(x: [0, 1], y: [0, 1])])
        let b = LinePanel(title: "long", subtitle: "with a subtitle", yAxis: Axis(label: "a y label"),
                          series: [LineSeries(x: [0, 1], y: [0, 123456])])
        let doc = try parseSVG(Figure(rows: [[.line(a), .line(b)], [.line(b), .line(a)]]).svg())
        let frames = doc.elements("rect", class: "frame").map { (Double($0.attributes["x"]!)!, Double($0.attributes["y"]!)!) }
        XCTAssertEqual(frames.count, 4)
        XCTAssertEqual(frames[0].1, frames[1].1)  // same row, same top
        XCTAssertEqual(frames[2].1, frames[3].1)
        XCTAssertEqual(frames[0].0, frames[2].0)  // same column, same left
        XCTAssertEqual(frames[1].0, frames[3].0)
    }

    func testControlCharactersAndIdPrefixStayWellFormed() throws {
        let p = LinePanel(title: "bad\u{0}title\u{7}", series: [LineSeries(label: "x\u{1B}", x: [0], y: [0])])
        let fig = Figure(panels: [.line(p)], idPrefix: "9 bad id!")
        let doc = try parseSVG(fig.svg())
        XCTAssertTrue(doc.hasText(containing: "badtitle"))
        for id in doc.elements.compactMap({ $0.attributes["id"] }) {
            XCTAssertTrue(id.first!.isLetter)
            XCTAssertFalse(id.contains(" ") || id.contains("!"))
        }
    }

    func testDegenerateSizesDoNotCrash() throws {
        let p = LinePanel(series: [LineSeries(x: [1e300, -1e300], y: [1e-300, 1e300])])
        _ = try parseSVG(Figure(panels: [.line(p)], plotWidth: .nan, plotHeight: -5).svg())
        _ = try parseSVG(Figure(panels: []).svg())
    }

    /// --size and --font-size at their bounds, on figures with no panel, empty cells only, or a
    /// heatmap of NaN: a well-formed document of the size asked (or larger, never smaller).
    func testOptionsAtTheirBoundsOnDegenerateFigures() throws {
        let nanMap = HeatmapPanel(title: "all_NaN <&>", x: [0.5], y: [1], values: [[.nan]])
        let figures = [Figure(title: "no panels", panels: []), Figure(title: "empty", rows: [[.empty, .empty]]),
                       Figure(title: "a_b", panels: [.heatmap(nanMap)])]
        for figure in figures {
            for options in [FigureOptions(size: FigureSize(width: 48, height: 48), fontSize: 72),
                            FigureOptions(size: FigureSize(width: 9600, height: 9600), fontSize: 4)] {
                let doc = try parseSVG(figure.applying(options).svg())
                let svg = try XCTUnwrap(doc.elements("svg").first)
                let w = try XCTUnwrap(Double(svg.attributes["width"]!)), h = try XCTUnwrap(Double(svg.attributes["height"]!))
                XCTAssertTrue(w.isFinite && h.isFinite && w >= options.size!.width && h >= options.size!.height, "\(w)×\(h)")
            }
        }
    }
}
