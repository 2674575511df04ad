import Foundation
import XCTest
import Stochastic
@testable import SignalPropagation

/// The estimators of the claims against closed forms, tables and Monte Carlo calibration.
final class EstimatorTests: XCTestCase {
    // MARK: Distributions

    func testIncompleteBetaClosedForms() {
        for x in [0.01, 0.2, 0.5, 0.77, 0.99] {
            XCTAssertEqual(Distributions.regularizedIncompleteBeta(a: 1, b: 1, x: x), x, accuracy: 1e-13)
            XCTAssertEqual(Distributions.regularizedIncompleteBeta(a: 3.5, b: 1, x: x), pow(x, 3.5), accuracy: 1e-13)
            XCTAssertEqual(Distributions.regularizedIncompleteBeta(a: 1, b: 2.5, x: x), 1 - pow(1 - x, 2.5), accuracy: 1e-13)
            // I_x(1/2, 1/2) = (2/π)·asin(√x)
            XCTAssertEqual(Distributions.regularizedIncompleteBeta(a: 0.5, b: 0.5, x: x), 2 / Double.pi * asin(x.squareRoot()),
                           accuracy: 1e-12)
        }
    }

    /// Quantiles of Student's t from the standard table (4 decimals).
    func testStudentTQuantilesMatchTheTable() {
        let table: [(Double, Double, Double)] = [(0.975, 1, 12.7062), (0.975, 2, 4.3027), (0.975, 8, 2.3060),
                                                 (0.975, 30, 2.0423), (0.995, 10, 3.1693), (0.95, 5, 2.0150)]
        for (p, nu, t) in table {
            XCTAssertEqual(Distributions.studentTQuantile(p, degreesOfFreedom: nu), t, accuracy: 1e-4, "t(\(p), \(nu))")
            XCTAssertEqual(Distributions.studentTQuantile(1 - p, degreesOfFreedom: nu), -t, accuracy: 1e-4)
        }
        // ν → ∞: the normal quantile; ν = 1: Cauchy, quantile tan(π(p − 1/2)).
        XCTAssertEqual(Distributions.studentTQuantile(0.975, degreesOfFreedom: 1e7), 1.959964, accuracy: 1e-5)
        XCTAssertEqual(Distributions.studentTQuantile(0.9, degreesOfFreedom: 1), tan(Double.pi * 0.4), accuracy: 1e-9)
        XCTAssertTrue(Distributions.studentTQuantile(0.975, degreesOfFreedom: 0).isNaN)
    }

    /// Kolmogorov's limit law at its tabled critical values and at two values of the CDF.
    func testKolmogorovSurvivalMatchesTheTable() {
        XCTAssertEqual(Distributions.kolmogorovSurvival(1.22385), 0.10, accuracy: 2e-5)
        XCTAssertEqual(Distributions.kolmogorovSurvival(1.35810), 0.05, accuracy: 2e-5)
        XCTAssertEqual(Distributions.kolmogorovSurvival(1.62762), 0.01, accuracy: 2e-5)
        XCTAssertEqual(Distributions.kolmogorovSurvival(1.0), 0.2699997, accuracy: 1e-6)
        XCTAssertEqual(Distributions.kolmogorovSurvival(0.5), 1 - 0.0360547, accuracy: 1e-6)
        // The two series agree where the code switches from one to the other.
        XCTAssertEqual(Distributions.kolmogorovSurvival(1.18.nextDown), Distributions.kolmogorovSurvival(1.18), accuracy: 1e-12)
        XCTAssertEqual(Distributions.kolmogorovSurvival(0), 1)
        XCTAssertEqual(Distributions.kolmogorovSurvival(.infinity), 0)
    }

    // MARK: Kolmogorov–Smirnov

    func testKolmogorovSmirnovStatisticByHand() {
        let ks = GoodnessOfFit.kolmogorovSmirnov([0.9, 0.1, 0.5]) { min(1, max(0, $0)) }
        XCTAssertEqual(ks.statistic, 0.9 - 2.0 / 3, accuracy: 1e-15)   // = 1/3 − 0.1 too
        XCTAssertEqual(ks.count, 3)
        // A NaN (explosion) counts as +∞: far from a law on [0, 1].
        XCTAssertEqual(GoodnessOfFit.kolmogorovSmirnov([0.5, .nan]) { min(1, max(0, $0)) }.statistic, 0.5, accuracy: 1e-15)
    }

