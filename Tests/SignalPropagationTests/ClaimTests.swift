import Support
import Foundation
import XCTest
import ResNets
import Stochastic
@testable import SignalPropagation

/// The claim evaluators on real small simulations (they must PASS) and on inputs where the
/// claim is false (they must FAIL).
final class ClaimTests: XCTestCase {
    /// Fewer replicates than a report, to keep the tests fast; same 99.9 % level.
    var options: ClaimOptions {
        var o = ClaimOptions()
        o.replicates = 2000
        return o
    }

    func assertVerdicts(_ claims: [Claim], _ verdict: Verdict, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(claims.isEmpty, file: file, line: line)
        for c in claims {
            XCTAssertEqual(c.verdict, verdict, "\(c.id): \(c.measured) [\(c.ciLow), \(c.ciHigh)] vs \(c.expected) ± \(c.tolerance) — \(c.note)",
                           file: file, line: line)
        }
    }

    // MARK: The claim type

    func testCriteriaDecideTheVerdict() {
        let ci = ConfidenceInterval(lower: 1, upper: 2, level: 0.95)
        func verdict(_ c: Criterion, measured: Double = 1.5, interval: ConfidenceInterval? = ci) -> Verdict {
            Claim(id: "x", figure: "1", statement: "s", statistic: "t", measured: measured, interval: interval, criterion: c, n: 3).verdict
        }
        XCTAssertEqual(verdict(.intervalContains(1.9, margin: 0)), .pass)
        XCTAssertEqual(verdict(.intervalContains(2.2, margin: 0)), .fail)
        XCTAssertEqual(verdict(.intervalContains(2.2, margin: 0.3)), .pass)
        XCTAssertEqual(verdict(.intervalAbove(0.9)), .pass)
        XCTAssertEqual(verdict(.intervalAbove(1)), .fail)
        XCTAssertEqual(verdict(.intervalAtLeast(1)), .pass)
        XCTAssertEqual(verdict(.intervalBelow(2.1)), .pass)
        XCTAssertEqual(verdict(.intervalBelow(2)), .fail)
        XCTAssertEqual(verdict(.within(1.55, tolerance: 0.1)), .pass)
        XCTAssertEqual(verdict(.within(1.7, tolerance: 0.1)), .fail)
        XCTAssertEqual(verdict(.atLeast(0.01), measured: 0.3, interval: nil), .pass)
        XCTAssertEqual(verdict(.atLeast(0.01), measured: 0.003, interval: nil), .fail)
        // Not a number never passes; +∞ passes "above".
        XCTAssertEqual(verdict(.within(1, tolerance: 10), measured: .nan), .fail)
        XCTAssertEqual(verdict(.intervalContains(1, margin: 0), interval: ConfidenceInterval(lower: .nan, upper: .nan, level: 0.95)), .fail)
        XCTAssertEqual(verdict(.intervalAbove(0), interval: ConfidenceInterval(lower: .infinity, upper: .infinity, level: 0.95)), .pass)
    }

    func testOptionsValidation() {
        XCTAssertNoThrow(try ClaimOptions().validate())
        var o = ClaimOptions()
        o.replicates = 0
        XCTAssertThrowsError(try o.validate()) { XCTAssertEqual(($0 as? ConfigurationError)?.setting, "replicates") }
        o = ClaimOptions()
        o.level = 1
        XCTAssertThrowsError(try o.validate()) { XCTAssertEqual(($0 as? ConfigurationError)?.setting, "level") }
        o = ClaimOptions()
        o.testLevel = .nan
        XCTAssertThrowsError(try o.validate())
        XCTAssertNotEqual(o.seed(for: "a"), o.seed(for: "b"))
    }

