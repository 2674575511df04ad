import Foundation
import ResNets
import Support

/// The β × H phase diagram of figure 7: for each (H, β) cell, log10 of the mean relative
/// difference over models × inputs, forward (h_diff) and backward (grad_diff), and the
/// measured boundary β*(H) where the cell value crosses 0 (a relative difference of 1).
public struct PhaseDiagram: Sendable {
    /// The Hurst indices, rightward.
    public let hursts: [Double]
    /// The scalings β, upward.
    public let betas: [Double]
    /// log10(mean h_diff): `forward[b][h]` for β index b and H index h. +∞ where the mean is
    /// not finite (explosion).
    public let forward: [[Double]]
    /// log10(mean grad_diff), same layout.
    public let gradient: [[Double]]

    /// Builds the diagram from a simulation whose initialization axis is fBm with several H
    /// (and, if several depths were run, the largest depth).
    public init(_ result: SimulationResult) throws {
        let spec = result.spec
        let hursts = spec.initializations.compactMap(\.hurst)
        guard hursts.count == spec.initializations.count, !hursts.isEmpty else {
            throw ConfigurationError(setting: "init", "a phase diagram needs --init fbm with a --hurst axis")
        }
        let depth = spec.depths.max()!
        // Rows and columns in increasing β and H, whatever the order of the axes given.
        self.hursts = hursts.sorted()
        betas = spec.betas.sorted()
        var sums = [[Double]](repeating: [Double](repeating: 0, count: hursts.count), count: betas.count)
        var gradSums = sums
        var counts = sums
        // The spec rejects repeated values, so every H and β has exactly one index.
        let hIndex = Dictionary(self.hursts.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let bIndex = Dictionary(betas.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        for r in result.records where r.depth == depth {
            guard let h = r.initialization.hurst.flatMap({ hIndex[$0] }), let b = bIndex[r.beta] else { continue }
            sums[b][h] += r.metrics.hDiff
            gradSums[b][h] += r.metrics.gradDiff
            counts[b][h] += 1
        }
        func cell(_ total: Double, _ n: Double) -> Double {
            let mean = total / n
            return mean.isFinite ? log10(mean) : .infinity  // NaN means ∞ − ∞: explosion
        }
        forward = (0..<betas.count).map { b in (0..<hursts.count).map { cell(sums[b][$0], counts[b][$0]) } }
        gradient = (0..<betas.count).map { b in (0..<hursts.count).map { cell(gradSums[b][$0], counts[b][$0]) } }
    }

    /// β*(H) for each H: scanning β upward, the first place where the cell value goes from
    /// ≥ 0 to < 0, linearly interpolated between the two β; NaN if there is no crossing.
    /// Non-finite cells count as +∞ (above 0), and the interpolation then takes the lower
    /// β of the pair.
    public static func boundary(_ values: [[Double]], betas: [Double]) -> [Double] {
        guard let columns = values.first?.count else { return [] }
        let order = betas.indices.sorted { betas[$0] < betas[$1] }
        return (0..<columns).map { h in
            for (i, j) in zip(order, order.dropFirst()) {
                let a = values[i][h].isNaN ? .infinity : values[i][h]
                let b = values[j][h].isNaN ? .infinity : values[j][h]
                if a >= 0 && b < 0 {
                    if !a.isFinite { return betas[i] }
                    return betas[i] + (betas[j] - betas[i]) * a / (a - b)
                }
            }
            return .nan
        }
    }

    public var forwardBoundary: [Double] { Self.boundary(forward, betas: betas) }
    public var gradientBoundary: [Double] { Self.boundary(gradient, betas: betas) }

    /// CSV: `hurst,beta_star_forward,beta_star_gradient`, empty where there is no crossing.
    public func boundaryCSV() -> String {
        var out = "hurst,beta_star_forward,beta_star_gradient\n"
        let forwardStars = forwardBoundary, gradientStars = gradientBoundary
        for (i, h) in hursts.enumerated() {
            let f = forwardStars[i], g = gradientStars[i]
            out += "\(h),\(f.isNaN ? "" : "\(f)"),\(g.isNaN ? "" : "\(g)")\n"
        }
        return out
    }
}
