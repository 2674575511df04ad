import Support
import Foundation
import XCTest
import ResNets
import Stochastic
@testable import SignalPropagation

/// The neural SDE and ODE limit experiments: their couplings against direct computations,
/// determinism, and the claims on small runs (PASS) and on wrong rates (FAIL).
final class LimitTests: XCTestCase {
    var options: ClaimOptions {
        var o = ClaimOptions()
        o.replicates = 2000
        return o
    }

    // MARK: Neural SDE

    var tinySDE: SDELimitSpec {
        var s = SDELimitSpec()
        s.width = 6
        s.inputDimension = 5
        s.depths = [10, 40, 200]
        s.fineDepth = 2000
        s.paths = 6
        s.inputsPerPath = 3
        s.seed = 31
        return s
    }

    /// V_k = √(L/d)·(sum of the block's fine increments); at L = L_fine the increments alone.
    func testBrownianBlocksAreScaledPathIncrements() {
        let d = 3, fine = 12
        var stream = RandomStream(seed: 1, coordinates: [])
        let increments = stream.normalFloats(count: fine * d * d)
        for depth in [1, 3, 4, 12] {
            var weights = BrownianBlockWeights(increments: increments, width: d, fineDepth: fine, depth: depth)
            let block = fine / depth
            for k in 0..<depth {
                weights.withLayer(k) { v, w, b in
                    XCTAssertNil(w)
                    XCTAssertNil(b)
                    for e in 0..<(d * d) {
                        var sum = 0.0
                        for j in (k * block)..<((k + 1) * block) { sum += Double(increments[j * d * d + e]) }
                        XCTAssertEqual(Double(v[e]), (Double(depth) / Double(d)).squareRoot() * sum, accuracy: 1e-5)
                    }
                }
            }
        }
    }

    /// The engine's coupled networks against Euler–Maruyama written out in Double from the
    /// same path: H_{k+1} = H_k + d^{-1/2}(B_{(k+1)/L} − B_{k/L}) ReLU(H_k), H_0 = A x.
    func testCoupledNetworksAreTheEulerMaruyamaSchemeOfOnePath() {
        let spec = tinySDE
        var workspace = NeuralSDELimit.Workspace()
        let (errors, ratios) = NeuralSDELimit.path(2, spec: spec, workspace: &workspace)
        let d = spec.width, n = spec.inputsPerPath, fine = spec.fineDepth
        let increments = workspace.increments.map(Double.init)
        // h_0 = A x from the same streams.
        let stream = RandomStream(seed: spec.seed, coordinates: [NeuralSDELimit.streamTag, 2])
        let config = try! ResNetConfiguration(variant: .res1, activation: .relu, width: d, depth: 1, inputDimension: spec.inputDimension, outputDimension: 1)
        var af = [Float](repeating: 0, count: d * spec.inputDimension)
        let sampler = try! WeightSampler(configuration: config, initialization: .iidGaussian, stream: stream.child(1))
        af.withUnsafeMutableBufferPointer { sampler.fillInputLayer($0) }
        let a = af.map(Double.init)
        var xs = stream.child(2)
        let x = xs.uniformFloats(count: spec.inputDimension * n).map(Double.init)
        func input(_ j: Int) -> [Double] {
            (0..<d).map { i in (0..<spec.inputDimension).reduce(0.0) { $0 + a[i * spec.inputDimension + $1] * x[$1 * n + j] } }
        }
        func euler(_ depth: Int, _ j: Int) -> [Double] {
            var h = input(j)
            let block = fine / depth
            for k in 0..<depth {
                let s = h.map { max($0, 0) }
                var next = h
                for r in 0..<d {
                    for c in 0..<d {
                        var dB = 0.0
                        for f in (k * block)..<((k + 1) * block) { dB += increments[f * d * d + r * d + c] }
                        next[r] += dB / Double(d).squareRoot() * s[c]
                    }
                }
                h = next
            }
            return h
        }
        func norm(_ v: [Double]) -> Double { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }
        for j in 0..<n {
            let h0 = input(j)
            let reference = euler(fine, j)
            XCTAssertEqual(ratios[spec.depths.count][j], norm(reference) / norm(h0), accuracy: 1e-4)
            for (i, depth) in spec.depths.enumerated() {
                XCTAssertEqual(ratios[i][j], norm(euler(depth, j)) / norm(h0), accuracy: 1e-4, "L = \(depth)")
            }
        }
        XCTAssertEqual(errors.count, spec.depths.count)
        XCTAssertTrue(errors.allSatisfy { $0 > 0 && $0 < 1 })
    }

