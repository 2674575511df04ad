import Foundation
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

    /// Hand-made records, rows in increasing β and columns in increasing H whatever the order
    /// of the axes: with `.log10OfMean` each cell is log10 of the mean over its records;
    /// by default (the reference's statistic) it is the mean of log10.
    func testCellsAreLog10OfTheMeanInSortedLayout() throws {
        var spec = SimulationSpec()
        spec.depths = [10]
        spec.betas = [1, 0.5]
        spec.initializations = [.fbm(hurst: 0.7), .fbm(hurst: 0.3)]
        func record(_ h: Double, _ beta: Double, _ hDiff: Double, _ gradDiff: Double) -> ProbeRecord {
            ProbeRecord(depth: 10, initialization: .fbm(hurst: h), beta: beta, modelIndex: 0, inputIndex: 0,
                        metrics: ProbeMetrics(hRatio: 1, hDiff: hDiff, gradRatio: 1, gradDiff: gradDiff))
        }
        let records = [record(0.7, 1, 10, 1), record(0.7, 1, 990, 3), record(0.3, 1, 0.01, 0.1),
                       record(0.7, 0.5, 1, .infinity), record(0.3, 0.5, 100, 2)]
        let result = SimulationResult(spec: spec, records: records)
        let diagram = try PhaseDiagram(result, cell: .log10OfMean)
        XCTAssertEqual(diagram.cellStatistic, .log10OfMean)
        XCTAssertEqual(diagram.hursts, [0.3, 0.7])
        XCTAssertEqual(diagram.betas, [0.5, 1])
        XCTAssertEqual(diagram.forward[1][1], log10(500), accuracy: 1e-12)   // β = 1, H = 0.7: mean of 10 and 990
        XCTAssertEqual(diagram.forward[1][0], -2, accuracy: 1e-12)                      // β = 1, H = 0.3
        XCTAssertEqual(diagram.forward[0][0], 2, accuracy: 1e-12)                       // β = 0.5, H = 0.3
        XCTAssertEqual(diagram.gradient[0][1], .infinity)                               // explosion
        XCTAssertEqual(diagram.gradient[1][1], log10(2), accuracy: 1e-12)

        let reference = try PhaseDiagram(result)
        XCTAssertEqual(reference.cellStatistic, .meanOfLog10)
        XCTAssertEqual(reference.forward[1][1], (1 + log10(990)) / 2, accuracy: 1e-12)  // not log10(500)
        XCTAssertEqual(reference.gradient[1][1], (0 + log10(3)) / 2, accuracy: 1e-12)
        XCTAssertEqual(reference.forward[1][0], -2, accuracy: 1e-12)
        XCTAssertEqual(reference.gradient[0][1], .infinity)                               // explosion stays +∞
    }

    /// Non-finite logarithms: +∞ or NaN (explosion) makes the mean of logs +∞ even beside a
    /// difference of exactly 0 (log −∞); −∞ alone gives −∞.
    func testMeanOfLogsTreatsExplosionAsInfinity() {
        let cell = PhaseDiagram.CellStatistic.meanOfLog10
        XCTAssertEqual(cell.value([1, 100]), 1, accuracy: 1e-15)
        XCTAssertEqual(cell.value([1, .nan]), .infinity)
        XCTAssertEqual(cell.value([0, .infinity]), .infinity)
        XCTAssertEqual(cell.value([0, 10]), -.infinity)
        XCTAssertTrue(cell.value([]).isNaN)
        XCTAssertEqual(PhaseDiagram.CellStatistic.log10OfMean.value([1, 99]), log10(50), accuracy: 1e-15)
        XCTAssertEqual(PhaseDiagram.CellStatistic.log10OfMean.value([.infinity, -.infinity]), .infinity)
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
