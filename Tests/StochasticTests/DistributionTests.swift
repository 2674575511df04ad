import Foundation
import XCTest
@testable import Stochastic

/// Statistical checks with fixed seeds. Every tolerance is 5 standard errors of the statistic
/// under the hypothesis being tested (or a KS critical value at α = 1e-4), never tuned.
final class DistributionTests: XCTestCase {
    let n = 1 << 20

    private func rawMoments(_ x: [Double]) -> (m1: Double, m2: Double, m3: Double, m4: Double) {
        var s1 = 0.0, s2 = 0.0, s3 = 0.0, s4 = 0.0
        for v in x { let v2 = v * v; s1 += v; s2 += v2; s3 += v2 * v; s4 += v2 * v2 }
        let c = Double(x.count)
        return (s1 / c, s2 / c, s3 / c, s4 / c)
    }

    private func checkStandardNormalMoments(_ x: [Double], file: StaticString = #filePath, line: UInt = #line) {
        let m = rawMoments(x)
        let r = sqrt(Double(x.count))
        // Var(z) = 1, Var(z²) = 2, Var(z³) = 15, Var(z⁴) = 105 − 9 = 96.
        XCTAssertLessThan(abs(m.m1), 5 / r, "mean", file: file, line: line)
        XCTAssertLessThan(abs(m.m2 - 1), 5 * sqrt(2) / r, "variance", file: file, line: line)
        XCTAssertLessThan(abs(m.m3), 5 * sqrt(15) / r, "third moment", file: file, line: line)
        XCTAssertLessThan(abs(m.m4 - 3), 5 * sqrt(96) / r, "fourth moment", file: file, line: line)
    }

    /// Kolmogorov–Smirnov distance to Φ; critical value √(−ln(α/2)/2)/√n at α = 1e-4.
    private func checkKolmogorovSmirnov(_ x: [Double], file: StaticString = #filePath, line: UInt = #line) {
        let sorted = x.sorted()
        let c = Double(sorted.count)
        var d = 0.0
        for (i, v) in sorted.enumerated() {
            let f = 0.5 * erfc(-v / 2.0.squareRoot())
            d = max(d, abs(f - Double(i) / c), abs(Double(i + 1) / c - f))
        }
        XCTAssertLessThan(d, (-log(1e-4 / 2) / 2).squareRoot() / c.squareRoot(), "KS distance", file: file, line: line)
    }

    private func correlation(_ x: ArraySlice<Double>, _ y: ArraySlice<Double>) -> Double {
        let mx = x.reduce(0, +) / Double(x.count), my = y.reduce(0, +) / Double(y.count)
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (a, b) in zip(x, y) { sxy += (a - mx) * (b - my); sxx += (a - mx) * (a - mx); syy += (b - my) * (b - my) }
        return sxy / (sxx * syy).squareRoot()
    }

    func testNormalFloatMomentsAndKS() {
        var s = RandomStream(seed: 2024, 1)
        let x = s.normalFloats(count: n).map(Double.init)
        checkStandardNormalMoments(x)
        checkKolmogorovSmirnov(Array(x.prefix(200_000)))
        XCTAssertTrue(x.allSatisfy { abs($0) < 6.7 })
    }

    func testNormalDoubleMomentsAndKS() {
        var s = RandomStream(seed: 2024, 2)
        let x = s.normalDoubles(count: n)
        checkStandardNormalMoments(x)
        checkKolmogorovSmirnov(Array(x.prefix(200_000)))
    }

    func testNormalMeanAndStandardDeviationAreApplied() {
        var s = RandomStream(seed: 7)
        let m = 200_000
        let x = s.normalDoubles(count: m, mean: 3, standardDeviation: 0.5)
        let mean = x.reduce(0, +) / Double(m)
        let variance = x.map { ($0 - 3) * ($0 - 3) }.reduce(0, +) / Double(m)
        XCTAssertLessThan(abs(mean - 3), 5 * 0.5 / Double(m).squareRoot())
        XCTAssertLessThan(abs(variance - 0.25), 5 * 0.25 * 2.0.squareRoot() / Double(m).squareRoot())
    }