    func testSDELimitIsDeterministicAcrossThreadCounts() throws {
        let one = try NeuralSDELimit.run(tinySDE, threads: 1), two = try NeuralSDELimit.run(tinySDE, threads: 2)
        XCTAssertEqual(one.strongErrors, two.strongErrors)
        XCTAssertEqual(one.normRatios, two.normRatios)
        var more = tinySDE
        more.paths = 8
        XCTAssertEqual(Array(try NeuralSDELimit.run(more, threads: 2).strongErrors.prefix(6)), one.strongErrors, "a path does not depend on how many run")
    }

    func testSDELimitSpecValidation() {
        var s = tinySDE
        s.depths = [10, 30]
        XCTAssertThrowsError(try s.validate()) { XCTAssertEqual(($0 as? ConfigurationError)?.setting, "depth") }
        s.depths = [10, 2000]
        XCTAssertThrowsError(try s.validate())
        s.depths = [10]
        XCTAssertThrowsError(try s.validate())
        s = tinySDE
        s.paths = 1
        XCTAssertThrowsError(try s.validate()) { XCTAssertEqual(($0 as? ConfigurationError)?.setting, "paths") }
        XCTAssertNoThrow(try SDELimitSpec.paper.validate())
        XCTAssertNoThrow(try SDELimitSpec.quick.validate())
    }

    /// A small coupled run: the strong error decays at rate ≈ −1/2 and the distance in law
    /// decreases, so both claims PASS.
    func testSDEClaimsPassOnASmallRun() throws {
        var spec = SDELimitSpec()
        spec.width = 10
        spec.depths = [10, 25, 100, 250]
        spec.fineDepth = 5000
        spec.paths = 60
        spec.inputsPerPath = 4
        spec.seed = 32
        let result = try NeuralSDELimit.run(spec, threads: 2)
        let claims = LimitClaims.sde(result, options: options)
        XCTAssertEqual(claims.map(\.id), ["sde-strong-rate", "sde-w1-decreasing"])
        for c in claims { XCTAssertEqual(c.verdict, .pass, "\(c.id): \(c.measured) [\(c.ciLow), \(c.ciHigh)] \(c.note)") }
        let strong = result.strongRate(options: options)
        XCTAssertEqual(strong.theorySlope, logLogSlope(depths: spec.depths) { (1 / $0 - 1 / 5000).squareRoot() })
        XCTAssertTrue(zip(strong.values, strong.values.dropFirst()).allSatisfy { $0 > $1 })
        XCTAssertEqual(claims[0].tolerance, abs(strong.theorySlope + 0.5), accuracy: 1e-15)
    }

