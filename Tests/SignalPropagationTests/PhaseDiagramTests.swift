import XCTest
import ResNets
@testable import SignalPropagation

final class PhaseDiagramTests: XCTestCase {
    func testBoundaryInterpolatesTheZeroCrossing() {
        let betas = [0.0, 0.5, 1.0, 1.5]
        // values[b][h]; column 0 crosses between β = 0.5 (0.4) and β = 1 (−0.6) → 0.5 + 0.5·0.4/1.0 = 0.7.
        // column 1 starts with an explosion (∞), crosses between 0 and 0.5 → the lower β, 0.
        // column 2 never crosses → NaN. column 3 crosses exactly at β = 1 (0 then −1 → β = 1).
        let values: [[Double]] = [
            [2, .infinity, 3, 1],
            [0.4, -0.2, 2, 0.5],
            [-0.6, -0.5, 1, 0],
            [-1.2, -1, 0.5, -1],
        ]
        let b = PhaseDiagram.boundary(values, betas: betas)
        XCTAssertEqual(b[0], 0.7, accuracy: 1e-12)
        XCTAssertEqual(b[1], 0)
        XCTAssertTrue(b[2].isNaN)
        XCTAssertEqual(b[3], 1, accuracy: 1e-12)
    }

    func testBoundaryIgnoresTheOrderOfTheBetaAxis() {
        let values: [[Double]] = [[-1], [1], [0.5]]
        XCTAssertEqual(PhaseDiagram.boundary(values, betas: [1, 0, 0.5])[0], 0.5 + 0.5 * 0.5 / 1.5, accuracy: 1e-12)
    }

    func testPhaseDiagramNeedsAnFBMAxis() throws {
        var spec = SimulationSpec()
        spec.width = 4
        spec.inputDimension = 2
        spec.depths = [3]
        spec.samples = 1
        let result = try Simulator(spec: spec).run(threads: 1)
        XCTAssertThrowsError(try PhaseDiagram(result))
    }
}