    /// Under the hypothesis the p-value is uniform: P(p < 0.05) = 0.05 and P(p < 0.2) = 0.2,
    /// within 4 Monte Carlo standard errors (n = 25 normals per test, 4000 tests).
    func testKolmogorovSmirnovPValueIsCalibrated() {
        var stream = RandomStream(seed: 7, coordinates: [1])
        let tests = 4000
        var below05 = 0, below20 = 0
        for _ in 0..<tests {
            let sample = stream.normalDoubles(count: 25, mean: 1, standardDeviation: 2)
            let p = GoodnessOfFit.kolmogorovSmirnov(sample) { Distributions.normalCDF($0, mean: 1, standardDeviation: 2) }.pValue
            if p < 0.05 { below05 += 1 }
            if p < 0.2 { below20 += 1 }
        }
        for (count, level) in [(below05, 0.05), (below20, 0.2)] {
            let se = (level * (1 - level) / Double(tests)).squareRoot()
            XCTAssertEqual(Double(count) / Double(tests), level, accuracy: 4 * se, "P(p < \(level))")
        }
    }

    /// The test rejects a shift of 0.4 standard deviations at n = 400.
    func testKolmogorovSmirnovRejectsAShiftedLaw() {
        var stream = RandomStream(seed: 8, coordinates: [1])
        let sample = stream.normalDoubles(count: 400, mean: 0.4, standardDeviation: 1)
        let ks = GoodnessOfFit.kolmogorovSmirnov(sample) { Distributions.normalCDF($0) }
        XCTAssertLessThan(ks.pValue, 1e-4)
        XCTAssertEqual(ks.statistic, Distributions.normalCDF(0.2) - Distributions.normalCDF(-0.2), accuracy: 0.07)
    }

    // MARK: Wasserstein-1

    func testWassersteinOfAShiftIsTheShift() {
        var stream = RandomStream(seed: 9, coordinates: [1])
        let a = stream.normalDoubles(count: 1000)
        XCTAssertEqual(GoodnessOfFit.wasserstein1(a, a.map { $0 + 0.3 }), 0.3, accuracy: 1e-12)
        XCTAssertEqual(GoodnessOfFit.wasserstein1(a.map { $0 - 2 }, a), 2, accuracy: 1e-12)
        XCTAssertEqual(GoodnessOfFit.wasserstein1(a, a.shuffled()), 0, accuracy: 1e-12)
    }

    func testWassersteinClosedForms() {
        XCTAssertEqual(GoodnessOfFit.wasserstein1([0], [2]), 2)
        // F_a = 1/2 and F_b = 2/3 on [0, 1): distance 1/6.
        XCTAssertEqual(GoodnessOfFit.wasserstein1([0, 1], [0, 0, 1]), 1.0 / 6, accuracy: 1e-15)
        XCTAssertEqual(GoodnessOfFit.wasserstein1([0, 0, 1], [0, 1]), 1.0 / 6, accuracy: 1e-15)
        // Equal sizes: mean |a_(i) − b_(i)|.
        var stream = RandomStream(seed: 10, coordinates: [1])
        let a = stream.uniformDoubles(count: 37), b = stream.normalDoubles(count: 37)
        let direct = zip(a.sorted(), b.sorted()).map { abs($0 - $1) }.reduce(0, +) / 37
        XCTAssertEqual(GoodnessOfFit.wasserstein1(a, b), direct, accuracy: 1e-12)
        // Non-finite mass that does not match is infinitely far.
        XCTAssertEqual(GoodnessOfFit.wasserstein1([1, .infinity], [1, 2]), .infinity)
        XCTAssertEqual(GoodnessOfFit.wasserstein1([1, .nan], [2, .infinity]), 0.5, accuracy: 1e-15)  // half the mass at +∞ in both
    }

    // MARK: Least squares

    func testLogLogSlopeOfExactPowerLaws() {
        let x = [10.0, 30, 100, 300, 1000]
        for exponent in [-1.0, -0.5, 0, 0.37, 2] {
            let fit = LinearFit.logLog(x: x, y: x.map { 3 * pow($0, exponent) })
            XCTAssertEqual(fit.slope, exponent, accuracy: 1e-12)
            XCTAssertEqual(fit.intercept, log(3), accuracy: 1e-11)
            XCTAssertLessThan(fit.slopeStandardError, 1e-12)
        }
        XCTAssertTrue(LinearFit.logLog(x: x, y: [1, 2, 0, 4, 5]).slope.isNaN)
        XCTAssertTrue(LinearFit(x: [1, 1], y: [2, 3]).slope.isNaN)
    }

