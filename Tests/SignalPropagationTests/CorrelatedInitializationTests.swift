import Support
import XCTest
import ResNets
@testable import SignalPropagation

/// Figures 4–7 at modest sizes: smooth and fBm weights change the critical scaling.
final class CorrelatedInitializationTests: XCTestCase {
    /// fGn with H = 1/2 is i.i.d. N(0, 1/d): the exact second moment of res-3 + ReLU holds.
    func testFBMAtOneHalfMatchesTheIIDMoment() throws {
        var spec = SimulationSpec()
        spec.width = 20
        spec.inputDimension = 8
        spec.depths = [50]
        spec.betas = [0.5]
        spec.initializations = [.fbm(hurst: 0.5)]
        spec.samples = 2000
        spec.seed = 4
        let values = try Simulator(spec: spec).run(threads: 2).records.map { $0.metrics.hRatio * $0.metrics.hRatio }
        let theory = Theory.expectedSquaredNormRatio(variant: .res3, activation: .relu, depth: 50, beta: 0.5)!
        let se = Statistics.standardDeviation(values) / Double(values.count).squareRoot()
        XCTAssertLessThan(abs(Statistics.mean(values) - theory), 4 * se, "\(Statistics.mean(values)) vs \(theory) ± \(se)")
    }

    /// Figures 4–5: with smooth weights, β = 1 stays O(1) at every depth, β = 2 shrinks
    /// towards the identity, β = 1/2 explodes.
    func testSmoothWeightsHaveCriticalScalingOne() throws {
        for initialization in [Initialization.smooth(lengthscale: 0.1), .smoothIncrements(bandwidthSquared: 0.01)] {
            var spec = SimulationSpec()
            spec.width = 20
            spec.inputDimension = 8
            spec.depths = [10, 400]
            spec.betas = [0.5, 1, 2]
            spec.initializations = [initialization]
            spec.samples = 20
            spec.seed = 5
            let summary = try Simulator(spec: spec).run(threads: 2).summary()
            func median(_ depth: Int, _ beta: Double) -> Double {
                summary.first { $0.depth == depth && $0.beta == beta }!.hDiffMedian
            }
            XCTAssertGreaterThan(median(400, 0.5), 3 * median(10, 0.5), "\(initialization): β = 1/2 grows")
            XCTAssert((0.05...5).contains(median(10, 1)) && (0.05...5).contains(median(400, 1)),
                      "\(initialization): β = 1 stays O(1): \(median(10, 1)), \(median(400, 1))")
            XCTAssertEqual(median(400, 1) / median(10, 1), 1, accuracy: 0.6, "\(initialization)")
            XCTAssertLessThan(median(400, 2), median(10, 2) / 10, "\(initialization): β = 2 tends to the identity")
        }
    }

    /// Figure 7 in small: the measured boundary moves up with the regularity H.
    func testPhaseBoundaryRisesWithHurst() throws {
        var spec = SimulationSpec()
        spec.width = 16
        spec.inputDimension = 8
        spec.depths = [300]
        spec.betas = (0..<14).map { 1.3 * Double($0) / 13 }
        spec.initializations = [.fbm(hurst: 0.2), .fbm(hurst: 0.85)]
        spec.samples = 3
        spec.inputsPerModel = 2
        spec.seed = 6
        let result = try Simulator(spec: spec).run(threads: 2)
        XCTAssertTrue(result.timings.sampling > 0)
        let diagram = try PhaseDiagram(result)
        let forward = diagram.forwardBoundary, gradient = diagram.gradientBoundary
        XCTAssertTrue(forward.allSatisfy(\.isFinite), "\(forward)")
        XCTAssertGreaterThan(forward[1], forward[0] + 0.15, "β*(0.85) above β*(0.2): \(forward)")
        XCTAssertGreaterThan(gradient[1], gradient[0] + 0.15, "\(gradient)")
        let csv = ResultTables.csv(result)
        XCTAssertTrue(csv.contains(",fbm,0.2,,16,300,"))
        XCTAssertTrue(diagram.boundaryCSV().hasPrefix("hurst,beta_star_forward,beta_star_gradient\n0.2,"))
    }

    func testInvalidInitializationsNameTheSetting() {
        XCTAssertThrowsError(try Initialization(parsing: "fbm:1.2")) { XCTAssertEqual(($0 as? ConfigurationError)?.setting, "hurst") }
        XCTAssertThrowsError(try Initialization(parsing: "fbm:0")) { XCTAssertEqual(($0 as? ConfigurationError)?.setting, "hurst") }
        XCTAssertThrowsError(try Initialization(parsing: "fbm:nan"))
        XCTAssertThrowsError(try Initialization(parsing: "fbm"))
        XCTAssertThrowsError(try Initialization(parsing: "smooth:-1"))
        XCTAssertThrowsError(try Initialization(parsing: "smooth-increments:0"))
        XCTAssertThrowsError(try Initialization(parsing: "iid-uniform:3"))
        XCTAssertEqual(try Initialization(parsing: "smooth"), .smooth(lengthscale: 0.1))
        XCTAssertEqual(try Initialization(parsing: "smooth-increments"), .smoothIncrements(bandwidthSquared: 0.01))
        XCTAssertEqual(try Initialization(parsing: "fbm:0.3").description, "fbm:0.3")
    }
}
