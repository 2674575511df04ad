import XCTest
@testable import Plots

final class HistogramTests: XCTestCase {
    private func lognormalSamples(_ n: Int) -> [Double] {
        // Deterministic quasi-random samples (no RNG dependency).
        (0..<n).map { i in
            let u = (Double(i) + 0.5) / Double(n)
            let z = sqrt(2) * erfInv(2 * u - 1)
            return exp(0.25 + 0.5 * z)
        }
    }

    private func erfInv(_ y: Double) -> Double {
        // Newton iterations on erf, good enough for test data.
        var x = 0.0
        for _ in 0..<60 { x -= (erf(x) - y) / (2 / sqrt(Double.pi) * exp(-x * x)) }
        return x
    }

    func testCountsSumToFiniteSamples() {
        var s = lognormalSamples(1000)
        s += [.nan, .infinity, -.infinity]
        for binning in [Binning.count(17), .freedmanDiaconis, .sqrt] {
            let h = Histogram(samples: s, binning: binning)
            XCTAssertEqual(h.nonFiniteCount, 3)
            XCTAssertEqual(h.counts.reduce(0, +), 1000)
            XCTAssertEqual(h.edges.count, h.counts.count + 1)
            XCTAssertEqual(h.edges.first!, s.filter(\.isFinite).min()!, accuracy: 1e-12)
            XCTAssertEqual(h.edges.last!, s.filter(\.isFinite).max()!, accuracy: 1e-12)
        }
        XCTAssertEqual(Histogram(samples: s, binning: .count(17)).counts.count, 17)
        XCTAssertEqual(Histogram(samples: s, binning: .sqrt).counts.count, 32)
    }

    func testFreedmanDiaconisBinCount() {
        let s = (0..<1000).map { Double($0) / 999 }  // uniform on [0, 1], IQR ≈ 0.5
        let h = Histogram(samples: s, binning: .freedmanDiaconis)
        // width = 2 · 0.5 / 1000^(1/3) = 0.1 → 10 bins.
        XCTAssertEqual(h.counts.count, 10)
        // Zero IQR falls back to the square-root rule.
        let c = Histogram(samples: [Double](repeating: 1, count: 50) + [2], binning: .freedmanDiaconis)
        XCTAssertEqual(c.counts.count, 8)
    }

    func testLogBinning() {
        let s = [1e-3, 1e-2, 0.1, 1, 10, 100, 1000, 0, -5, .nan]
        let h = Histogram(samples: s, binning: .count(6), logX: true)
        XCTAssertEqual(h.nonFiniteCount, 1)
        XCTAssertEqual(h.nonPositiveCount, 2)
        XCTAssertEqual(h.counts, [1, 1, 1, 1, 1, 2])
        XCTAssertEqual(h.edges[0], 1e-3, accuracy: 1e-15)
        XCTAssertEqual(h.edges[1], 1e-2, accuracy: 1e-14)
        XCTAssertEqual(h.edges[6], 1000, accuracy: 1e-9)
    }

    func testExplicitRangeAndDegenerateInput() {
        let h = Histogram(samples: [0.5, 1.5, 2.5, 10], binning: .count(3), range: 0...3)
        XCTAssertEqual(h.counts, [1, 1, 1])
        XCTAssertEqual(h.outOfRangeCount, 1)
        let single = Histogram(samples: [4, 4, 4], binning: .count(5))
        XCTAssertEqual(single.counts.reduce(0, +), 3)
        let none = Histogram(samples: [.nan, .nan])
        XCTAssertTrue(none.counts.isEmpty)
        XCTAssertEqual(none.nonFiniteCount, 2)
        XCTAssertEqual(Histogram(samples: [1, 2], binning: .count(0)).counts.count, 1)
    }

    func testPanelsSideBySideWithBarsSubtitleAndReferenceLine() throws {
        var grad = lognormalSamples(500)
        grad[3] = .nan
        grad[7] = .infinity
        let h = HistogramPanel(title: "‖h_L‖ / ‖h_0‖", samples: lognormalSamples(500), binning: .count(25), xLabel: "ratio",
                               referenceLines: [ReferenceLine(value: exp(0.25), label: "theoretical median")])
        let g = HistogramPanel(title: "‖p_0‖ / ‖p_L‖", samples: grad, binning: .count(30), logX: true, xLabel: "ratio", density: true)
        let doc = try parseSVG(Figure(columns: 2, panels: [.histogram(h), .histogram(g)]).svg())
        XCTAssertEqual(doc.count("rect", class: "bar"), 55)
        XCTAssertEqual(doc.count("line", class: "reference-line"), 1)
        XCTAssertTrue(doc.hasText(containing: "n = 500 · 0 non-finite excluded"))
        XCTAssertTrue(doc.hasText(containing: "n = 498 · 2 non-finite excluded"))
        XCTAssertTrue(doc.hasText(containing: "theoretical median"))
        XCTAssertTrue(doc.hasText(containing: "density"))
        // Bar counts recorded on the bars sum to the finite samples.
        let counts = doc.elements("rect", class: "bar").compactMap { Int($0.attributes["data-count"] ?? "") }
        XCTAssertEqual(counts.reduce(0, +), 998)
    }

    func testAllNonFiniteHistogramPanel() throws {
        let p = HistogramPanel(title: "exploded", samples: [.nan, .infinity, .nan])
        let doc = try parseSVG(p.svg())
        XCTAssertTrue(doc.hasText(containing: "all values non-finite (explosion)"))
        XCTAssertTrue(doc.hasText(containing: "3 non-finite excluded"))
        XCTAssertEqual(doc.count("rect", class: "bar"), 0)
        _ = try parseSVG(HistogramPanel(samples: []).svg())
    }
}

final class HistogramCurveTests: XCTestCase {
    /// On a count histogram a density curve is scaled to expected counts per bin:
    /// density × samples × bin width (per decade on log binning).
    func testCurveIsScaledToCounts() {
        let samples = (0..<1000).map { Double($0) / 999 }   // uniform on [0, 1]
        let curve = HistogramCurve(label: "uniform", x: [0, 0.5, 1], density: [1, 1, 1])
        let panel = HistogramPanel(samples: samples, binning: .count(10), curves: [curve])
        let points = panel.curvePoints(curve, panel.histogram)
        XCTAssertEqual(points.map(\.y), [100, 100, 100])
        let asDensity = HistogramPanel(samples: samples, binning: .count(10), density: true, curves: [curve])
        XCTAssertEqual(asDensity.curvePoints(curve, asDensity.histogram).map(\.y), [1, 1, 1])
        // Log binning: 2 decades in 4 bins, a density of 1/2 per decade → 1000 · 0.5 · 0.5 = 250 per bin.
        let logSamples = (0..<1000).map { pow(10, 2 * Double($0) / 999) }
        let logCurve = HistogramCurve(x: [1, 10, 100, -1], density: [0.5, 0.5, 0.5, 0.5])
        let logPanel = HistogramPanel(samples: logSamples, binning: .count(4), logX: true, curves: [logCurve])
        XCTAssertEqual(logPanel.curvePoints(logCurve, logPanel.histogram).map(\.y), [250, 250, 250], "x ≤ 0 is not drawable on a log axis")
        let svg = Figure(panels: [.histogram(panel)]).svg()
        XCTAssertTrue(svg.contains("class=\"density-curve\"") && svg.contains("uniform"))
    }
}
