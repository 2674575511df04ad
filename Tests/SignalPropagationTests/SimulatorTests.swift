import Support
import XCTest
import ResNets
@testable import SignalPropagation

final class SimulatorTests: XCTestCase {
    func smallSpec() -> SimulationSpec {
        var spec = SimulationSpec()
        spec.width = 12
        spec.inputDimension = 5
        spec.depths = [3, 40, 7]
        spec.betas = [0, 0.5, 1]
        spec.samples = 5
        spec.inputsPerModel = 2
        spec.seed = 42
        return spec
    }

    func testSameNumbersWhateverTheThreadCount() throws {
        let simulator = try Simulator(spec: smallSpec())
        let one = simulator.run(threads: 1).records
        let three = simulator.run(threads: 3).records
        XCTAssertEqual(one, three)
        XCTAssertEqual(one.count, 3 * 3 * 5 * 2)
    }

    func testRecordOrderAndCoordinates() throws {
        let result = try Simulator(spec: smallSpec()).run(threads: 2)
        let first = result.records[0], second = result.records[1], third = result.records[2]
        XCTAssertEqual([first.depth, first.modelIndex, first.inputIndex], [3, 0, 0])
        XCTAssertEqual([second.depth, second.modelIndex, second.inputIndex], [3, 0, 1])
        XCTAssertEqual(third.beta, 0.5)
        XCTAssertEqual(result.records.last!.depth, 7)
    }

    func testDifferentSeedsDifferentNumbers() throws {
        var spec = smallSpec()
        let a = try Simulator(spec: spec).run(threads: 1).records
        spec.seed = 43
        let b = try Simulator(spec: spec).run(threads: 1).records
        XCTAssertNotEqual(a.map(\.metrics.hRatio), b.map(\.metrics.hRatio))
    }

    /// The weights and inputs serve every β: a β's records do not depend on which other β
    /// share the batch, and at a large β the network is nearly the identity.
    func testBetaColumnsShareWeightsAndInputs() throws {
        var spec = smallSpec()
        spec.betas = [0.5, 8]
        let both = try Simulator(spec: spec).run(threads: 1).records
        spec.betas = [0.5]
        let alone = try Simulator(spec: spec).run(threads: 1).records
        let shared = both.filter { $0.beta == 0.5 }
        XCTAssertEqual(shared.count, alone.count)
        for (a, b) in zip(shared, alone) {
            XCTAssertEqual([a.depth, a.modelIndex, a.inputIndex], [b.depth, b.modelIndex, b.inputIndex])
            XCTAssertEqual(a.metrics.hRatio, b.metrics.hRatio, accuracy: 1e-6 * b.metrics.hRatio)
            XCTAssertEqual(a.metrics.gradDiff, b.metrics.gradDiff, accuracy: 1e-6 * max(1, b.metrics.gradDiff))
        }
        for r in both where r.beta == 8 {
            XCTAssertEqual(r.metrics.hRatio, 1, accuracy: 1e-3)
            XCTAssertLessThan(r.metrics.hDiff, 1e-3)
        }
    }

    /// fBm models are drawn whole from samplers shared by the threads: still the same numbers.
    func testCorrelatedInitializationsSameNumbersWhateverTheThreadCount() throws {
        var spec = smallSpec()
        spec.initializations = [.fbm(hurst: 0.3), .fbm(hurst: 0.7), .smooth(lengthscale: 0.2)]
        let simulator = try Simulator(spec: spec)
        XCTAssertEqual(simulator.run(threads: 1).records, simulator.run(threads: 3).records)
    }

    func testRepeatedOrHugeAxisValuesAreRejected() {
        var spec = smallSpec()
        spec.betas = [0.5, 0.5]
        XCTAssertThrowsError(try Simulator(spec: spec)) { XCTAssertEqual(($0 as? ConfigurationError)?.setting, "beta") }
        spec = smallSpec()
        spec.initializations = [.fbm(hurst: 0.5), .fbm(hurst: 0.5)]
        XCTAssertThrowsError(try Simulator(spec: spec)) { XCTAssertEqual(($0 as? ConfigurationError)?.setting, "hurst") }
        spec = smallSpec()
        spec.width = 1 << 40
        XCTAssertThrowsError(try Simulator(spec: spec)) { XCTAssertEqual(($0 as? ConfigurationError)?.setting, "width") }
        XCTAssertThrowsError(try AxisParser.positiveIntegers("1e19", flag: "depth"))
        XCTAssertThrowsError(try AxisParser.values("0:1:1000000000000", flag: "beta"))
    }

    /// An exploding configuration yields non-finite metrics as data, not a crash.
    func testExplosionIsRecordedNotCrashed() throws {
        var spec = SimulationSpec()
        spec.width = 16
        spec.inputDimension = 4
        spec.variant = .res1
        spec.activation = .identity
        spec.depths = [3000]
        spec.betas = [-1]
        spec.samples = 2
        let result = try Simulator(spec: spec).run(threads: 1)
        XCTAssertTrue(result.records.allSatisfy { !$0.metrics.hRatio.isFinite })
        let csv = ResultTables.csv(result)
        XCTAssertTrue(csv.contains(",inf,") || csv.contains(",nan,"))
        let row = result.summary()[0]
        XCTAssertEqual(row.nonFinite, 2)
    }

    func testSpecValidationNamesTheSetting() {
        var spec = smallSpec()
        spec.betas = [.nan]
        XCTAssertThrowsError(try Simulator(spec: spec)) { XCTAssertEqual(($0 as? ConfigurationError)?.setting, "beta") }
        spec = smallSpec()
        spec.width = 0
        XCTAssertThrowsError(try Simulator(spec: spec)) { XCTAssertEqual(($0 as? ConfigurationError)?.setting, "width") }
        spec = smallSpec()
        spec.samples = 0
        XCTAssertThrowsError(try Simulator(spec: spec)) { XCTAssertEqual(($0 as? ConfigurationError)?.setting, "samples") }
    }
}
