import XCTest
import Figures
import Plots
import SignalPropagation

final class SimulationFiguresTests: XCTestCase {
    func makeResult(explode: Bool = false) throws -> SimulationResult {
        var spec = SimulationSpec()
        spec.width = 6
        spec.inputDimension = 3
        spec.depths = [4, 30]
        spec.betas = explode ? [-1, 0.5] : [0.25, 0.5, 1]
        spec.samples = 3
        spec.variant = explode ? .res1 : .res3
        spec.activation = explode ? .identity : .relu
        if explode { spec.depths = [2000] }
        return try Simulator(spec: spec).run(threads: 1)
    }

    func testDifferencesFigureHasOnePanelPerBetaAndMetric() throws {
        let figure = SimulationFigures.differencesFigure(try makeResult())
        XCTAssertEqual(figure.panels.count, 6)
        XCTAssertEqual(figure.columns, 3)
        let svg = figure.svg()
        XCTAssertTrue(svg.contains("β = 0.25 · forward"))
        XCTAssertTrue(svg.contains("β = 1 · gradient"))
        XCTAssertTrue(svg.hasSuffix("</svg>\n") || svg.hasSuffix("</svg>"))
    }

    func testHistogramFigureUsesTheLargestDepth() throws {
        let figure = SimulationFigures.histogramFigure(try makeResult())
        XCTAssertEqual(figure.panels.count, 6)
        XCTAssertTrue(figure.svg().contains("L = 30"))
    }

    func testExplodedRunsAreDrawnNotDropped() throws {
        let result = try makeResult(explode: true)
        XCTAssertTrue(result.records.contains { !$0.metrics.hRatio.isFinite })
        let svg = SimulationFigures.differencesFigure(result).svg()
        XCTAssertTrue(svg.contains("non-finite"), "the explosion must be visible in the figure")
        let hist = SimulationFigures.histogramFigure(result).svg()
        XCTAssertTrue(hist.contains("non-finite excluded"))
    }
}
