import Foundation
import XCTest
@testable import Stochastic

final class FFTTests: XCTestCase {
    static let lengths = [1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 16, 17, 25, 30, 31, 37, 41, 49, 64, 97,
                          100, 121, 128, 210, 243, 360, 1000, 1024, 2000, 2 * 1009, 3 * 101, 4096 + 8]

    /// O(n²) DFT with exactly reduced angles (jk mod n), summed in Double.
    func naiveDFT(_ xr: [Double], _ xi: [Double], sign: Double = -1) -> ([Double], [Double]) {
        let n = xr.count
        var yr = [Double](repeating: 0, count: n), yi = yr
        var c = [Double](repeating: 0, count: n), s = c
        for t in 0..<n {
            let a = 2 * Double.pi * Double(t) / Double(n)
            c[t] = cos(a); s[t] = sign * sin(a)
        }
        for k in 0..<n {
            var ar = 0.0, ai = 0.0
            for j in 0..<n {
                let e = (j * k) % n
                ar += xr[j] * c[e] - xi[j] * s[e]
                ai += xr[j] * s[e] + xi[j] * c[e]
            }
            yr[k] = ar; yi[k] = ai
        }
        return (yr, yi)
    }

    func relativeError(_ ar: [Double], _ ai: [Double], _ br: [Double], _ bi: [Double]) -> Double {
        var num = 0.0, den = 0.0
        for i in 0..<ar.count {
            num += (ar[i] - br[i]) * (ar[i] - br[i]) + (ai[i] - bi[i]) * (ai[i] - bi[i])
            den += br[i] * br[i] + bi[i] * bi[i]
        }
        return (num / max(den, .leastNormalMagnitude)).squareRoot()
    }

    func testForwardMatchesNaiveDFT() {
        var stream = RandomStream(seed: 11, 1)
        for n in Self.lengths {
            let plan = FFTPlan(length: n)
            let xr = stream.normalDoubles(count: n), xi = stream.normalDoubles(count: n)
            var yr = xr, yi = xi
            plan.forward(real: &yr, imag: &yi)
            let (er, ei) = naiveDFT(xr, xi)
            let err = relativeError(yr, yi, er, ei)
            XCTAssertLessThanOrEqual(err, 1e-10, "n = \(n) (bluestein: \(plan.usesBluestein))")
        }
    }

    func testInverseMatchesNaiveAndRoundTrips() {
        var stream = RandomStream(seed: 11, 2)
        for n in Self.lengths {
            let plan = FFTPlan(length: n)
            let xr = stream.normalDoubles(count: n), xi = stream.normalDoubles(count: n)
            var yr = xr, yi = xi
            plan.inverse(real: &yr, imag: &yi, normalized: false)
            let (er, ei) = naiveDFT(xr, xi, sign: 1)
            XCTAssertLessThanOrEqual(relativeError(yr, yi, er, ei), 1e-10, "n = \(n)")
            var zr = xr, zi = xi
            plan.forward(real: &zr, imag: &zi)
            plan.inverse(real: &zr, imag: &zi)
            XCTAssertLessThanOrEqual(relativeError(zr, zi, xr, xi), 1e-13, "round trip n = \(n)")
        }
    }

    func testParseval() {
        var stream = RandomStream(seed: 11, 3)
        for n in [1, 7, 30, 97, 1000, 2018, 4096] {
            let plan = FFTPlan(length: n)
            var xr = stream.normalDoubles(count: n), xi = stream.normalDoubles(count: n)
            let e0 = zip(xr, xi).reduce(0.0) { $0 + $1.0 * $1.0 + $1.1 * $1.1 }
            plan.forward(real: &xr, imag: &xi)
            let e1 = zip(xr, xi).reduce(0.0) { $0 + $1.0 * $1.0 + $1.1 * $1.1 } / Double(n)
            XCTAssertEqual(e1, e0, accuracy: 1e-12 * e0, "n = \(n)")
        }
    }

    func testBatchedLanesEqualSingleTransforms() {
        var stream = RandomStream(seed: 11, 4)
        for n in [1, 2, 12, 37, 100, 2000, 2 * 101] {
            let plan = FFTPlan(length: n)
            var lanesR: [[Double]] = [], lanesI: [[Double]] = []
            for _ in 0..<4 { lanesR.append(stream.normalDoubles(count: n)); lanesI.append(stream.normalDoubles(count: n)) }
            var vr = [SIMD4<Double>](repeating: .zero, count: n), vi = vr
            for j in 0..<n {
                vr[j] = SIMD4(lanesR[0][j], lanesR[1][j], lanesR[2][j], lanesR[3][j])
                vi[j] = SIMD4(lanesI[0][j], lanesI[1][j], lanesI[2][j], lanesI[3][j])
            }
            var wr = vr, wi = vi
            vr.withUnsafeMutableBufferPointer { r in vi.withUnsafeMutableBufferPointer { i in
                wr.withUnsafeMutableBufferPointer { a in wi.withUnsafeMutableBufferPointer { b in
                    plan.forward(real: r.baseAddress!, imag: i.baseAddress!, workReal: a.baseAddress!, workImag: b.baseAddress!)
                } }
            } }
            for c in 0..<4 {
                var sr = lanesR[c], si = lanesI[c]
                plan.forward(real: &sr, imag: &si)
                for j in 0..<n {
                    XCTAssertEqual(vr[j][c], sr[j], accuracy: 1e-12 * Double(n))
                    XCTAssertEqual(vi[j][c], si[j], accuracy: 1e-12 * Double(n))
                }
            }
        }
    }

    func testPlanStructure() {
        XCTAssertEqual(FFTPlan(length: 2000).radices.reduce(1, *), 2000)
        XCTAssertFalse(FFTPlan(length: 2000).usesBluestein)
        XCTAssertTrue(FFTPlan(length: 2 * 1009).usesBluestein)
        XCTAssertEqual(FFTPlan.smoothLength(atLeast: 1998), 2000)
        XCTAssertEqual(FFTPlan.smoothLength(atLeast: 0), 1)
        XCTAssertEqual(FFTPlan.smoothLength(atLeast: 7), 8)
    }
}
