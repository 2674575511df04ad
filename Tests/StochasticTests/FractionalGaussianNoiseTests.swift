import Foundation
import XCTest
@testable import Stochastic

final class FractionalGaussianNoiseTests: XCTestCase {
    func draw(_ f: FractionalGaussianNoise, count: Int, seed: UInt64, _ coords: UInt64...) -> LayerMajor {
        var stream = RandomStream(seed: seed, coordinates: coords)
        return LayerMajor(data: f.sample(sequences: count, from: &stream), length: f.length, count: count)
    }

    func testAutocovarianceFormula() {
        for h in [0.1, 0.3, 0.5, 0.7, 0.95] {
            for k in 0...50 {
                let kd = Double(k)
                let direct = 0.5 * (pow(abs(kd - 1), 2 * h) - 2 * pow(kd, 2 * h) + pow(kd + 1, 2 * h))
                XCTAssertEqual(FractionalGaussianNoise.autocovariance(lag: k, hurst: h), direct, accuracy: 1e-12)
                XCTAssertEqual(FractionalGaussianNoise.autocovariance(lag: -k, hurst: h), direct, accuracy: 1e-12)
            }
            // Asymptotics γ(k) ≈ H(2H − 1) k^{2H−2} at large lags.
            let k = 1e5
            if h != 0.5 {
                XCTAssertEqual(FractionalGaussianNoise.autocovariance(lag: Int(k), hurst: h) / (h * (2 * h - 1) * pow(k, 2 * h - 2)),
                               1, accuracy: 1e-6)
            }
        }
        XCTAssertEqual(FractionalGaussianNoise.autocovariance(lag: 7, hurst: 0.5), 0, accuracy: 1e-15)
    }

    func testEmbeddingIsExactForManyParameters() throws {
        for l in [1, 2, 3, 10, 37, 100, 1000, 1001, 4097] {
            for h in [0.01, 0.2, 0.5, 0.8, 0.99] {
                let f = try FractionalGaussianNoise(length: l, hurst: h)
                XCTAssertLessThan(f.covarianceError, 1e-12, "L = \(l), H = \(h)")
                XCTAssertEqual(f.embeddingLength % 2, 0)
                XCTAssertGreaterThanOrEqual(f.embeddingLength, 2 * (l - 1))
            }
        }
        XCTAssertEqual(try FractionalGaussianNoise(length: 1000, hurst: 0.3).embeddingLength, 2000)
    }

    func testVarianceAndAutocovariance() throws {
        for (l, n) in [(37, 16_000), (1000, 1_600)] {
            for (i, h) in [0.2, 0.5, 0.8].enumerated() {
                let f = try FractionalGaussianNoise(length: l, hurst: h)
                let x = draw(f, count: n, seed: 21, UInt64(l), UInt64(i))
                for lag in [0, 1, 2, 5, 10] {
                    let e = Estimate(x.lagProducts(lag: lag))
                    assertWithinStandardErrors(e, FractionalGaussianNoise.autocovariance(lag: lag, hurst: h),
                                               "L = \(l) H = \(h) lag \(lag)")
                }
                // Non-stationarity check: variance of the first and of the last step.
                assertWithinStandardErrors(Estimate(x.products(0, 0)), 1, "L = \(l) H = \(h) Var X_0")
                assertWithinStandardErrors(Estimate(x.products(l - 1, l - 1)), 1, "L = \(l) H = \(h) Var X_last")
                assertWithinStandardErrors(Estimate(x.products(0, l - 1)),
                                           FractionalGaussianNoise.autocovariance(lag: l - 1, hurst: h), "L = \(l) H = \(h) ends")
            }
        }
    }

