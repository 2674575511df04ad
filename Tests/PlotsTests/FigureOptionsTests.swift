import XCTest
@testable import Plots

final class FigureOptionsTests: XCTestCase {
    func testSizeParsing() throws {
        XCTAssertEqual(try FigureSize(parsing: "6.5x4"), FigureSize(width: 624, height: 384))
        XCTAssertEqual(try FigureSize(parsing: "6.5×4in"), FigureSize(width: 624, height: 384))
        XCTAssertEqual(try FigureSize(parsing: "800x600px"), FigureSize(width: 800, height: 600))
        XCTAssertEqual(try FigureSize(parsing: " 3X2 "), FigureSize(width: 288, height: 192))
        XCTAssertEqual(try FigureSize(parsing: "6.5x4 in"), FigureSize(width: 624, height: 384))
        XCTAssertEqual(try FigureSize(parsing: "800x600 px"), FigureSize(width: 800, height: 600))
        XCTAssertEqual(try FigureOptions.fontSize(parsing: "9 pt"), 12)
        for bad in ["0x3", "abc", "10x", "x4", "6.5x4x3", "-1x2", "nanx2", "infx2", "200x2", "10x10cm", "40x40px"] {
            XCTAssertThrowsError(try FigureSize(parsing: bad), bad) { error in
                XCTAssertTrue("\(error)".contains("'\(bad)'"), "\(error)")
            }
        }
        XCTAssertEqual(try FigureOptions.fontSize(parsing: "10"), 10)
        XCTAssertEqual(try FigureOptions.fontSize(parsing: "9pt"), 12)
        for bad in ["0", "big", "100", "-3"] { XCTAssertThrowsError(try FigureOptions.fontSize(parsing: bad), bad) }
        // Messages state sizes briefly, and a non-number is not called a size in px.
        XCTAssertThrowsError(try FigureOptions.fontSize(parsing: "1000pt")) { XCTAssertTrue("\($0)".contains("is 1333 px;"), "\($0)") }
        XCTAssertThrowsError(try FigureSize(parsing: "nanxnan")) { XCTAssertTrue("\($0)".contains("is not a size"), "\($0)") }
        XCTAssertThrowsError(try FigureSize(parsing: "0.1x0.1in")) { XCTAssertTrue("\($0)".contains("is 9.6×9.6 px;"), "\($0)") }
    }

    func panels() -> [Panel] {
        [.line(LinePanel(title: "a", subtitle: "one note", xAxis: Axis(label: "x"), yAxis: Axis(label: "y"),
                         series: [LineSeries(x: [0, 1, 2], y: [1, 3, 2])])),
         .line(LinePanel(title: "b", subtitle: "a note · and a second line of notes that is long enough to wrap in a small panel",
                         xAxis: Axis(label: "x"), yAxis: Axis(label: "y"), series: [LineSeries(x: [0, 1, 2], y: [2, 1, 3])]))]
    }

    func testSizeSetsTheDocumentAndFontSizeTheText() throws {
        let figure = Figure(title: "T", columns: 2, panels: panels())
        for size in [FigureSize(width: 624, height: 300), FigureSize(width: 1200, height: 500)] {
            let doc = try parseSVG(figure.applying(FigureOptions(size: size)).svg())
            let svg = try XCTUnwrap(doc.elements("svg").first)
            XCTAssertEqual(Double(svg.attributes["width"]!), size.width)
            XCTAssertEqual(Double(svg.attributes["height"]!), size.height)
            // The plot areas fill the size: the frames end within the document, and are wide.
            let frames = doc.elements("rect", class: "frame")
            XCTAssertEqual(frames.count, 2)
            for f in frames {
                let x = Double(f.attributes["x"]!)!, w = Double(f.attributes["width"]!)!
                XCTAssertLessThanOrEqual(x + w, size.width)
                XCTAssertGreaterThan(w, size.width / 2 - 120)
            }
        }
        let big = try parseSVG(figure.applying(FigureOptions(fontSize: 16)).svg())
        XCTAssertTrue(big.elements("text", class: "tick-label").allSatisfy { $0.attributes["font-size"] == "16" })
        XCTAssertTrue(big.elements("text", class: "axis-label").allSatisfy { $0.attributes["font-size"] == "18.18" })
    }

    /// The titles of one row sit at one height, whatever notes each panel has.
    func testPanelTitlesOfARowLineUp() throws {
        let doc = try parseSVG(Figure(columns: 2, panels: panels()).svg())
        let titles = doc.elements("text", class: "panel-title").map { $0.attributes["y"]! }
        XCTAssertEqual(titles.count, 2)
        XCTAssertEqual(titles[0], titles[1])
        // The long note wrapped into lines rather than widening the figure.
        XCTAssertEqual(doc.elements("text", class: "panel-note").count, 3)
    }

    /// `.inside` keeps the legend in the plot even when every corner covers data.
    func testInsideLegendNeverGoesOutside() throws {
        let n = 200
        let x = (0..<n).map(Double.init)
        let y = x.map { sin($0 / 3) }   // fills the whole plot area
        let series = [LineSeries(label: "data", x: x, y: y), LineSeries(label: "more", x: x, y: y.map { -$0 })]
        for placement in [LegendPlacement.auto, .inside] {
            let panel = LinePanel(xAxis: Axis(), yAxis: Axis(), series: series, legend: placement)
            let doc = try parseSVG(panel.svg())
            let frame = try XCTUnwrap(doc.elements("rect", class: "frame").first)
            let legend = try XCTUnwrap(doc.elements("g", class: "legend").first)
            _ = legend
            let box = try XCTUnwrap(doc.elements("rect").first { $0.attributes["rx"] == "3" })
            let fx = Double(frame.attributes["x"]!)!, fw = Double(frame.attributes["width"]!)!
            let bx = Double(box.attributes["x"]!)!
            if placement == .inside { XCTAssertLessThan(bx, fx + fw) } else { XCTAssertGreaterThan(bx, fx + fw) }
        }
    }
}
