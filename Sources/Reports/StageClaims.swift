import Experiments
import Figures
import Foundation
import Plots
import SignalPropagation
import Support

/// The claims, figures and numbers of one stage, from its collected sweep table.
enum StageClaims {
    /// One NOT-RUN claim standing for the claims of a stage that did not run.
    static func notRun(_ stage: ReproductionStage, size: ReproductionSize, reason: String) -> [Claim] {
        // Figure 8 is a picture and figure 7 with the reference sampler a comparison: they check no claim.
        guard stage != .fig8, stage != .fig7Reference else { return [] }
        return [.notRun(id: "\(stage.rawValue)-claims", figure: stage.rawValue, statement: "the claims of \(stage.title)",
                        reason: reason)]
    }

    static func estimate(_ b: BootstrapEstimate) -> String {
        "\(NumberFormat.fixed(b.estimate, decimals: 3)) [\(NumberFormat.fixed(b.interval.lower, decimals: 3)), " +
            "\(NumberFormat.fixed(b.interval.upper, decimals: 3))]"
    }

    static func evaluate(_ stage: ReproductionStage, table: CollectedTable, size: ReproductionSize,
                         into outcome: inout StageOutcome) throws {
        func draw(_ kind: SweepFigureKind) throws -> Figure {
            var figure = try SweepFigures.figure(header: table.header, rows: table.rows, weightPaths: table.weightPaths,
                                                 kind: kind, theory: true).0
            // Several figures are inlined in one HTML page: their SVG ids must not collide.
            figure.idPrefix = stage.rawValue.replacingOccurrences(of: "-", with: "")
            return figure
        }
        switch stage {
        case .fig1, .fig2, .fig45, .fig7, .fig7Reference, .moments:
            let result = try SweepFigures.simulationResult(header: table.header, rows: table.rows)
            switch stage {
            case .fig1:
                outcome.claims = RegimeClaims.iid(result) + MomentClaims.secondMoments(result)
                outcome.figures = [("fig1", try draw(.curves))]
            case .fig2:
                outcome.claims = MomentClaims.logNormalLaw(result)
                outcome.figures = [("fig2", try draw(.histograms))]
            case .fig45:
                outcome.claims = RegimeClaims.smooth(result)
                outcome.figures = [("fig4-5", try draw(.curves))]
            case .fig7:
                outcome.claims = PhaseBoundaryClaims.claims(result)
                outcome.figures = [("fig7", try draw(.phase))]
                outcome.boundary = PhaseBoundaryClaims.boundary(result)
            case .fig7Reference:
                // Same grid as figure 7: its title says which sampler drew the weights (PhaseFigures).
                outcome.figures = [("fig7-reference", try draw(.phase))]
                outcome.boundary = PhaseBoundaryClaims.boundary(result)
            default:
                outcome.claims = MomentClaims.secondMoments(result)
            }
            outcome.numbers.append("\(result.records.count) probes (models × inputs × β), d = \(result.spec.width), " +
                                   "L ∈ \(result.spec.depths)")
        case .fig8:
            outcome.figures = [("fig8", try draw(.weights))]
        case .fig9MNIST, .fig9CIFAR10:
            outcome.figures = [("\(stage.rawValue)", try draw(.accuracy))]
            outcome.claims = trainingClaims(stage, header: table.header, rows: table.rows, size: size, numbers: &outcome.numbers)
        case .limits, .claims:
            break
        }
    }

    /// The accuracy band the stable region must reach: the paper's 0.96 at full size; at the
    /// quick size (L = 30, 2000 images, 2 epochs, far from converged) the quick grid's own:
    /// 90 % of the best accuracy anywhere on the grid.
    static func accuracyThreshold(_ size: ReproductionSize, gridBest: Double) -> Double {
        size == .paper ? 0.96 : 0.9 * gridBest
    }