    func testHurstFromAggregatedVariance() throws {
        let l = 1000, n = 1_000
        for (i, h) in [0.3, 0.7].enumerated() {
            let f = try FractionalGaussianNoise(length: l, hurst: h)
            let x = draw(f, count: n, seed: 22, UInt64(i))
            for m in [10, 100] {
                // Per sequence: mean of S² over the L/m disjoint blocks of m consecutive steps.
                let perSequence = (0..<n).map { s -> Double in
                    var acc = 0.0
                    for b in 0..<(l / m) {
                        var sum = 0.0
                        for k in (b * m)..<((b + 1) * m) { sum += x[step: k, sequence: s] }
                        acc += sum * sum
                    }
                    return acc / Double(l / m)
                }
                let v = Estimate(perSequence)
                assertWithinStandardErrors(v, pow(Double(m), 2 * h), "H = \(h) Var(S_\(m))")
                // Ĥ = log v / (2 log m), SE by the delta method.
                let hHat = log(v.mean) / (2 * log(Double(m)))
                let seH = v.standardError / (v.mean * 2 * log(Double(m)))
                XCTAssertLessThanOrEqual(abs(hHat - h), 5 * seH, "Ĥ = \(hHat) ± \(seH) for H = \(h), m = \(m)")
            }
        }
    }

    func testShortLengths() throws {
        let f1 = try FractionalGaussianNoise(length: 1, hurst: 0.7)
        let x1 = draw(f1, count: 20_000, seed: 23, 1)
        assertWithinStandardErrors(Estimate(x1.products(0, 0)), 1, "L = 1 variance")
        let f2 = try FractionalGaussianNoise(length: 2, hurst: 0.8)
        let x2 = draw(f2, count: 20_000, seed: 23, 2)
        assertWithinStandardErrors(Estimate(x2.products(0, 0)), 1, "L = 2 Var X_0")
        assertWithinStandardErrors(Estimate(x2.products(1, 1)), 1, "L = 2 Var X_1")
        assertWithinStandardErrors(Estimate(x2.products(0, 1)), FractionalGaussianNoise.autocovariance(lag: 1, hurst: 0.8), "L = 2 lag 1")
    }

    func testInvalidParametersThrow() {
        for h in [0, 1, -0.1, 1.5, .nan, .infinity, -.infinity] {
            XCTAssertThrowsError(try FractionalGaussianNoise(length: 10, hurst: h)) { error in
                guard case RandomProcessError.invalidHurst = error else { return XCTFail("wrong error \(error)") }
                XCTAssertTrue("\(error)".contains("Hurst"), "\(error)")
            }
        }
        for l in [0, -3] {
            XCTAssertThrowsError(try FractionalGaussianNoise(length: l, hurst: 0.5)) { error in
                guard case RandomProcessError.invalidLength = error else { return XCTFail("wrong error \(error)") }
                XCTAssertTrue("\(error)".contains("length"), "\(error)")
            }
        }
    }

    /// Sequences 8b + c and 8b + c + 4 come from the real and imaginary parts of one FFT.
    func testRealAndImaginaryHalvesAreUncorrelated() throws {
        let l = 64, n = 8 * 2_000
        let f = try FractionalGaussianNoise(length: l, hurst: 0.8)
        let x = draw(f, count: n, seed: 24)
        for lag in [0, 1, 3] {
            for c in 0..<4 {
                let perBlock = (0..<(n / 8)).map { b -> Double in
                    var acc = 0.0
                    for k in 0..<(l - lag) { acc += x[step: k, sequence: 8 * b + c] * x[step: k + lag, sequence: 8 * b + c + 4] }
                    return acc / Double(l - lag)
                }
                assertWithinStandardErrors(Estimate(perBlock), 0, "lane \(c) real × imag, lag \(lag)")
            }
            // Neighbouring lanes of the same part are independent as well.
            let perBlock = (0..<(n / 8)).map { b -> Double in
                var acc = 0.0
                for k in 0..<(l - lag) { acc += x[step: k, sequence: 8 * b] * x[step: k + lag, sequence: 8 * b + 1] }
                return acc / Double(l - lag)
            }
            assertWithinStandardErrors(Estimate(perBlock), 0, "lanes 0 × 1, lag \(lag)")
        }
    }

