import XCTest
@testable import Plots

final class ColorMapTests: XCTestCase {
    func testHexRoundTrip() {
        XCTAssertEqual(RGBColor(hex: "#1f77b4")?.hex, "#1f77b4")
        XCTAssertEqual(RGBColor(hex: "fff")?.hex, "#ffffff")
        XCTAssertNil(RGBColor(hex: "#12345"))
        XCTAssertNil(RGBColor(hex: "zzzzzz"))
        XCTAssertEqual(RGBColor(0x00ff80).hex, "#00ff80")
    }

    func testDivergingMapEndpointsMidpointAndClipping() {
        let m = ColorMap.blueWhiteRed
        XCTAssertEqual(m.color(for: -1, vmin: -1, vmax: 1).hex, "#053061")
        XCTAssertEqual(m.color(for: 0, vmin: -1, vmax: 1).hex, "#f7f7f7")
        XCTAssertEqual(m.color(for: 1, vmin: -1, vmax: 1).hex, "#67001f")
        // Clipping.
        XCTAssertEqual(m.color(for: 7, vmin: -1, vmax: 1), m.color(for: 1, vmin: -1, vmax: 1))
        XCTAssertEqual(m.color(for: -7, vmin: -1, vmax: 1), m.color(for: -1, vmin: -1, vmax: 1))
        // Non-finite: +inf and NaN saturate to the top, -inf to the bottom.
        XCTAssertEqual(m.color(for: .infinity, vmin: -1, vmax: 1).hex, "#67001f")
        XCTAssertEqual(m.color(for: .nan, vmin: -1, vmax: 1).hex, "#67001f")
        XCTAssertEqual(m.color(for: -.infinity, vmin: -1, vmax: 1).hex, "#053061")
        // Monotone in redness between the middle and the top.
        let a = m.color(for: 0.3, vmin: -1, vmax: 1), b = m.color(for: 0.8, vmin: -1, vmax: 1)
        XCTAssertGreaterThan(Int(a.green), Int(b.green))
    }

    func testSequentialMap() {
        let m = ColorMap.viridis
        XCTAssertEqual(m.color(for: 0, vmin: 0, vmax: 1).hex, "#440154")
        XCTAssertEqual(m.color(for: 1, vmin: 0, vmax: 1).hex, "#fde725")
        XCTAssertEqual(m.color(for: 1.5, vmin: 0, vmax: 1).hex, "#fde725")
        XCTAssertLessThan(m.color(at: 0.2).luminance, m.color(at: 0.8).luminance)
    }

    func testInterpolationAndDegenerateRange() {
        let m = ColorMap(name: "bw", colors: [.black, .white])
        XCTAssertEqual(m.color(at: 0.5).hex, "#808080")
        XCTAssertEqual(m.color(for: 3, vmin: 3, vmax: 3).hex, "#808080")
        XCTAssertEqual(m.reversed.color(at: 0).hex, "#ffffff")
    }
}