    func testNormalTailFrequency() {
        // P(|z| > 3) = 0.0026998; binomial standard error over n draws.
        var s = RandomStream(seed: 99)
        let p = 0.002_699_796
        for x in [s.normalFloats(count: n).map(Double.init), s.normalDoubles(count: n)] {
            let freq = Double(x.filter { abs($0) > 3 }.count) / Double(n)
            XCTAssertLessThan(abs(freq - p), 5 * (p * (1 - p) / Double(n)).squareRoot())
        }
    }

    func testUniformMomentsAndChiSquare() {
        var s = RandomStream(seed: 5, 5)
        for x in [s.uniformFloats(count: n).map(Double.init), s.uniformDoubles(count: n)] {
            let m = rawMoments(x)
            let r = sqrt(Double(n))
            XCTAssertLessThan(abs(m.m1 - 0.5), 5 * (1.0 / 12).squareRoot() / r)
            XCTAssertLessThan(abs(m.m2 - 1.0 / 3), 5 * (4.0 / 45).squareRoot() / r)
            // χ² over 256 equal bins: mean 255, sd √510; reject beyond 5 sd.
            var bins = [Int](repeating: 0, count: 256)
            for v in x { bins[Int(v * 256)] += 1 }
            let e = Double(n) / 256
            let chi2 = bins.reduce(0.0) { $0 + (Double($1) - e) * (Double($1) - e) / e }
            XCTAssertLessThan(abs(chi2 - 255), 5 * 510.0.squareRoot())
        }
    }

    func testUniformBoundsAreRespected() {
        var s = RandomStream(seed: 8)
        let ranges: [(Float, Float)] = [(-0.1, 0.3), (1, 1.000_000_2), (-3, -2.999_999_5), (0, 1e-30), (-1e30, 1e30)]
        for (lo, hi) in ranges {
            let x = s.uniformFloats(count: 100_000, low: lo, high: hi)
            XCTAssertTrue(x.allSatisfy { $0 >= lo && $0 < hi }, "\(lo)..<\(hi)")
        }
        let dranges: [(Double, Double)] = [(-0.1, 0.3), (1, 1 + 4 * Double.ulpOfOne), (-5, 7)]
        for (lo, hi) in dranges {
            let x = s.uniformDoubles(count: 100_000, low: lo, high: hi)
            XCTAssertTrue(x.allSatisfy { $0 >= lo && $0 < hi }, "\(lo)..<\(hi)")
        }
    }

    func testSiblingStreamsAreUncorrelated() {
        let parent = RandomStream(seed: 31, 4)
        let m = 200_000
        let bound = 5 / Double(m).squareRoot()
        var a = parent.child(0), b = parent.child(1), c = RandomStream(seed: 32, 4, 0)
        let xa = a.normalDoubles(count: m), xb = b.normalDoubles(count: m), xc = c.normalDoubles(count: m)
        XCTAssertLessThan(abs(correlation(xa[...], xb[...])), bound)
        XCTAssertLessThan(abs(correlation(xa[...], xc[...])), bound)
        var d = parent.child(2), e = parent.child(3)
        let ua = d.uniformFloats(count: m).map(Double.init), ub = e.uniformFloats(count: m).map(Double.init)
        XCTAssertLessThan(abs(correlation(ua[...], ub[...])), bound)
    }