    /// Errors that decay like L^-1 (too fast for strong order 1/2) and distances that grow:
    /// both claims FAIL.
    func testSDEClaimsFailOnWrongRates() {
        var spec = SDELimitSpec()
        spec.depths = [10, 100, 1000]
        spec.paths = 30
        var stream = RandomStream(seed: 33, coordinates: [])
        var errors: [[Double]] = [], ratios: [[[Double]]] = []
        for _ in 0..<30 {
            let c = exp(0.1 * stream.nextNormal())
            errors.append(spec.depths.map { c / Double($0) })
            // ‖h_L‖/‖h_0‖ drifts away from its fine value as L grows.
            let fine = (0..<4).map { _ in 1 + 0.1 * stream.nextNormal() }
            ratios.append(spec.depths.map { depth in fine.map { $0 + 1e-4 * Double(depth) } } + [fine])
        }
        let result = SDELimitResult(spec: spec, strongErrors: errors, normRatios: ratios, seconds: 0)
        for c in LimitClaims.sde(result, options: options) { XCTAssertEqual(c.verdict, .fail, c.id) }
    }

    /// The grouped W1 used by the bootstrap equals the general routine on the expanded samples.
    func testGroupedWassersteinMatchesTheDirectDistance() {
        var stream = RandomStream(seed: 34, coordinates: [])
        let first = (0..<7).map { _ in stream.normalDoubles(count: 3) }
        let second = (0..<7).map { _ in stream.normalDoubles(count: 3, mean: 0.2, standardDeviation: 1) }
        let grouped = GroupedWasserstein(first: first, second: second)
        for multiplicity in [[1, 1, 1, 1, 1, 1, 1], [0, 3, 1, 0, 2, 0, 1], [7, 0, 0, 0, 0, 0, 0]] {
            var a: [Double] = [], b: [Double] = []
            for (g, m) in multiplicity.enumerated() { for _ in 0..<m { a += first[g]; b += second[g] } }
            XCTAssertEqual(grouped.distance(multiplicity: multiplicity), GoodnessOfFit.wasserstein1(a, b), accuracy: 1e-12)
        }
    }

    // MARK: Neural ODE

    var tinyODE: ODELimitSpec {
        var s = ODELimitSpec()
        s.width = 5
        s.inputDimension = 4
        s.depths = [25, 50, 100, 200]
        s.models = 4
        s.inputsPerModel = 3
        s.seed = 41
        return s
    }

    /// The restricted grid has exactly the `smooth:<ℓ>` law at depth L: the fine
    /// autocovariance at lag m·N_f/L is the depth-L autocovariance at lag m.
    func testRestrictionHasTheLawOfTheSmoothInitialization() {
        let spec = tinyODE
        let fine = spec.fineSteps
        for depth in spec.depths {
            for m in [0, 1, 3, 17] {
                XCTAssertEqual(SmoothGaussianProcess.autocovariance(lag: m * fine / depth, length: fine, lengthScale: 0.1, variant: .values),
                               SmoothGaussianProcess.autocovariance(lag: m, length: depth, lengthScale: 0.1, variant: .values), accuracy: 1e-15)
            }
        }
        // And the fine sample realizes it: unit variance, and at time lag 1/20 the covariance
        // exp(−(1/20)²/(2ℓ²)) = e^{−1/8}.
        let process = try! NeuralODELimit.fineProcess(spec)
        var buffer: [Double] = []
        var values: [Double] = [], products: [Double] = []
        for m in 0..<40 {
            NeuralODELimit.samplePath(m, spec: spec, process: process, into: &buffer)
            let d2 = spec.width * spec.width
            for e in 0..<d2 {
                let x0 = buffer[e] * Double(spec.width).squareRoot()
                let x1 = buffer[(fine / 20) * d2 + e] * Double(spec.width).squareRoot()   // lag t = 1/20
                values.append(x0 * x0)
                products.append(x0 * x1)
            }
        }
        // Means of 1000 values of variance ≈ 2: 4 standard errors ≈ 0.18 (the d² entries are independent).
        XCTAssertEqual(Statistics.mean(values), 1, accuracy: 4 * Statistics.standardDeviation(values) / Double(values.count).squareRoot())
        XCTAssertEqual(Statistics.mean(products), exp(-1 / (2 * 0.01 * 400)),
                       accuracy: 4 * Statistics.standardDeviation(products) / Double(products.count).squareRoot())
    }

