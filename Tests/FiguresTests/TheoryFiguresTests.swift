import Foundation
import XCTest
@testable import Figures
import Plots
import ResNets
import SignalPropagation

/// The theory drawn on the figures: the formulas, and that they appear only when asked.
final class TheoryFiguresTests: XCTestCase {
    func iidResult() throws -> SimulationResult {
        var spec = SimulationSpec()
        spec.width = 8
        spec.inputDimension = 4
        spec.depths = [10, 40, 160]
        spec.samples = 4
        return try Simulator(spec: spec).run(threads: 2)
    }

    func testFormulas() {
        var spec = SimulationSpec()   // res-3 ReLU
        let iid = Initialization.iidUniform
        for (depth, beta) in [(10, 0.5), (1000, 0.5), (100, 1.0)] {
            let alpha = pow(Double(depth), -beta)
            XCTAssertEqual(TheoryCurves.rmsRelativeDifference(spec, initialization: iid, depth: depth, beta: beta)!,
                           (pow(1 + alpha * alpha / 2, Double(depth)) - 1).squareRoot(), accuracy: 1e-12)
        }
        XCTAssertEqual(TheoryCurves.sdeLimitRMS(spec, initialization: iid)!, (exp(0.5) - 1).squareRoot(), accuracy: 1e-15)
        XCTAssertNil(TheoryCurves.rmsRelativeDifference(spec, initialization: .smooth(lengthscale: 0.1), depth: 10, beta: 1))
        spec.variant = .res1
        spec.activation = .identity
        XCTAssertEqual(TheoryCurves.sdeLimitRMS(spec, initialization: .iidGaussian)!, (exp(1) - 1).squareRoot(), accuracy: 1e-15)
        XCTAssertEqual(TheoryCurves.identityExponent(.iidUniform, beta: 1), -0.5)
        XCTAssertNil(TheoryCurves.identityExponent(.iidUniform, beta: 0.5))
        XCTAssertEqual(TheoryCurves.identityExponent(.smooth(lengthscale: 0.1), beta: 2), -1)
        XCTAssertNil(TheoryCurves.identityExponent(.fbm(hurst: 0.7), beta: 2))
        XCTAssertEqual(TheoryCurves.heuristicBoundary(0.3), 0.5)
        XCTAssertEqual(TheoryCurves.heuristicBoundary(0.8), 0.8)
    }

    /// The log-normal density per decade integrates to 1 over log10 x, and peaks at the
    /// median e^{mean/2} of ‖h_L‖/‖h_0‖ (0.245 for the log at d = 100, L = 1000, β = 1/2).
    func testLogNormalDensityPerDecade() {
        var spec = SimulationSpec()
        spec.width = 100
        let u = (0...4000).map { -1 + 2 * Double($0) / 4000 }   // log10 x from −1 to 1
        let x = u.map { pow(10, $0) }
        let density = TheoryCurves.normRatioDensityPerDecade(spec, initialization: .iidUniform, depth: 1000, beta: 0.5, at: x)!
        let integral = zip(density, density.dropFirst()).reduce(0.0) { $0 + ($1.0 + $1.1) / 2 * (2.0 / 4000) }
        XCTAssertEqual(integral, 1, accuracy: 1e-6)
        let peak = x[density.indices.max { density[$0] < density[$1] }!]
        XCTAssertEqual(log(peak), 0.245, accuracy: 1e-3)
        spec.variant = .res2
        XCTAssertNil(TheoryCurves.normRatioDensityPerDecade(spec, initialization: .iidUniform, depth: 1000, beta: 0.5, at: x))
    }

    func testDifferencesFigureDrawsTheoryOnlyWhenAsked() throws {
        let result = try iidResult()
        let plain = SimulationFigures.differencesFigure(result).svg()
        let theory = SimulationFigures.differencesFigure(result, theory: true).svg()
        XCTAssertFalse(plain.contains("exact √E[h²]"))
        // Exponents are superscripts (tspans), with a minus sign.
        XCTAssertTrue(theory.contains("dashed: exact √E[h²] ∝ L<tspan baseline-shift=\"super\" font-size=\"7.7\">−1/2</tspan>"))
        XCTAssertTrue(theory.contains("dotted: SDE limit 0.805"))
        XCTAssertTrue(theory.contains("dashed: ∝ L<tspan baseline-shift=\"super\" font-size=\"7.7\">−0.5</tspan>"))   // the gradient row's guide at β = 1
        XCTAssertTrue(theory.contains("data-label=\"√E[h_diff²], exact (∝ L^{-1/2})\""))
    }

