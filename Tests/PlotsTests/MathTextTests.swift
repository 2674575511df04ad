import XCTest
@testable import Plots

final class MathTextTests: XCTestCase {
    func sub(_ s: String, _ size: String = "7") -> String { "<tspan baseline-shift=\"sub\" font-size=\"\(size)\">\(s)</tspan>" }
    func sup(_ s: String, _ size: String = "7") -> String { "<tspan baseline-shift=\"super\" font-size=\"\(size)\">\(s)</tspan>" }

    func testScriptsBecomeTspans() {
        XCTAssertEqual(MathText.svg("h_L", size: 10), "h" + sub("L"))
        XCTAssertEqual(MathText.svg("p_0", size: 10), "p" + sub("0"))
        XCTAssertEqual(MathText.svg("L^{-β}", size: 10), "L" + sup("−β"))
        XCTAssertEqual(MathText.svg("L^-β", size: 10), "L" + sup("−β"))
        XCTAssertEqual(MathText.svg("B^H_t", size: 10), "B" + sup("H") + sub("t"))
        XCTAssertEqual(MathText.svg("β*(H)", size: 10), "β" + sup("*") + "(H)")
        XCTAssertEqual(MathText.svg("‖h_L‖/‖h_0‖", size: 10), "‖h" + sub("L") + "‖/‖h" + sub("0") + "‖")
        XCTAssertEqual(MathText.svg("10^{3}", size: 11), "10" + sup("3", "7.7"))
        XCTAssertEqual(MathText.svg("α_L = L^{-1/2}", size: 10), "α" + sub("L") + " = L" + sup("−1/2"))
        // A Unicode square after a script squares the whole symbol: it is not part of the script.
        XCTAssertEqual(MathText.svg("√E[h_diff²]", size: 10), "√E[h" + sub("diff") + "²]")
        XCTAssertEqual(MathText.svg("x_1₂", size: 10), "x" + sub("1") + "₂")
    }

    func testLiteralUnderscoresAndCarets() {
        XCTAssertEqual(MathText.svg("a _ b", size: 10), "a _ b")
        XCTAssertEqual(MathText.svg("x_", size: 10), "x_")
        XCTAssertEqual(MathText.svg("_x", size: 10), "_x")
        XCTAssertEqual(MathText.svg("a^ b", size: 10), "a^ b")
        XCTAssertEqual(MathText.svg("2*3", size: 10), "2*3")
        XCTAssertEqual(MathText.svg("x_{open", size: 10), "x_{open")   // no closing brace: literal
    }

    func testBackslashMakesMarkupLiteral() {
        XCTAssertEqual(MathText.svg(#"my\_data"#, size: 10), "my_data")
        XCTAssertEqual(MathText.svg(#"a\^b β\*(H) c\\d e\f"#, size: 10), #"a^b β*(H) c\d e\f"#)
        // `literal` escapes user text (file names, dataset names) so it reads as written.
        for name in ["my_data", "run^2", "x_{1}", "β*(H)", #"C:\dir\a_b"#, "plain", "a_b^c"] {
            XCTAssertEqual(MathText.plain(MathText.literal(name)), name)
            XCTAssertEqual(MathText.runs(MathText.literal(name)).map(\.shift), [.none])
        }
        XCTAssertEqual(MathText.svg("h_L of " + MathText.literal("my_data"), size: 10), "h" + sub("L") + " of my_data")
    }

    func testEscapingStaysEscaped() {
        XCTAssertEqual(MathText.svg("a<b & c>\"d'", size: 10), "a&lt;b &amp; c&gt;&quot;d&apos;")
        XCTAssertEqual(MathText.svg("x_{<&>}", size: 10), "x" + sub("&lt;&amp;&gt;"))
        XCTAssertEqual(MathText.svg("h_L<", size: 10), "h" + sub("L") + "&lt;")
        // A script's markup cannot be injected through the text.
        XCTAssertFalse(MathText.svg("x_{</tspan><script>}", size: 10).contains("<script>"))
    }

    func testPlainTextAndWidth() {
        XCTAssertEqual(MathText.plain("B^H_t and L^{-β}"), "BHt and L−β")
        XCTAssertEqual(MathText.runs("h_L"), [MathText.Run("h"), MathText.Run("L", .sub)])
        // Scripts are narrower than the same letters at full size.
        XCTAssertLessThan(MathText.estimatedWidth("h_L", size: 10), MathText.estimatedWidth("hL", size: 10))
    }

    func testTextElementsCarryTspansAndTitlesPlainText() throws {
        let panel = LinePanel(title: "h_L against L", xAxis: Axis(label: "depth L"), yAxis: Axis(label: "‖h_L‖"),
                              series: [LineSeries(x: [1, 2], y: [1, 2])])
        let svg = Figure(title: "α_L = L^{-β}", panels: [.line(panel)]).svg()
        XCTAssertTrue(svg.contains("<title>αL = L−β</title>"))
        XCTAssertTrue(svg.contains(">h<tspan baseline-shift=\"sub\""))
        let doc = try parseSVG(svg)
        XCTAssertTrue(doc.hasText(containing: "hL against L"))
    }
}

final class TickLabelsTests: XCTestCase {
    func testOneStylePerAxis() {
        // The issue's mix: 10000 and 1e8 on one log axis → every label a power of ten.
        let log = [1e-4, 1, 1e4, 1e8]
        XCTAssertEqual(TickLabels.labels(log, scale: .log10), ["10^{-4}", "10^{0}", "10^{4}", "10^{8}"])
        XCTAssertEqual(TickLabels.labels([1, 10, 100], scale: .log10), ["1", "10", "100"])
        XCTAssertEqual(TickLabels.labels([0.01, 0.001], scale: .log10), ["10^{-2}", "10^{-3}"])
        XCTAssertEqual(TickLabels.labels([0, 0.25, 0.5, 1], scale: .linear), ["0", "0.25", "0.5", "1"])
        XCTAssertEqual(TickLabels.labels([-1, -0.5, 0], scale: .linear), ["−1", "−0.5", "0"])
        XCTAssertEqual(TickLabels.labels([0, 2e5, 4e5, 6e5], scale: .linear), ["0", "2×10^{5}", "4×10^{5}", "6×10^{5}"])
        XCTAssertEqual(TickLabels.labels([0, 5e4, 1e5], scale: .linear), ["0", "5×10^{4}", "10^{5}"])
        XCTAssertEqual(TickLabels.labels([2e-3, 5e-3], scale: .log10), ["2×10^{-3}", "5×10^{-3}"])
    }

    func testAxisTicksUseOneStyle() {
        let ticks = AxisTicks.make(axis: .log("y"), lo: -4, hi: 8, target: 5)
        XCTAssertFalse(ticks.labels.isEmpty)
        XCTAssertTrue(ticks.labels.allSatisfy { $0.hasPrefix("10^{") }, "\(ticks.labels)")
        let plain = AxisTicks.make(axis: Axis(), lo: 0, hi: 10_000, target: 5)
        XCTAssertTrue(plain.labels.allSatisfy { !$0.contains("e") && !$0.contains("^") }, "\(plain.labels)")
    }
}