    func testClaimsCSV() {
        let claims = [
            Claim(id: "a", figure: "1", statement: "slope, at β = 1/2, is \"flat\"", statistic: "slope", measured: 0.01,
                  interval: ConfidenceInterval(lower: -0.02, upper: 0.04, level: 0.999), criterion: .intervalContains(0, margin: 0), n: 50),
            Claim(id: "b", figure: "2", statement: "p", statistic: "KS p-value", measured: .infinity, interval: nil,
                  criterion: .atLeast(0.01), n: 7),
            .notRun(id: "c", figure: "9", statement: "accuracy", reason: "no data"),
        ]
        let csv = claimsCSV(claims)
        let lines = csv.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines[0], "claim,figure,statement,statistic,measured,ci_low,ci_high,expected,tolerance,verdict,n")
        XCTAssertEqual(lines[1], "a,1,\"slope, at β = 1/2, is \"\"flat\"\"\",slope,0.01,-0.02,0.04,0.0,0.0,PASS,50")
        XCTAssertEqual(lines[2], "b,2,p,KS p-value,inf,nan,nan,0.01,0.0,PASS,7")
        XCTAssertEqual(lines[3], "c,9,accuracy,,,,,,,NOT-RUN,0")
        XCTAssertEqual(lines.count, 5)
        XCTAssertEqual(lines[4], "")
        XCTAssertEqual(claims[2].note, "no data")
    }

    // MARK: Regimes (figures 1, 3, 4, 5)

    func smallSpec(_ initialization: Initialization, betas: [Double]) -> SimulationSpec {
        var spec = SimulationSpec()
        spec.width = 32
        spec.inputDimension = 8
        spec.depths = [10, 40, 160, 640]
        spec.betas = betas
        spec.initializations = [initialization]
        spec.samples = 24
        spec.seed = 21
        return spec
    }

    func testIIDRegimeClaimsPassOnASimulation() throws {
        let result = try Simulator(spec: smallSpec(.iidUniform, betas: [0.25, 0.5, 1])).run(threads: 2)
        let claims = RegimeClaims.iid(result, options: options)
        XCTAssertEqual(claims.count, 8)
        XCTAssertEqual(Set(claims.map(\.figure)), ["1", "3"])
        assertVerdicts(claims, .pass)
        XCTAssertEqual(claims.first { $0.id == "fig1-iid-beta1-h_diff-slope" }?.n, 96)
    }

    /// The same records with the β labels permuted: the "flat" β = 1/2 claim sees the L^{-1/2}
    /// decay, the L^{-1/2} claim sees the explosion, the explosion claims see a decay.
    func testIIDRegimeClaimsFailWhenTheScalingIsWrong() throws {
        let result = try Simulator(spec: smallSpec(.iidUniform, betas: [0.25, 0.5, 1])).run(threads: 2)
        let relabel: [Double: Double] = [0.5: 0.25, 1: 0.5, 0.25: 1]
        let wrong = SimulationResult(spec: result.spec, records: result.records.map { r in
            var r = r
            r.beta = relabel[r.beta]!
            return r
        })
        let claims = RegimeClaims.iid(wrong, options: options)
        assertVerdicts(claims.filter { !$0.id.hasSuffix("at-Lmax") }, .fail)
        assertVerdicts(claims.filter { $0.id.hasSuffix("at-Lmax") }, .fail)
    }

    func testSmoothRegimeClaimsPassOnASimulationAndFailOnIIDWeights() throws {
        let smooth = try Simulator(spec: smallSpec(.smooth(lengthscale: 0.1), betas: [0.5, 1, 2])).run(threads: 2)
        let claims = RegimeClaims.smooth(smooth, options: options)
        XCTAssertEqual(claims.count, 8)
        assertVerdicts(claims, .pass)
        // i.i.d. weights relabelled as smooth: β = 1 is the identity regime (slope −1/2, not 0),
        // β = 2 decays like L^{-3/2} (not L^{-1}) and β = 1/2 does not explode.
        let iid = try Simulator(spec: smallSpec(.iidGaussian, betas: [0.5, 1, 2])).run(threads: 2)
        let relabelled = SimulationResult(spec: smooth.spec, records: iid.records.map { r in
            var r = r
            r.initialization = .smooth(lengthscale: 0.1)
            return r
        })
        assertVerdicts(RegimeClaims.smooth(relabelled, options: options), .fail)
    }

    func testRegimeClaimsNameWhatIsMissing() throws {
        var spec = smallSpec(.iidUniform, betas: [0.5, 1])
        spec.depths = [10, 40]
        spec.samples = 2
        let claims = RegimeClaims.iid(try Simulator(spec: spec).run(threads: 1), options: options)
        assertVerdicts(claims, .notRun)
        XCTAssertTrue(claims.contains { $0.note.contains("at least 3 depths") })
        spec.depths = [10, 20, 40]
        let noQuarter = RegimeClaims.iid(try Simulator(spec: spec).run(threads: 1), options: options)
        XCTAssertTrue(noQuarter.contains { $0.verdict == .notRun && $0.note == "the run has no β = 0.25" })
        XCTAssertTrue(RegimeClaims.smooth(try Simulator(spec: spec).run(threads: 1), options: options)
            .allSatisfy { $0.verdict == .notRun && $0.note == "the run has no smooth initialization" })
    }

    // MARK: Moments and the log-normal law (figure 2)

    func testExactSecondMomentClaims() throws {
        var spec = SimulationSpec()
        spec.variant = .res1
        spec.activation = .identity
        spec.initializations = [.iidGaussian]
        spec.width = 20
        spec.inputDimension = 8
        spec.depths = [10, 50]
        spec.betas = [0.5]
        spec.samples = 2000
        spec.seed = 22
        let result = try Simulator(spec: spec).run(threads: 2)
        let claims = MomentClaims.secondMoments(result, options: options)
        XCTAssertEqual(claims.map(\.id), ["moment-res1-identity-L10-beta0.5", "moment-res1-identity-L50-beta0.5"])
        assertVerdicts(claims, .pass)
        XCTAssertEqual(claims[1].expected, pow(1 + 1 / 50.0, 50), accuracy: 1e-12)
        // Norms 3 % too large: E‖h_L‖² off by 6 %, many standard errors.
        let inflated = SimulationResult(spec: spec, records: result.records.map { r in
            var r = r
            r.metrics.hRatio *= 1.03
            return r
        })
        assertVerdicts(MomentClaims.secondMoments(inflated, options: options), .fail)
        // res-2 has no closed form.
        spec.variant = .res2
        spec.samples = 2
        assertVerdicts(MomentClaims.secondMoments(try Simulator(spec: spec).run(threads: 1), options: options), .notRun)
    }

    func logNormalResult(variant: ResidualVariant, activation: Activation) throws -> SimulationResult {
        var spec = SimulationSpec()
        spec.variant = variant
        spec.activation = activation
        spec.initializations = [.iidGaussian]
        spec.width = 40
        spec.inputDimension = 8
        spec.depths = [100]
        spec.betas = [0.5]
        spec.samples = 1500
        spec.seed = 23
        return try Simulator(spec: spec).run(threads: 2)
    }

    /// Figure 2's law, res-3 ReLU (mean λ(1/2 − 1/d), variance 2λ/d) and res-1 identity
    /// (mean λ(1 − 2/d), variance 4λ/d): PASS on simulations, FAIL when the norms are
    /// shifted by 5 % (mean of the log off by 0.1, about 10 standard errors).
    func testLogNormalLawClaims() throws {
        for (variant, activation) in [(ResidualVariant.res3, Activation.relu), (.res1, .identity)] {
            let result = try logNormalResult(variant: variant, activation: activation)
            let claims = MomentClaims.logNormalLaw(result, options: options)
            XCTAssertEqual(claims.map(\.id), ["fig2-lognormal-mean", "fig2-lognormal-variance", "fig2-lognormal-ks"])
            assertVerdicts(claims, .pass)
            let law = Theory.logSquaredNormRatioLaw(variant: variant, activation: activation, width: 40, depth: 100, beta: 0.5)!
            XCTAssertEqual(claims[0].expected, law.mean)
            XCTAssertEqual(claims[1].expected, law.variance)
            let shifted = SimulationResult(spec: result.spec, records: result.records.map { r in
                var r = r
                r.metrics.hRatio *= exp(0.05)
                return r
            })
            let wrong = MomentClaims.logNormalLaw(shifted, options: options)
            XCTAssertEqual(wrong[0].verdict, .fail)
            XCTAssertEqual(wrong[1].verdict, .pass)   // a shift leaves the variance
            XCTAssertEqual(wrong[2].verdict, .fail)
        }
    }

    /// The numbers PAPER.md quotes: at d = 100, L = 1000, β = 1/2, log‖h_L‖/‖h_0‖ has mean
    /// 0.245 and standard deviation 0.0707 (half those of the squared norm).
    func testLogNormalLawAtFigureTwoSetting() {
        let law = Theory.logSquaredNormRatioLaw(variant: .res3, activation: .relu, width: 100, depth: 1000, beta: 0.5)!
        XCTAssertEqual(law.mean / 2, 0.245, accuracy: 1e-12)
        XCTAssertEqual(law.variance.squareRoot() / 2, 0.0707, accuracy: 1e-4)
        XCTAssertNil(Theory.logSquaredNormRatioLaw(variant: .res1, activation: .relu, width: 100, depth: 1000, beta: 0.5))
    }

    // MARK: Phase boundary (figure 7)

    func phaseResult() throws -> SimulationResult {
        var spec = SimulationSpec()
        spec.width = 16
        spec.inputDimension = 8
        spec.depths = [300]
        spec.betas = (0..<27).map { 1.3 * Double($0) / 26 }
        spec.initializations = [0.2, 0.5, 0.8].map { .fbm(hurst: $0) }
        spec.samples = 4
        spec.inputsPerModel = 3
        spec.seed = 24
        return try Simulator(spec: spec).run(threads: 2)
    }

    func testPhaseBoundaryClaimsPassOnASimulation() throws {
        let result = try phaseResult()
        let claims = PhaseBoundaryClaims.claims(result, options: options)
        XCTAssertEqual(claims.map(\.id), ["fig7-h_diff-flat", "fig7-h_diff-rising", "fig7-grad_diff-flat", "fig7-grad_diff-rising"])
        assertVerdicts(claims, .pass)
        XCTAssertEqual(claims[0].tolerance, log(2) / (2 * log(300.0)), accuracy: 1e-12)
        let points = PhaseBoundaryClaims.boundary(result)
        XCTAssertEqual(points.map(\.hurst), [0.2, 0.5, 0.8])
        // The point estimates are the diagram's boundary.
        let diagram = try PhaseDiagram(result)
        for (p, star) in zip(points, diagram.forwardBoundary) { XCTAssertEqual(p.boundary.estimate, star, accuracy: 1e-12) }
        XCTAssertTrue(points.allSatisfy { $0.boundary.interval.lower <= $0.boundary.estimate && $0.boundary.estimate <= $0.boundary.interval.upper })
    }

    /// Synthetic records whose boundary is wrong: at H = 0.2 the cells cross 0 at β = 0.8
    /// (not flat at 1/2), and β*(0.8) = 0.3 lies below β*(0.5) = 0.5 (not rising).
    func testPhaseBoundaryClaimsFailWhenTheBoundaryIsWrong() throws {
        var spec = SimulationSpec()
        spec.depths = [300]
        spec.betas = (0..<27).map { 1.3 * Double($0) / 26 }
        spec.initializations = [0.2, 0.5, 0.8].map { .fbm(hurst: $0) }
        spec.samples = 4
        spec.inputsPerModel = 3
        let crossing: [Double: Double] = [0.2: 0.8, 0.5: 0.5, 0.8: 0.3]
        var stream = RandomStream(seed: 25, coordinates: [])
        var records: [ProbeRecord] = []
        for initialization in spec.initializations {
            for model in 0..<4 {
                for beta in spec.betas {
                    for input in 0..<3 {
                        // log10 of the difference: 4·(β* − β) plus noise of 0.2 decades.
                        let value = pow(10, 4 * (crossing[initialization.hurst!]! - beta) + 0.2 * stream.nextNormal())
                        records.append(ProbeRecord(depth: 300, initialization: initialization, beta: beta, modelIndex: model,
                                                   inputIndex: input,
                                                   metrics: ProbeMetrics(hRatio: 1, hDiff: value, gradRatio: 1, gradDiff: value)))
                    }
                }
            }
        }
        let result = SimulationResult(spec: spec, records: records)
        let claims = PhaseBoundaryClaims.claims(result, options: options)
        assertVerdicts(claims, .fail)
        XCTAssertEqual(claims[0].measured, 0.8, accuracy: 0.02)
        XCTAssertEqual(claims[1].measured, -0.2, accuracy: 0.03)
    }
}