    func testHistogramFigureDrawsTheLogNormalDensity() throws {
        let result = try iidResult()
        XCTAssertFalse(SimulationFigures.histogramFigure(result).svg().contains("density-curve"))
        let svg = SimulationFigures.histogramFigure(result, theory: true).svg()
        XCTAssertEqual(svg.components(separatedBy: "class=\"density-curve\"").count - 1, 3)   // one per β, h_ratio panels only
        XCTAssertTrue(svg.contains("curve: log-normal law (theory)"))
    }

    func testPhaseFigureDrawsTheHeuristicBoundary() throws {
        var spec = SimulationSpec()
        spec.width = 6
        spec.inputDimension = 3
        spec.depths = [20]
        spec.betas = [0, 0.5, 1]
        spec.initializations = [.fbm(hurst: 0.3), .fbm(hurst: 0.8)]
        spec.samples = 2
        let diagram = try PhaseDiagram(try Simulator(spec: spec).run(threads: 1))
        XCTAssertFalse(PhaseFigures.heatmapFigure(diagram, depth: 20, width: 6).svg().contains("heuristic"))
        let svg = PhaseFigures.heatmapFigure(diagram, depth: 20, width: 6, theory: true).svg()
        XCTAssertTrue(svg.contains("β = max(H, 1/2) (heuristic)"))
        XCTAssertTrue(svg.contains("mean log10 ‖h<tspan baseline-shift=\"sub\" font-size=\"8.75\">L</tspan> − h"))
    }

    func testLimitFigures() throws {
        var sde = SDELimitSpec()
        sde.width = 4
        sde.inputDimension = 3
        sde.depths = [10, 50, 100]
        sde.fineDepth = 500
        sde.paths = 4
        sde.inputsPerPath = 2
        var options = ClaimOptions()
        options.replicates = 100
        let s = LimitFigures.sdeFigure(try NeuralSDELimit.run(sde, threads: 2), options: options).svg()
        XCTAssertTrue(s.contains("strong error") && s.contains("fit: slope") && s.contains("theory: slope"))
        XCTAssertTrue(s.contains("distance in law"))
        var ode = ODELimitSpec()
        ode.width = 3
        ode.inputDimension = 2
        ode.depths = [25, 50, 100]
        ode.models = 2
        ode.inputsPerModel = 2
        let o = LimitFigures.odeFigure(try NeuralODELimit.run(ode, threads: 2), options: options).svg()
        XCTAssertTrue(o.contains("theory: slope -1") && o.contains("2 models"))
    }
}

final class BandAndAccuracyFigureTests: XCTestCase {
    func record(model: Int, input: Int, _ value: Double) -> ProbeRecord {
        ProbeRecord(depth: 10, initialization: .iidUniform, beta: 0.5, modelIndex: model, inputIndex: input,
                    metrics: ProbeMetrics(hRatio: value, hDiff: value, gradRatio: value, gradDiff: value))
    }

    /// The band is the bootstrap percentile interval of the mean over models: inside the range
    /// of the model means (so positive for positive data, where mean ± 1.96 SE of a heavy tail
    /// goes below zero), deterministic, and close to mean ± 1.96 SE for tame data.
    func testMeanBandIsABootstrapPercentileInterval() {
        // Heavy tail: one model far out. mean ± 1.96 SE dips below zero here.
        let heavy = (0..<20).map { record(model: $0, input: 0, $0 == 0 ? 1000 : 0.01) }
        let band = SimulationFigures.meanBand(heavy, \.hDiff, seed: 0)
        let values = heavy.map(\.metrics.hDiff)
        let se = Statistics.standardDeviation(values) / Double(values.count).squareRoot()
        XCTAssertLessThan(band.mean - 1.96 * se, 0)
        XCTAssertGreaterThan(band.lower, 0)
        XCTAssertLessThanOrEqual(band.lower, band.mean)
        XCTAssertGreaterThanOrEqual(band.upper, band.mean)
        XCTAssertTrue(band == SimulationFigures.meanBand(heavy, \.hDiff, seed: 0), "deterministic")
        // Tame data (two inputs per model, resampled together): near the normal interval.
        let tame = (0..<200).flatMap { m in (0..<2).map { record(model: m, input: $0, 1 + Double((m * 37 + $0 * 11) % 100) / 100) } }
        let t = SimulationFigures.meanBand(tame, \.hDiff, seed: 0)
        let means = (0..<200).map { m in (tame[2 * m].metrics.hDiff + tame[2 * m + 1].metrics.hDiff) / 2 }
        let tameSE = Statistics.standardDeviation(means) / Double(means.count).squareRoot()
        XCTAssertEqual(t.lower, t.mean - 1.96 * tameSE, accuracy: 0.2 * tameSE)
        XCTAssertEqual(t.upper, t.mean + 1.96 * tameSE, accuracy: 0.2 * tameSE)
    }

