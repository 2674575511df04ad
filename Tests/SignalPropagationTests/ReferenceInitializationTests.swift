import Support
import Foundation
import XCTest
import ResNets
import Stochastic
@testable import SignalPropagation

/// `fbm-reference:<H>`: parsing, streams, and the weights it gives a model.
final class ReferenceInitializationTests: XCTestCase {
    func testParsingAndIdentity() throws {
        let reference = try Initialization(parsing: "fbm-reference:0.8")
        XCTAssertEqual(reference, .fbmReference(hurst: 0.8))
        XCTAssertEqual(reference.description, "fbm-reference:0.8")
        XCTAssertEqual(reference.family, "fbm-reference")
        XCTAssertEqual(reference.hurst, 0.8)
        XCTAssertFalse(reference.isLayerwiseIndependent)
        XCTAssertNotEqual(reference.streamCoordinates, Initialization.fbm(hurst: 0.8).streamCoordinates)
        XCTAssertThrowsError(try Initialization(parsing: "fbm-reference")) {
            XCTAssertTrue(($0 as? ConfigurationError)?.message.contains("fbm-reference:<H>") == true)
        }
        XCTAssertThrowsError(try Initialization(parsing: "fbm-reference:1.5")) { XCTAssertEqual(($0 as? ConfigurationError)?.setting, "hurst") }
        XCTAssertTrue(Initialization.accepted.contains("fbm-reference:<H>"))
        XCTAssertTrue(try Initialization.fbmReference(hurst: 0.3).sequenceProcess(length: 10) is ReferenceFractionalNoise)
    }

    /// A model's residual weights are the reference sequences over √d: at H = 0.97 their
    /// variance is c(0)/d ≈ 2/d, not 1/d (per-sequence means over k, d² = 256 sequences).
    func testModelWeightsHaveTheReferenceVariance() throws {
        let d = 16, depth = 100
        let config = try ResNetConfiguration(variant: .res3, activation: .relu, width: d, depth: depth, inputDimension: 4, outputDimension: 1)
        let sampler = try WeightSampler(configuration: config, initialization: .fbmReference(hurst: 0.97),
                                        stream: RandomStream(seed: 1, coordinates: [2]))
        let v = sampler.parameters(Double.self).v
        let perSequence = (0..<(d * d)).map { s in (0..<depth).reduce(0.0) { $0 + v[$1 * d * d + s] * v[$1 * d * d + s] } / Double(depth) }
        let c0 = try ReferenceFractionalNoise(length: depth, hurst: 0.97).autocovariance(lag: 0)
        XCTAssertGreaterThan(c0, 1.8)
        let m = MeanEstimate(perSequence)
        XCTAssertEqual(m.mean * Double(d), c0, accuracy: 5 * m.standardError * Double(d))
        XCTAssertGreaterThan(abs(m.mean * Double(d) - 1), 5 * m.standardError * Double(d))
    }

    /// A simulation over a Hurst axis of the reference sampler gives a phase diagram and the
    /// CSV names the family.
    func testSimulationAndPhaseDiagramWithTheReferenceSampler() throws {
        var spec = SimulationSpec()
        spec.width = 8
        spec.inputDimension = 4
        spec.depths = [50]
        spec.betas = [0.25, 0.5, 1]
        spec.initializations = [.fbmReference(hurst: 0.3), .fbmReference(hurst: 0.9)]
        spec.samples = 2
        let result = try Simulator(spec: spec).run(threads: 2)
        XCTAssertEqual(try PhaseDiagram(result).hursts, [0.3, 0.9])
        XCTAssertTrue(ResultTables.csv(result).contains(",fbm-reference,0.9,,8,50,"))
        XCTAssertEqual(PhaseBoundaryClaims.boundary(result, replicates: 50).count, 2)
    }
}
