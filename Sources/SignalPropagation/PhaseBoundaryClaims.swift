import Support
import Foundation
import ResNets

/// Figure 7's boundary β*(H) with bootstrap intervals over models, and the claims on its
/// shape: flat at 1/2 for H ≤ 1/2, rising for H > 1/2.
///
/// A cell's value is the reference's statistic (`PhaseDiagram.CellStatistic.meanOfLog10`)
/// over the cell's models × inputs; β*(H) is where the column of cells crosses 0
/// (`PhaseDiagram.boundary`). The unit resampled is the model (its weights serve every β and
/// all its inputs), within each H.
public enum PhaseBoundaryClaims {
    /// β*(H) at one H with its bootstrap distribution.
    public struct BoundaryPoint: Equatable, Sendable {
        public var hurst: Double
        public var boundary: BootstrapEstimate
        /// Models at this H.
        public var models: Int
    }

    /// The models of each H at the largest depth: `[H index][model][β index]` → log10 of the
    /// metric over the model's inputs; H and β ascending.
    struct Layout {
        var hursts: [Double]
        var betas: [Double]
        var models: [[[[Double]]]]
    }

    static func layout(_ result: SimulationResult, metric: ClaimMetric) -> Layout? {
        let spec = result.spec
        let hursts = spec.initializations.compactMap(\.hurst)
        guard hursts.count == spec.initializations.count, !hursts.isEmpty else { return nil }
        let sortedH = hursts.sorted(), betas = spec.betas.sorted()
        let depth = spec.depths.max()!
        let hIndex = Dictionary(sortedH.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let bIndex = Dictionary(betas.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        var byModel = [[Int: [[Double]]]](repeating: [:], count: sortedH.count)
        for r in result.records where r.depth == depth {
            guard let h = r.initialization.hurst.flatMap({ hIndex[$0] }), let b = bIndex[r.beta] else { continue }
            byModel[h][r.modelIndex, default: [[Double]](repeating: [], count: betas.count)][b]
                .append(PhaseDiagram.CellStatistic.log10OrInfinity(metric.value(r.metrics)))
        }
        let models = byModel.map { dict in dict.keys.sorted().map { dict[$0]! } }
        return Layout(hursts: sortedH, betas: betas, models: models)
    }

    /// β*(H) of a set of models (one H): the mean-of-log10 column, then its zero crossing.
    static func crossing(_ models: [[[Double]]], betas: [Double]) -> Double {
        let column = betas.indices.map { b in PhaseDiagram.CellStatistic.meanOfLogs(models.flatMap { $0[b] }) }
        return PhaseDiagram.boundary(column.map { [$0] }, betas: betas)[0]
    }

    /// β*(H) with a percentile interval at every H of the run (the largest depth), for tables
    /// and figures (hence 95 % and fewer replicates than the claims).
    public static func boundary(_ result: SimulationResult, metric: ClaimMetric = .hDiff, level: Double = 0.95,
                                replicates: Int = Bootstrap.defaultReplicates, seed: UInt64 = 0) -> [BoundaryPoint] {
        guard let layout = layout(result, metric: metric) else { return [] }
        var options = ClaimOptions()
        options.seed = seed
        return layout.hursts.indices.map { h in
            let estimate = Bootstrap.percentile(layout.models[h], replicates: replicates, level: level,
                                                seed: options.seed(for: "fig7-boundary-\(metric.rawValue)-\(layout.hursts[h])")) {
                crossing($0, betas: layout.betas)
            }
            return BoundaryPoint(hurst: layout.hursts[h], boundary: estimate, models: layout.models[h].count)
        }
    }

    /// The claims, forward (h_diff) and gradient (grad_diff):
    /// - flat: at the H of the run nearest 0.2, the interval of β*(H) widened by a margin
    ///   contains 1/2. The margin is the larger of the β grid spacing and ln 2/(2 ln L): for
    ///   H ≤ 1/2 the crossing happens at a fixed λ* = L·α² = L^{1−2β*} of order 1 (the
    ///   neural-SDE regime), so β* = 1/2 − ln λ*/(2 ln L) approaches 1/2 only
    ///   logarithmically in L (measured λ* ≈ 1.75 at H = 0.2 both at L = 300 and at
    ///   L = 1000); the claim accepts λ* within a factor 2 of 1, and the note gives λ*;
    /// - rising: β*(H) − β*(H') > 0 with its interval above 0, H and H' nearest 0.8 and 0.5.
    public static func claims(_ result: SimulationResult, options: ClaimOptions = ClaimOptions()) -> [Claim] {
        var claims: [Claim] = []
        for metric in ClaimMetric.allCases {
            let flatId = "fig7-\(metric.rawValue)-flat", risingId = "fig7-\(metric.rawValue)-rising"
            let flatStatement = "\(metric.rawValue): the boundary β*(H) is 1/2 for H ≤ 1/2"
            let risingStatement = "\(metric.rawValue): the boundary β*(H) rises for H > 1/2"
            guard let layout = layout(result, metric: metric), layout.betas.count >= 2 else {
                let reason = "the run has no fBm Hurst axis with at least two β"
                claims.append(.notRun(id: flatId, figure: "7", statement: flatStatement, reason: reason))
                claims.append(.notRun(id: risingId, figure: "7", statement: risingStatement, reason: reason))
                continue
            }
            let spacings = zip(layout.betas.dropFirst(), layout.betas).map { $0 - $1 }
            let spacing = Statistics.median(spacings)
            let depth = result.spec.depths.max()!
            let resolution = log(2) / (2 * log(Double(depth)))
            let margin = max(spacing, resolution)
            func nearest(_ target: Double, where ok: (Double) -> Bool) -> Int? {
                layout.hursts.indices.filter { ok(layout.hursts[$0]) }.min { abs(layout.hursts[$0] - target) < abs(layout.hursts[$1] - target) }
            }
            if let h = nearest(0.2, where: { $0 <= 0.5 }) {
                let id = flatId
                let estimate = Bootstrap.percentile(layout.models[h], replicates: options.replicates, level: options.level,
                                                    seed: options.seed(for: id)) { crossing($0, betas: layout.betas) }
                let hurst = NumberFormat.text(layout.hursts[h])
                claims.append(Claim(id: id, figure: "7", statement: flatStatement + " (at H = \(hurst), L = \(depth))",
                                    statistic: "β*(\(hurst)) where the mean of log10 \(metric.rawValue) crosses 0",
                                    measured: estimate.estimate, interval: estimate.interval,
                                    criterion: .intervalContains(0.5, margin: margin), n: layout.models[h].count,
                                    note: "bootstrap over models; margin = max(β grid spacing \(short(spacing)), ln 2/(2 ln L) = \(short(resolution))); "
                                        + "crossing at λ* = L^(1−2β*) = \(short(pow(Double(depth), 1 - 2 * estimate.estimate)))"))
            } else {
                claims.append(.notRun(id: flatId, figure: "7", statement: flatStatement, reason: "the run has no H ≤ 1/2"))
            }
            if let high = nearest(0.8, where: { $0 > 0.5 }), let low = nearest(0.5, where: { $0 <= 0.5 + 1e-9 }), high != low {
                let id = risingId
                let estimate = Bootstrap.percentile(strata: [layout.models[high], layout.models[low]], replicates: options.replicates,
                                                    level: options.level, seed: options.seed(for: id)) {
                    crossing($0[0], betas: layout.betas) - crossing($0[1], betas: layout.betas)
                }
                let hi = NumberFormat.text(layout.hursts[high]), lo = NumberFormat.text(layout.hursts[low])
                claims.append(Claim(id: id, figure: "7", statement: risingStatement + " (β*(\(hi)) > β*(\(lo)), L = \(depth))",
                                    statistic: "β*(\(hi)) − β*(\(lo))", measured: estimate.estimate, interval: estimate.interval,
                                    criterion: .intervalAbove(0), n: layout.models[high].count + layout.models[low].count,
                                    note: "bootstrap over models, resampled within each H"))
            } else {
                claims.append(.notRun(id: risingId, figure: "7", statement: risingStatement,
                                      reason: "the run needs an H > 1/2 and an H ≤ 1/2"))
            }
        }
        return claims
    }
}