    func testFBMPaths() throws {
        let l = 500, n = 4_000
        for (i, h) in [0.2, 0.5, 0.8].enumerated() {
            let f = try FractionalGaussianNoise(length: l, hurst: h)
            var s1 = RandomStream(seed: 25, UInt64(i))
            var s2 = s1
            let path = LayerMajor(data: f.fbmPaths(sequences: n, from: &s1), length: l, count: n)
            assertWithinStandardErrors(Estimate(path.products(l - 1, l - 1)), 1, "H = \(h) Var B(1)")
            assertWithinStandardErrors(Estimate(path.products(l / 2 - 1, l / 2 - 1)), pow(0.5, 2 * h), "H = \(h) Var B(1/2)")
            // Cov(B(1/2), B(1)) = ½(1 + (1/2)^{2H} − (1/2)^{2H}) = ½.
            assertWithinStandardErrors(Estimate(path.products(l / 2 - 1, l - 1)), 0.5, "H = \(h) Cov(B(1/2), B(1))")
            // Same draws as the fGn: the path is the scaled cumulative sum.
            let noise = f.sample(sequences: n, from: &s2)
            XCTAssertTrue(s1.hasSameState(as: s2))
            let scale = pow(Double(l), -h)
            for s in stride(from: 0, to: n, by: 997) {
                var acc = 0.0
                for k in 0..<l {
                    acc += noise[k * n + s]
                    XCTAssertEqual(path[step: k, sequence: s], acc * scale, accuracy: 1e-12)
                }
            }
        }
    }

    func testGenericStationarySequence() throws {
        // AR(1)-type covariance ρ^k: a valid stationary sequence, embedded exactly.
        let rho = 0.6
        let seq = try StationaryGaussianSequence(length: 50) { pow(rho, Double($0)) }
        XCTAssertLessThan(seq.covarianceError, 1e-12)
        XCTAssertEqual(seq.embeddingLength, 100)
        let n = 8_000
        var stream = RandomStream(seed: 27)
        let buf = UnsafeMutableBufferPointer<Double>.allocate(capacity: 50 * n)
        defer { buf.deallocate() }
        seq.sample(sequences: n, scale: 1, from: &stream, into: buf)
        let x = LayerMajor(data: Array(buf), length: 50, count: n)
        for lag in [0, 1, 3] { assertWithinStandardErrors(Estimate(x.lagProducts(lag: lag)), pow(rho, Double(lag)), "ρ^\(lag)") }
        // Not a covariance (|c(1)| > c(0)): the embedding has negative eigenvalues.
        XCTAssertThrowsError(try StationaryGaussianSequence(length: 4) { $0 == 0 ? 1 : ($0 == 1 ? 1.5 : 0) })
    }

    func testDeterminismLayoutAndFloatOutput() throws {
        let f = try FractionalGaussianNoise(length: 100, hurst: 0.65)
        var a = RandomStream(seed: 26, 1), b = RandomStream(seed: 26, 1), c = RandomStream(seed: 26, 2)
        let xa = f.sample(sequences: 21, scale: 0.5, from: &a)
        let xb = f.sample(sequences: 21, scale: 0.5, from: &b)
        let xc = f.sample(sequences: 21, scale: 0.5, from: &c)
        XCTAssertEqual(xa, xb)
        XCTAssertNotEqual(xa, xc)
        XCTAssertEqual(a.position, UInt64(3 * 8 * f.embeddingLength))
        // Sequence s does not depend on the number of sequences requested (count > s).
        var d = RandomStream(seed: 26, 1)
        let xd = f.sample(sequences: 5, scale: 0.5, from: &d)
        for k in 0..<100 { for s in 0..<5 { XCTAssertEqual(xd[k * 5 + s], xa[k * 21 + s]) } }
        // Float output is the Double output rounded once.
        var e = RandomStream(seed: 26, 1)
        let buf = UnsafeMutableBufferPointer<Float>.allocate(capacity: 100 * 21)
        defer { buf.deallocate() }
        f.sample(sequences: 21, scale: 0.5, from: &e, into: buf)
        for i in 0..<(100 * 21) { XCTAssertEqual(buf[i], Float(xa[i])) }
    }
}