    /// Figure 9: the best-over-lr test accuracy of the stable corner (β = 1/2, H = 1/2) reaches
    /// the band, that of the explosion corner (smallest β, largest H) is at chance (1/10)
    /// within 4 binomial standard errors of the test set. A run that diverged counts with the
    /// table's `test_accuracy`, the reference code's accuracy for its NaN outputs (class 0
    /// predicted everywhere: the share of the test set labelled 0, ≈ chance); a table without
    /// a number there (written before that column's meaning changed) counts it as chance.
    static func trainingClaims(_ stage: ReproductionStage, header: [String], rows: [[String]], size: ReproductionSize,
                               numbers: inout [String]) -> [Claim] {
        let column = Dictionary(header.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        func value(_ row: [String], _ name: String) -> Double? {
            guard let c = column[name], c < row.count else { return nil }
            return Double(row[c])
        }
        var best: [String: (beta: Double, hurst: Double, accuracy: Double, lr: Double)] = [:]
        var testCount = 10_000
        for row in rows {
            guard let beta = value(row, "beta"), let hurst = value(row, "hurst") else { continue }
            let lr = value(row, "lr") ?? .nan
            if let n = value(row, "test-limit") ?? value(row, "test_limit"), n >= 1 { testCount = Int(n) }
            var accuracy = value(row, "test_accuracy") ?? .nan
            if !accuracy.isFinite { accuracy = 0.1 }
            let key = "\(beta)/\(hurst)"
            if best[key].map({ accuracy > $0.accuracy }) ?? true { best[key] = (beta, hurst, accuracy, lr) }
        }
        let figure = stage.rawValue
        let betas = Set(best.values.map(\.beta)), hursts = Set(best.values.map(\.hurst))
        func standardError(_ p: Double) -> Double { (p * (1 - p) / Double(testCount)).squareRoot() }
        var claims: [Claim] = []
        let gridBest = best.values.map(\.accuracy).max() ?? .nan
        let threshold = accuracyThreshold(size, gridBest: gridBest)
        numbers.append("accuracy threshold of the stable region at this size: \(NumberFormat.fixed(threshold, decimals: 4))" +
                       (size == .paper ? " (the paper's band)" :
                        " (the quick grid's own: 90 % of its best accuracy \(NumberFormat.fixed(gridBest, decimals: 4)); L = 30, 2000 images, 2 epochs)") +
                       "; test set of \(testCount) images")
        let stableID = "\(figure)-stable-trains"
        let stableStatement = "the stable region (β = 1/2, H = 1/2) reaches test accuracy ≥ \(NumberFormat.fixed(threshold, decimals: 3))" +
            (size == .paper ? "" : " (90 % of the grid's best)")
        if let stable = best["0.5/0.5"] {
            let se = standardError(stable.accuracy)
            claims.append(Claim(id: stableID, figure: figure, statement: stableStatement,
                                statistic: "best test accuracy over lr at β = 1/2, H = 1/2", measured: stable.accuracy,
                                interval: ConfidenceInterval(lower: stable.accuracy - 3.29 * se, upper: stable.accuracy + 3.29 * se, level: 0.999),
                                criterion: .atLeast(threshold), n: testCount))
            numbers.append("stable corner: best accuracy \(NumberFormat.fixed(stable.accuracy, decimals: 4)) at lr \(NumberFormat.text(stable.lr))")
        } else {
            claims.append(.notRun(id: stableID, figure: figure, statement: stableStatement, reason: "the grid has no β = 0.5, H = 0.5"))
        }
        let explosionID = "\(figure)-explosion-at-chance"
        if let beta = betas.min(), let hurst = hursts.max(), let corner = best["\(beta)/\(hurst)"] {
            let tolerance = 4 * standardError(0.1)
            let se = standardError(corner.accuracy)
            claims.append(Claim(id: explosionID, figure: figure,
                                statement: "the explosion region (β = \(NumberFormat.text(beta)), H = \(NumberFormat.text(hurst))) stays at chance (0.1)",
                                statistic: "best test accuracy over lr at the corner (diverged runs count with the accuracy of NaN outputs, class 0 predicted)",
                                measured: corner.accuracy,
                                interval: ConfidenceInterval(lower: corner.accuracy - 3.29 * se, upper: corner.accuracy + 3.29 * se, level: 0.999),
                                criterion: .within(0.1, tolerance: tolerance), n: testCount,
                                note: "tolerance: 4 binomial standard errors of chance on the test set"))
            numbers.append("explosion corner: best accuracy \(NumberFormat.fixed(corner.accuracy, decimals: 4)) at lr \(NumberFormat.text(corner.lr))")
        }
        return claims
    }
}
