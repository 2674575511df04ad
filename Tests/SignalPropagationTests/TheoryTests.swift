import XCTest
import ResNets
@testable import SignalPropagation

/// The exact moments of PAPER.md §5 and the three regimes, checked by Monte Carlo.
/// Tolerances are a number of standard errors estimated from the same samples.
final class TheoryTests: XCTestCase {
    /// Runs `samples` models (one input each) and returns the mean and standard error of
    /// ‖h_L‖²/‖h_0‖² (one value per model, so the values are independent).
    func meanSquaredRatio(_ variant: ResidualVariant, _ activation: Activation, _ initialization: Initialization,
                          width: Int, depth: Int, beta: Double, samples: Int, seed: UInt64) throws -> (Double, Double) {
        var spec = SimulationSpec()
        spec.variant = variant
        spec.activation = activation
        spec.initializations = [initialization]
        spec.width = width
        spec.inputDimension = 8
        spec.depths = [depth]
        spec.betas = [beta]
        spec.samples = samples
        spec.seed = seed
        let result = try Simulator(spec: spec).run(threads: 2)
        let values = result.records.map { $0.metrics.hRatio * $0.metrics.hRatio }
        XCTAssertEqual(values.count, samples)
        return (Statistics.mean(values), Statistics.standardDeviation(values) / Double(samples).squareRoot())
    }

    func testLinearRes1MatchesExactSecondMoment() throws {
        for (depth, beta) in [(10, 0.5), (50, 0.5), (16, 0.25), (40, 1.0)] {
            let theory = Theory.expectedSquaredNormRatio(variant: .res1, activation: .identity, depth: depth, beta: beta)!
            let (mean, se) = try meanSquaredRatio(.res1, .identity, .iidGaussian, width: 20, depth: depth, beta: beta,
                                                  samples: 3000, seed: 1)
            XCTAssertLessThan(abs(mean - theory), 4 * se, "res-1 identity L=\(depth) β=\(beta): \(mean) vs \(theory) ± \(se)")
            XCTAssertGreaterThan(se, 0)
        }
    }

    func testReLURes3MatchesExactSecondMoment() throws {
        for initialization in [Initialization.iidGaussian, .iidUniform] {
            for (depth, beta) in [(50, 0.5), (16, 0.25)] {
                let theory = Theory.expectedSquaredNormRatio(variant: .res3, activation: .relu, depth: depth, beta: beta)!
                let (mean, se) = try meanSquaredRatio(.res3, .relu, initialization, width: 20, depth: depth, beta: beta,
                                                      samples: 3000, seed: 2)
                XCTAssertLessThan(abs(mean - theory), 4 * se,
                                  "res-3 relu \(initialization) L=\(depth) β=\(beta): \(mean) vs \(theory) ± \(se)")
            }
        }
    }

    /// The oracle is sharp enough to catch a wrong scaling: with α off by 10 % the same
    /// Monte Carlo estimate is many standard errors away (the test above could fail).
    func testMomentTestDetectsAWrongScaling() throws {
        let (mean, se) = try meanSquaredRatio(.res3, .relu, .iidGaussian, width: 20, depth: 50, beta: 0.5,
                                              samples: 3000, seed: 2)
        let wrong = pow(1 + 1.21 / 100, 50.0)  // α² off by 21 %
        XCTAssertGreaterThan(abs(mean - wrong), 4 * se)
    }

    func testThreeRegimes() throws {
        var spec = SimulationSpec()  // res-3, ReLU, iid-uniform, d = 40: figure 1's setting
        spec.depths = [10, 1000]
        spec.samples = 30
        spec.seed = 3
        let summary = try Simulator(spec: spec).run(threads: 2).summary()
        func median(_ depth: Int, _ beta: Double) -> Double {
            summary.first { $0.depth == depth && $0.beta == beta }!.hDiffMedian
        }
        func gradMedian(_ depth: Int, _ beta: Double) -> Double {
            summary.first { $0.depth == depth && $0.beta == beta }!.gradDiffMedian
        }
        // β = 1/4: explosion — the difference grows by orders of magnitude with depth.
        XCTAssertGreaterThan(median(1000, 0.25), 100 * median(10, 0.25))
        XCTAssertGreaterThan(gradMedian(1000, 0.25), 100 * gradMedian(10, 0.25))
        // β = 1/2: neural SDE — O(1) at every depth.
        for depth in [10, 1000] {
            XCTAssert((0.2...3).contains(median(depth, 0.5)), "β = 0.5, L = \(depth): \(median(depth, 0.5))")
            XCTAssert((0.2...3).contains(gradMedian(depth, 0.5)), "β = 0.5, L = \(depth): \(gradMedian(depth, 0.5))")
        }
        // β = 1: identity — the difference vanishes like L^{-1/2}.
        XCTAssertLessThan(median(1000, 1), 0.1)
        XCTAssertLessThan(median(1000, 1), median(10, 1) / 5)
        XCTAssertLessThan(gradMedian(1000, 1), 0.1)
    }
}
