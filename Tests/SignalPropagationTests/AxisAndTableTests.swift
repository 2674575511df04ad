import Support
import XCTest
import ResNets
@testable import SignalPropagation

final class AxisAndTableTests: XCTestCase {
    func testLinspaceLikeNumpy() throws {
        XCTAssertEqual(try AxisParser.values("0:1:5", flag: "beta"), [0, 0.25, 0.5, 0.75, 1])
        XCTAssertEqual(try AxisParser.positiveIntegers("10:1000:10", flag: "depth"),
                       [10, 120, 230, 340, 450, 560, 670, 780, 890, 1000])
        XCTAssertEqual(try AxisParser.values("0.25, 0.5,1", flag: "beta"), [0.25, 0.5, 1])
        XCTAssertEqual(try AxisParser.values("3:9:1", flag: "beta"), [3])
        let grid = try AxisParser.values("0:1.3:70", flag: "beta")
        XCTAssertEqual(grid.count, 70)
        XCTAssertEqual(grid.last, 1.3)
        XCTAssertEqual(grid[1], 1.3 / 69, accuracy: 1e-15)
    }

    func testMalformedAxesNameTheFlag() {
        for bad in ["", "1:2", "a,b", "1:2:0", "1:2:x", "nan", "1,,2", "inf:2:3"] {
            XCTAssertThrowsError(try AxisParser.values(bad, flag: "beta"), bad) { error in
                XCTAssertEqual((error as? ConfigurationError)?.setting, "beta")
            }
        }
        XCTAssertThrowsError(try AxisParser.positiveIntegers("0,10", flag: "depth"))
        XCTAssertThrowsError(try AxisParser.positiveIntegers("2.5", flag: "depth"))
    }

    func testStatistics() {
        XCTAssertEqual(Statistics.median([3, 1, 2]), 2)
        XCTAssertEqual(Statistics.median([4, 1, 2, 3]), 2.5)
        XCTAssertEqual(Statistics.median([1, .nan, .nan]), .infinity)
        XCTAssertEqual(Statistics.mean([1, 2, 3, 6]), 3)
        XCTAssertTrue(Statistics.mean([1, .infinity]).isInfinite)
        XCTAssertEqual(Statistics.standardDeviation([2, 4, 4, 4, 5, 5, 7, 9]), (32.0 / 7).squareRoot(), accuracy: 1e-12)
    }

    func testCSVFormatsNonFiniteValues() {
        var spec = SimulationSpec()
        spec.depths = [5]
        spec.betas = [0.5]
        let record = ProbeRecord(depth: 5, initialization: .iidUniform, beta: 0.5, modelIndex: 2, inputIndex: 0,
                                 metrics: ProbeMetrics(hRatio: .infinity, hDiff: .nan, gradRatio: 1.5, gradDiff: -.infinity))
        let csv = ResultTables.csv(SimulationResult(spec: spec, records: [record]))
        let lines = csv.split(separator: "\n")
        XCTAssertEqual(String(lines[0]), ResultTables.csvHeader)
        XCTAssertEqual(String(lines[1]), "res3,relu,iid-uniform,,,40,5,0.5,2,0,inf,nan,1.5,-inf")
    }
}