    /// Best over lr: the accuracy as recorded (the reference's for a diverged run); a cell
    /// whose best run diverged is marked; on a tie a run that did not diverge wins.
    func testBestOverLearningRatesMarksDivergedBest() {
        typealias P = TrainingFigures.AccuracyPoint
        let points = [P(beta: 0.5, hurst: 0.5, learningRate: 0.1, accuracy: 0.9),
                      P(beta: 0.5, hurst: 0.5, learningRate: 1, accuracy: 0.098, diverged: true),
                      P(beta: 0.1, hurst: 0.5, learningRate: 0.1, accuracy: 0.05),
                      P(beta: 0.1, hurst: 0.5, learningRate: 1, accuracy: 0.098, diverged: true),
                      P(beta: 0.1, hurst: 0.9, learningRate: 0.1, accuracy: 0.098),
                      P(beta: 0.1, hurst: 0.9, learningRate: 1, accuracy: 0.098, diverged: true)]
        let grid = TrainingFigures.bestOverLearningRates(points)
        XCTAssertEqual(grid.betas, [0.1, 0.5])
        XCTAssertEqual(grid.hursts, [0.5, 0.9])
        XCTAssertEqual(grid.values[1][0], 0.9)
        XCTAssertFalse(grid.diverged[1][0])
        XCTAssertEqual(grid.values[0][0], 0.098)
        XCTAssertTrue(grid.diverged[0][0])
        XCTAssertFalse(grid.diverged[0][1], "a tie goes to the run that did not diverge")
        let svg = TrainingFigures.accuracyHeatmapFigure(points, dataset: "mnist", setting: "L = 30, d = 30, 2 epochs").svg()
        XCTAssertEqual(svg.components(separatedBy: "class=\"cell-hatch\"").count - 1, 1)
        XCTAssertTrue(svg.contains("L = 30, d = 30, 2 epochs · lr ∈ {0.1, 1}"))
    }

    /// A dataset name from a hand-written table reads as written: `my_data` is no subscript.
    func testDatasetNameIsLiteral() throws {
        let points = [TrainingFigures.AccuracyPoint(beta: 1, hurst: 0.5, learningRate: 0.1, accuracy: 0.9)]
        let svg = TrainingFigures.accuracyHeatmapFigure(points, dataset: "my_data^2").svg()
        XCTAssertTrue(svg.contains(">my_data^2: test accuracy, best over lr<"), "the title is one plain run")
        // From a hand-written table, the dataset and setting columns read as written too.
        let (figure, _) = try SweepFigures.figure(header: ["dataset", "beta", "hurst", "lr", "test_accuracy", "depth"],
                                                  rows: [["my_data", "1", "0.5", "0.1", "0.9", "30_x"]])
        let table = figure.svg()
        XCTAssertTrue(table.contains(">my_data: test accuracy, best over lr<"), table)
        XCTAssertTrue(table.contains("L = 30_x · lr"), table)
    }
}

final class PhaseFigureNonFiniteTests: XCTestCase {
    /// Figure 7: a cell with a NaN probe (∞ − ∞) and a cell whose probes overflowed to +∞ are
    /// both explosions for the statistic and the boundary, but drawn apart and counted apart.
    func testNaNAndInfinityCellsAreDrawnApart() throws {
        var spec = SimulationSpec()
        spec.initializations = [.fbm(hurst: 0.3), .fbm(hurst: 0.8)]
        spec.betas = [0, 1]
        spec.depths = [20]
        spec.samples = 1
        spec.inputsPerModel = 1
        func record(_ hurst: Double, _ beta: Double, _ value: Double) -> ProbeRecord {
            ProbeRecord(depth: 20, initialization: .fbm(hurst: hurst), beta: beta, modelIndex: 0, inputIndex: 0,
                        metrics: ProbeMetrics(hRatio: 1, hDiff: value, gradRatio: 1, gradDiff: 0.1))
        }
        let result = SimulationResult(spec: spec, records: [record(0.3, 0, .nan), record(0.8, 0, .infinity),
                                                            record(0.3, 1, 0.1), record(0.8, 1, 0.1)])
        let diagram = try PhaseDiagram(result)
        XCTAssertEqual(diagram.forward[0], [.infinity, .infinity])   // both explosions for the statistic
        XCTAssertEqual(diagram.forwardHasNaN, [[true, false], [false, false]])
        let svg = PhaseFigures.heatmapFigure(diagram, depth: 20, width: 8).svg()
        XCTAssertTrue(svg.contains(">1 NaN<"), "NaN cells counted")
        XCTAssertTrue(svg.contains(">1 +∞ (top colour)<"), "+∞ cells counted apart")
        XCTAssertEqual(svg.components(separatedBy: "fill=\"#404040\"").count - 1, 2, "the NaN cell and its legend swatch")
    }
}
