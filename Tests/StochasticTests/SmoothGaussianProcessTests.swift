import Foundation
import XCTest
@testable import Stochastic

final class SmoothGaussianProcessTests: XCTestCase {
    func testValuesCovarianceMatchesKernel() throws {
        let l = 200, n = 8_000, ell = 0.1
        let gp = try SmoothGaussianProcess.values(length: l, lengthScale: ell)
        XCTAssertLessThan(gp.covarianceError, 1e-12)
        var stream = RandomStream(seed: 31, 1)
        let x = LayerMajor(data: gp.sample(sequences: n, from: &stream), length: l, count: n)
        // Step k is t_{k+1} = (k + 1)/L.
        for (i, j) in [(0, 0), (199, 199), (0, 5), (10, 30), (50, 51), (100, 160), (0, 199)] {
            let ti = Double(i + 1) / Double(l), tj = Double(j + 1) / Double(l)
            let kernel = exp(-(ti - tj) * (ti - tj) / (2 * ell * ell))
            assertWithinStandardErrors(Estimate(x.products(i, j)), kernel, "Cov(f(t_\(i + 1)), f(t_\(j + 1)))")
        }
    }

    func testIncrementsHaveUnitVarianceAndKernelCorrelation() throws {
        let l = 100, n = 8_000, bandwidth = 0.01
        let gp = try SmoothGaussianProcess.increments(length: l, bandwidth: bandwidth)
        XCTAssertLessThan(gp.covarianceError, 1e-12)
        var stream = RandomStream(seed: 32, 1)
        let x = LayerMajor(data: gp.sample(sequences: n, from: &stream), length: l, count: n)
        // Independent evaluation of the increment covariance from the kernel (Double, direct formula).
        func k(_ s: Double, _ t: Double) -> Double { exp(-(s - t) * (s - t) / (2 * bandwidth)) }
        func incrementCov(_ i: Int, _ j: Int) -> Double {
            let t = { (m: Int) in Double(m) / Double(l) }
            return k(t(i + 1), t(j + 1)) - k(t(i + 1), t(j)) - k(t(i), t(j + 1)) + k(t(i), t(j))
        }
        let variance = incrementCov(0, 0)
        XCTAssertEqual(variance, SmoothGaussianProcess.incrementVariance(length: l, lengthScale: 0.1), accuracy: 1e-12)
        for lag in [0, 1, 2, 5] {
            XCTAssertEqual(SmoothGaussianProcess.autocovariance(lag: lag, length: l, lengthScale: 0.1, variant: .increments),
                           incrementCov(0, lag) / variance, accuracy: 1e-9)
            assertWithinStandardErrors(Estimate(x.lagProducts(lag: lag)), incrementCov(0, lag) / variance, "increments lag \(lag)")
        }
        assertWithinStandardErrors(Estimate(x.products(0, 0)), 1, "Var Δ_1")
        assertWithinStandardErrors(Estimate(x.products(l - 1, l - 1)), 1, "Var Δ_L")
        assertWithinStandardErrors(Estimate(x.products(40, 41)), incrementCov(40, 41) / variance, "Cov(Δ_41, Δ_42)")
    }

    func testEmbeddingSizesAndAccuracy() throws {
        for (l, ell) in [(1, 0.1), (2, 0.1), (1000, 0.1), (1000, 0.01), (1000, 0.001), (50, 1.0), (37, 3.0)] {
            for v in SmoothGaussianProcess.Variant.allCases {
                let gp = try SmoothGaussianProcess(length: l, lengthScale: ell, variant: v)
                XCTAssertLessThan(gp.covarianceError, 1e-10, "L = \(l) ℓ = \(ell) \(v)")
            }
        }
        XCTAssertEqual(try SmoothGaussianProcess.values(length: 1000).embeddingLength, 2000)
    }

    func testInvalidLengthScaleThrows() {
        for ell in [0, -0.1, .nan, .infinity, -.infinity] {
            XCTAssertThrowsError(try SmoothGaussianProcess.values(length: 10, lengthScale: ell)) { error in
                guard case RandomProcessError.invalidLengthScale = error else { return XCTFail("wrong error \(error)") }
                XCTAssertTrue("\(error)".contains("length scale"), "\(error)")
            }
            XCTAssertThrowsError(try SmoothGaussianProcess.increments(length: 10, bandwidth: ell))
        }
        XCTAssertThrowsError(try SmoothGaussianProcess.values(length: 0))
        XCTAssertThrowsError(try SmoothGaussianProcess.values(length: 1000, lengthScale: 1e6)) { error in
            guard case RandomProcessError.embeddingFailed = error else { return XCTFail("wrong error \(error)") }
        }
    }

    func testDeterminism() throws {
        let gp = try SmoothGaussianProcess.increments(length: 300)
        var a = RandomStream(seed: 33, 1), b = RandomStream(seed: 33, 1), c = RandomStream(seed: 33, 2)
        let xa = gp.sample(sequences: 17, scale: 0.2, from: &a)
        XCTAssertEqual(xa, gp.sample(sequences: 17, scale: 0.2, from: &b))
        XCTAssertNotEqual(xa, gp.sample(sequences: 17, scale: 0.2, from: &c))
        XCTAssertTrue(a.hasSameState(as: b))
    }
}