    /// Layer k of the depth-L network reads the fine sample at index (k + 1)·N_f/L, V then W.
    func testRestrictedWeightsReadTheFineGrid() {
        let d = 2, fine = 8
        let path = (0..<(2 * (fine + 1) * d * d)).map(Double.init)
        var weights = RestrictedPathWeights(path: path, width: d, fineSteps: fine, depth: 4)
        for k in 0..<4 {
            weights.withLayer(k) { v, w, b in
                XCTAssertEqual(v[0], Double((k + 1) * 2 * d * d))
                XCTAssertEqual(w![0], Double((fine + 1) * d * d + (k + 1) * 2 * d * d))
                XCTAssertNil(b)
            }
        }
    }

    /// The reference is far more accurate than the Euler errors it measures: RK4 with twice
    /// the step changes H(1) by less than 10⁻³ of the smallest Euler error. (ReLU's kinks cost
    /// RK4 its fourth order: the change is ≈ 6·10⁻⁷ here, not (h/ℓ)⁴ ≈ 10⁻⁹.)
    func testRK4ReferenceIsAccurate() throws {
        let spec = tinyODE
        let process = try NeuralODELimit.fineProcess(spec)
        var buffer: [Double] = []
        NeuralODELimit.samplePath(0, spec: spec, process: process, into: &buffer)
        var stream = RandomStream(seed: 1, coordinates: [])
        let h0 = stream.normalDoubles(count: spec.width * spec.inputsPerModel)
        let fine = NeuralODELimit.rk4(h0, path: buffer, spec: spec, stepsPerStage: 1)
        let coarse = NeuralODELimit.rk4(h0, path: buffer, spec: spec, stepsPerStage: 2)
        let difference = zip(fine, coarse).map { abs($0 - $1) }.max()!
        let scale = h0.map(abs).max()!
        let result = try NeuralODELimit.run(spec, threads: 1)
        let smallestEuler = result.errors.map { $0.last! }.min()!
        XCTAssertLessThan(difference / scale, 1e-3 * smallestEuler, "RK4 step-doubling difference \(difference)")
    }

    func testODELimitIsDeterministicAcrossThreadCounts() throws {
        XCTAssertEqual(try NeuralODELimit.run(tinyODE, threads: 1).errors, try NeuralODELimit.run(tinyODE, threads: 2).errors)
    }

    func testODELimitSpecValidation() {
        var s = tinyODE
        s.depths = [25, 30]
        XCTAssertThrowsError(try s.validate()) { XCTAssertEqual(($0 as? ConfigurationError)?.setting, "depth") }
        s = tinyODE
        s.refinement = 3
        XCTAssertThrowsError(try s.validate()) { XCTAssertEqual(($0 as? ConfigurationError)?.setting, "refinement") }
        s = tinyODE
        s.lengthScale = 0
        XCTAssertThrowsError(try s.validate())
        XCTAssertNoThrow(try ODELimitSpec.paper.validate())
    }

    func testODEClaimPassesOnASmallRunAndFailsOnAWrongRate() throws {
        let result = try NeuralODELimit.run(tinyODE, threads: 2)
        let claims = LimitClaims.ode(result, options: options)
        XCTAssertEqual(claims.map(\.id), ["ode-rate"])
        XCTAssertEqual(claims[0].verdict, .pass, "\(claims[0].measured) [\(claims[0].ciLow), \(claims[0].ciHigh)]")
        // Errors decaying like L^-1/2 instead.
        let slow = ODELimitResult(spec: result.spec, errors: result.errors.map { row in
            zip(row, result.spec.depths).map { $0 * Double($1).squareRoot() }
        }, seconds: 0)
        XCTAssertEqual(LimitClaims.ode(slow, options: options)[0].verdict, .fail)
        XCTAssertEqual(LimitClaims.ode(slow, options: options)[0].measured, -0.5, accuracy: 0.02)
    }
}