    func testLagCorrelationsWithinAStreamVanish() {
        var s = RandomStream(seed: 77)
        let m = 200_000
        let bound = 5 / Double(m).squareRoot()
        let z = s.normalDoubles(count: m + 16)
        let zf = s.normalFloats(count: m + 16).map(Double.init)
        let u = s.uniformFloats(count: m + 32).map(Double.init)
        // Lag 1, plus the lags that pair Box–Muller partners (8, 4) and SIMD lanes (8, 16, 32).
        for lag in [1, 4, 8, 16] {
            XCTAssertLessThan(abs(correlation(z[0..<m], z[lag..<(m + lag)])), bound, "normal Double lag \(lag)")
            XCTAssertLessThan(abs(correlation(zf[0..<m], zf[lag..<(m + lag)])), bound, "normal Float lag \(lag)")
            // Squares catch Box–Muller partners sharing one radius (cos² + sin² pairs).
            let sq = z.map { $0 * $0 }, sqf = zf.map { $0 * $0 }
            XCTAssertLessThan(abs(correlation(sq[0..<m], sq[lag..<(m + lag)])), bound, "squared Double lag \(lag)")
            XCTAssertLessThan(abs(correlation(sqf[0..<m], sqf[lag..<(m + lag)])), bound, "squared Float lag \(lag)")
        }
        for lag in [1, 8, 32] {
            XCTAssertLessThan(abs(correlation(u[0..<m], u[lag..<(m + lag)])), bound, "uniform lag \(lag)")
        }
    }

    // MARK: Elementary functions behind the transforms

    func testFloatKernelsAgainstLibm() {
        var s = RandomStream(seed: 1)
        for _ in 0..<2000 {
            let w = SIMD8<UInt32>((0..<8).map { _ in s.nextUInt32() })
            let x = toFloat(unsafeBitCast(w &>> 1, to: SIMD8<Int32>.self)) * 0x1p-31 + 0x1p-32
            let l = simdLog(x)
            let (sn, cs) = simdSinCosTurns(w &>> 8)
            let q = simdSquareRoot(-2 * l)
            for i in 0..<8 {
                let ref = log(Double(x[i]))
                XCTAssertLessThanOrEqual(abs(Double(l[i]) - ref), 2.5e-7 * abs(ref) + 1e-12)
                let t = Double(w[i] >> 8) * 0x1p-24 * 2 * Double.pi
                XCTAssertLessThanOrEqual(abs(Double(sn[i]) - sin(t)), 2.5e-7)
                XCTAssertLessThanOrEqual(abs(Double(cs[i]) - cos(t)), 2.5e-7)
                XCTAssertLessThanOrEqual(abs(Double(q[i]) - (-2 * Double(l[i])).squareRoot()), 2.5e-7 * Double(q[i]) + 1e-12)
            }
        }
    }

    func testDoubleKernelsAgainstLibm() {
        var s = RandomStream(seed: 2)
        for _ in 0..<2000 {
            let w = SIMD4<UInt64>((0..<4).map { _ in s.nextUInt64() }) &>> 11
            let x = exactDouble53(w) * 0x1p-53 + 0x1p-54
            let l = simdLog(x)
            let (sn, cs) = simdSinCosTurns(w)
            let q = simdSquareRoot(-2 * l)
            for i in 0..<4 {
                XCTAssertEqual(x[i], Double(w[i]) * 0x1p-53 + 0x1p-54)
                let ref = log(x[i])
                XCTAssertLessThanOrEqual(abs(l[i] - ref), 4e-16 * abs(ref) + 1e-300)
                let t = Double(w[i]) * 0x1p-53
                XCTAssertLessThanOrEqual(abs(sn[i] - sin(2 * Double.pi * t)), 1e-15)
                XCTAssertLessThanOrEqual(abs(cs[i] - cos(2 * Double.pi * t)), 1e-15)
                XCTAssertLessThanOrEqual(abs(q[i] - (-2 * l[i]).squareRoot()), 3e-16 * q[i])
            }
        }
        // Extremes of u₁: smallest (2⁻⁵⁴) and 1.
        let ends = simdLog(SIMD4<Double>(0x1p-54, 1, 0.5, 0.75))
        XCTAssertEqual(ends[0], -54 * log(2.0), accuracy: 1e-13)
        XCTAssertEqual(ends[1], 0)
        XCTAssertEqual(simdSquareRoot(SIMD4<Double>(0, 4, 2, 1e-300))[1], 2)
    }
}