    /// The t interval of the slope covers the true slope 95 % of the time (Gaussian errors,
    /// 8 points), within 4 Monte Carlo standard errors; the standard error matches σ/√Sxx.
    func testSlopeIntervalCoverage() {
        var stream = RandomStream(seed: 11, coordinates: [1])
        let x = (0..<8).map(Double.init)
        let trials = 3000
        var covered = 0
        var ses: [Double] = []
        for _ in 0..<trials {
            let noise = stream.normalDoubles(count: 8)
            let fit = LinearFit(x: x, y: x.indices.map { 1 + 2 * x[$0] + noise[$0] })
            if fit.slopeInterval().contains(2) { covered += 1 }
            ses.append(fit.slopeStandardError * fit.slopeStandardError)
        }
        let se = (0.95 * 0.05 / Double(trials)).squareRoot()
        XCTAssertEqual(Double(covered) / Double(trials), 0.95, accuracy: 4 * se)
        XCTAssertEqual(Statistics.mean(ses), 1 / 42.0, accuracy: 0.05 / 42)   // E s² = σ² = 1, Sxx = 42
    }

    // MARK: Bootstrap

    func testBootstrapIsDeterministicAndResamplesWithinStrata() {
        var stream = RandomStream(seed: 12, coordinates: [1])
        let values = stream.normalDoubles(count: 50)
        let a = Bootstrap.percentile(values, replicates: 300, seed: 5, statistic: Statistics.mean)
        let b = Bootstrap.percentile(values, replicates: 300, seed: 5, statistic: Statistics.mean)
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a, Bootstrap.percentile(values, replicates: 300, seed: 6, statistic: Statistics.mean))
        XCTAssertEqual(a.estimate, Statistics.mean(values))
        // Each stratum keeps its own units: the difference of stratum means never changes.
        let strata: [[Double]] = [[0, 0, 0], [1, 1, 1, 1]]
        let d = Bootstrap.percentile(strata: strata, replicates: 200, seed: 1) { Statistics.mean($0[1]) - Statistics.mean($0[0]) }
        XCTAssertEqual(d.interval.lower, 1)
        XCTAssertEqual(d.interval.upper, 1)
    }

    /// The percentile interval of a mean is close to mean ± 1.96·s/√n, and covers the true
    /// mean about 95 % of the time (200 data sets of 60 normals; the percentile bootstrap is
    /// slightly liberal at this size, so the check is 0.95 within 4 standard errors + 0.02).
    func testBootstrapIntervalOfAMean() {
        var stream = RandomStream(seed: 13, coordinates: [1])
        let trials = 200
        var covered = 0
        for t in 0..<trials {
            let values = stream.normalDoubles(count: 60, mean: 5, standardDeviation: 3)
            let boot = Bootstrap.percentile(values, replicates: 400, seed: UInt64(t), statistic: Statistics.mean)
            if boot.interval.contains(5) { covered += 1 }
            if t == 0 {
                let normal = MeanEstimate(values).interval()
                XCTAssertEqual(boot.interval.halfWidth, normal.halfWidth, accuracy: 0.15 * normal.halfWidth)
                XCTAssertEqual(boot.standardError, MeanEstimate(values).standardError, accuracy: 0.15 * MeanEstimate(values).standardError)
            }
        }
        let se = (0.95 * 0.05 / Double(trials)).squareRoot()
        XCTAssertEqual(Double(covered) / Double(trials), 0.95, accuracy: 4 * se + 0.02)
    }

    func testVarianceEstimateAndItsStandardError() {
        var stream = RandomStream(seed: 14, coordinates: [1])
        var estimates: [Double] = [], errors: [Double] = []
        for _ in 0..<400 {
            let v = VarianceEstimate(stream.normalDoubles(count: 200, standardDeviation: 2))
            estimates.append(v.variance)
            errors.append(v.standardError)
        }
        // E s² = 4; SE(s²) = σ²·√(2/(n − 1)) = 0.401 for a normal law.
        XCTAssertEqual(Statistics.mean(estimates), 4, accuracy: 4 * 0.401 / 20)
        XCTAssertEqual(Statistics.mean(errors), 4 * (2.0 / 199).squareRoot(), accuracy: 0.02)
        XCTAssertEqual(Statistics.standardDeviation(estimates), 4 * (2.0 / 199).squareRoot(), accuracy: 0.06)
    }
}
