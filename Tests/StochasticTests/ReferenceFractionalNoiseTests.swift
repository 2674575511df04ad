import Foundation
import XCTest
@testable import Stochastic

/// The reproduction of the reference code's fBm sampler: its covariance is the documented
/// c(m), and it differs from fractional Gaussian noise's γ(m) by a measured bias. These tests
/// state that bias; they do not claim the sampler is right.
final class ReferenceFractionalNoiseTests: XCTestCase {
    /// λ_j is the DFT of r = (γ(0), …, γ(N−1), 0, γ(N−1), …, γ(1)).
    func testEigenvaluesAreTheDFTOfTheModifiedFirstRow() throws {
        let n = 30, h = 0.8
        let noise = try ReferenceFractionalNoise(length: n, hurst: h)
        var r = [Double](repeating: 0, count: 2 * n)
        for k in 0..<n { r[k] = FractionalGaussianNoise.autocovariance(lag: k, hurst: h) }
        for k in 1..<n { r[2 * n - k] = r[k] }
        for j in 0..<(2 * n) {
            let direct = (0..<(2 * n)).reduce(0.0) { $0 + r[$1] * cos(2 * Double.pi * Double(j * $1) / Double(2 * n)) }
            XCTAssertEqual(noise.eigenvalues[j], direct, accuracy: 1e-11)
        }
        // λ_0 = N^{2H} − (N−1)^{2H} (telescoping sum of γ).
        XCTAssertEqual(noise.eigenvalues[0], pow(30, 1.6) - pow(29, 1.6), accuracy: 1e-10)
    }

    /// Per-sequence averages of x_k² and x_k·x_{k+1} over k: independent across sequences.
    func moments(_ noise: ReferenceFractionalNoise, sequences: Int, seed: UInt64) -> (variance: Estimate, lag1: Estimate) {
        var stream = RandomStream(seed: seed, coordinates: [1])
        let x = LayerMajor(data: noise.sample(sequences: sequences, from: &stream), length: noise.length, count: sequences)
        return (Estimate(x.lagProducts(lag: 0)), Estimate(x.lagProducts(lag: 1)))
    }

    /// At H = 1/2 every λ_j is 1: the reference's sequence is white noise, like fGn.
    func testWhiteNoiseAtOneHalf() throws {
        let noise = try ReferenceFractionalNoise(length: 1000, hurst: 0.5)
        XCTAssertEqual(noise.autocovariance(lag: 0), 1, accuracy: 1e-12)
        XCTAssertEqual(noise.autocovariance(lag: 1), 0, accuracy: 1e-12)
        let m = moments(noise, sequences: 200, seed: 1)
        assertWithinStandardErrors(m.variance, 1, "variance at H = 0.5")
        assertWithinStandardErrors(m.lag1, 0, "lag-1 covariance at H = 0.5")
    }

    /// The measured bias at L = 1000. Variance c(0) and lag-1 covariance c(1) of the
    /// reference's sequence against fGn's 1 and γ(1):
    ///
    ///     H      c(0)    c(1)    corr    γ(1)
    ///     0.8    1.050   0.465   0.443   0.516
    ///     0.97   1.853   0.230   0.124   0.919
    ///
    /// The samples match c within 5 standard errors and miss γ by many.
    func testMeasuredBiasAgainstFractionalGaussianNoise() throws {
        let table: [(h: Double, variance: Double, lag1: Double, sequences: Int)] = [(0.8, 1.0503, 0.4654, 4000), (0.97, 1.8529, 0.2296, 4000)]
        for row in table {
            let noise = try ReferenceFractionalNoise(length: 1000, hurst: row.h)
            XCTAssertEqual(noise.autocovariance(lag: 0), row.variance, accuracy: 1e-4, "H = \(row.h)")
            XCTAssertEqual(noise.autocovariance(lag: 1), row.lag1, accuracy: 1e-4, "H = \(row.h)")
            let m = moments(noise, sequences: row.sequences, seed: 2)
            assertWithinStandardErrors(m.variance, noise.autocovariance(lag: 0), "variance at H = \(row.h)")
            assertWithinStandardErrors(m.lag1, noise.autocovariance(lag: 1), "lag-1 covariance at H = \(row.h)")
            // fGn would have variance 1 and lag-1 covariance γ(1): far outside the errors.
            let gamma1 = FractionalGaussianNoise.autocovariance(lag: 1, hurst: row.h)
            XCTAssertGreaterThan(abs(m.variance.mean - 1), 8 * m.variance.standardError, "H = \(row.h): variance bias")
            XCTAssertGreaterThan(abs(m.lag1.mean - gamma1), 8 * m.lag1.standardError, "H = \(row.h): lag-1 bias")
        }
        // H = 0.97: λ_j < 0 for 456 of j = 1 … 999 (the real part drops them).
        let steep = try ReferenceFractionalNoise(length: 1000, hurst: 0.97)
        XCTAssertEqual(steep.eigenvalues[1..<1000].filter { $0 < 0 }.count, 456)
    }

    /// At H < 1/2 only the λ_0-for-λ_N swap acts: c(0) − 1 = (λ_0 − λ_N)/(2N), tiny.
    func testRoughHurstBiasIsTheSwappedEigenvalue() throws {
        let noise = try ReferenceFractionalNoise(length: 1000, hurst: 0.2)
        XCTAssertTrue(noise.eigenvalues.allSatisfy { $0 > 0 })
        XCTAssertEqual(noise.autocovariance(lag: 0) - 1, (noise.eigenvalues[0] - noise.eigenvalues[1000]) / 2000, accuracy: 1e-12)
        XCTAssertEqual(noise.autocovariance(lag: 0), 0.99919, accuracy: 1e-5)
    }

    func testDeterministicAndFloatIsRoundedDouble() throws {
        let noise = try ReferenceFractionalNoise(length: 37, hurst: 0.7)
        var a = RandomStream(seed: 3, coordinates: []), b = a, c = a
        let x = noise.sample(sequences: 5, scale: 0.5, from: &a)
        XCTAssertEqual(x, noise.sample(sequences: 5, scale: 0.5, from: &b))
        var f = [Float](repeating: 0, count: 37 * 5)
        f.withUnsafeMutableBufferPointer { noise.sample(sequences: 5, scale: 0.5, from: &c, into: $0) }
        XCTAssertEqual(f, x.map { Float($0) })
        XCTAssertThrowsError(try ReferenceFractionalNoise(length: 10, hurst: 1))
        XCTAssertThrowsError(try ReferenceFractionalNoise(length: 0, hurst: 0.5))
    }
}
