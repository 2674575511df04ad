import XCTest
@testable import Plots

final class AxisTests: XCTestCase {
    /// Ticks are multiples of a step 1, 2, 2.5 or 5 × 10^k, inside the range, spanning most of it.
    private func assertNice(_ ticks: [Double], _ lo: Double, _ hi: Double, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertGreaterThanOrEqual(ticks.count, 2, file: file, line: line)
        guard ticks.count >= 2 else { return }
        let step = ticks[1] - ticks[0]
        let e = floor(log10(step))
        let mant = step / pow(10, e)
        XCTAssertTrue([1, 2, 2.5, 5, 10].contains { abs($0 - mant) < 1e-9 }, "step \(step)", file: file, line: line)
        for (i, t) in ticks.enumerated() {
            XCTAssertGreaterThanOrEqual(t, lo - 1e-12, file: file, line: line)
            XCTAssertLessThanOrEqual(t, hi + 1e-12, file: file, line: line)
            XCTAssertEqual((t / step).rounded() * step, t, accuracy: 1e-9 * max(1, abs(t)), file: file, line: line)
            if i > 0 { XCTAssertEqual(ticks[i] - ticks[i - 1], step, accuracy: step * 1e-9, file: file, line: line) }
        }
        // Cover the range: no gap larger than one step at either end.
        XCTAssertLessThanOrEqual(ticks.first! - lo, step + 1e-12, file: file, line: line)
        XCTAssertLessThanOrEqual(hi - ticks.last!, step + 1e-12, file: file, line: line)
    }

    func testLinearTicks() {
        XCTAssertEqual(Ticks.linear(min: 0, max: 1, targetCount: 5), [0, 0.2, 0.4, 0.6, 0.8, 1])
        XCTAssertEqual(Ticks.linear(min: 10, max: 1000, targetCount: 5), [200, 400, 600, 800, 1000])
        XCTAssertEqual(Ticks.linear(min: -1, max: 1, targetCount: 4), [-1, -0.5, 0, 0.5, 1])
        for (lo, hi) in [(0.0, 1.3), (-3.7, 12.2), (0.001, 0.0047), (1e6, 3.3e6), (-1e-5, 1e-5), (0.97, 0.98), (5, 5.001)] {
            for target in [3, 5, 8] {
                assertNice(Ticks.linear(min: lo, max: hi, targetCount: target), lo, hi)
            }
        }
        XCTAssertEqual(Ticks.linear(min: 2, max: 2), [2])
        XCTAssertEqual(Ticks.linear(min: .nan, max: 1), [])
        // Exact decimals: no floating noise.
        XCTAssertTrue(Ticks.linear(min: 0, max: 0.9, targetCount: 9).contains(0.3))
    }

    func testLogTicks() {
        let (major, minor) = Ticks.log10(min: 1e-3, max: 1e3, targetCount: 7)
        XCTAssertEqual(major, [1e-3, 1e-2, 0.1, 1, 10, 100, 1000])
        XCTAssertTrue(minor.contains(2e-3) && minor.contains(500))
        // Many decades: thinned to about targetCount powers of ten.
        let wide = Ticks.log10(min: 1e-12, max: 1e12, targetCount: 5).major
        XCTAssertLessThanOrEqual(wide.count, 7)
        XCTAssertGreaterThanOrEqual(wide.count, 3)
        for t in wide { XCTAssertEqual(log10(t), log10(t).rounded(), accuracy: 1e-12) }
        // Less than a decade: 1-2-5 or linear fallback, all inside the range and positive.
        let narrow = Ticks.log10(min: 0.6, max: 0.95, targetCount: 5).major
        XCTAssertGreaterThanOrEqual(narrow.count, 2)
        XCTAssertTrue(narrow.allSatisfy { $0 >= 0.6 && $0 <= 0.95 })
        let mid = Ticks.log10(min: 0.3, max: 6, targetCount: 5).major
        XCTAssertEqual(mid, [0.5, 1, 2, 5])
        // Invalid ranges give nothing rather than crashing.
        XCTAssertTrue(Ticks.log10(min: -1, max: 10).major.isEmpty)
        XCTAssertTrue(Ticks.log10(min: 0, max: .infinity).major.isEmpty)
    }

    func testResolveRangeSkipsInvalidLogValues() {
        let axis = Axis(scale: .log10)
        let r = resolveRange(axis: axis, data: [-1, 0, .nan, .infinity, 10, 1000], padFraction: 0)
        XCTAssertEqual(r.lo, 1, accuracy: 1e-12)
        XCTAssertEqual(r.hi, 3, accuracy: 1e-12)
        let empty = resolveRange(axis: axis, data: [0, -5, .nan])
        XCTAssertLessThan(empty.lo, empty.hi)
        let fixed = resolveRange(axis: Axis(min: 0, max: 2), data: [5, 7])
        XCTAssertEqual(fixed.lo, 0)
        XCTAssertEqual(fixed.hi, 2)
        let degenerate = resolveRange(axis: Axis(), data: [3, 3])
        XCTAssertLessThan(degenerate.lo, 3)
        XCTAssertGreaterThan(degenerate.hi, 3)
    }
}
