import Foundation
import ResNets
import Support

/// The β × H phase diagram of figure 7: for each (H, β) cell, one number summarizing the
/// relative differences over models × inputs, forward (h_diff) and backward (grad_diff),
/// and the measured boundary β*(H) where the cell value crosses 0 (a relative difference of
/// 1).
public struct PhaseDiagram: Sendable {
    /// How a cell summarizes its relative differences.
    public enum CellStatistic: String, Sendable, CaseIterable {
        /// The mean over models × inputs of log10(relative difference): what the reference
        /// code plots (it averages the logarithms). A non-finite logarithm (an exploded
        /// run: +∞ or NaN) makes the cell +∞; −∞ (a difference of exactly 0) counts as −∞
        /// unless some run exploded.
        case meanOfLog10 = "mean-log10"
        /// log10 of the mean relative difference (+∞ when the mean is not finite).
        case log10OfMean = "log10-mean"

        /// The cell value of `values` (relative differences); NaN for no values.
        public func value(_ values: [Double]) -> Double {
            guard !values.isEmpty else { return .nan }
            switch self {
            case .meanOfLog10:
                return Self.meanOfLogs(values.map(Self.log10OrInfinity))
            case .log10OfMean:
                let mean = values.reduce(0, +) / Double(values.count)
                return mean.isFinite ? log10(mean) : .infinity  // NaN means ∞ − ∞: explosion
            }
        }

        /// log10(x), with +∞ for +∞ and NaN (explosion).
        public static func log10OrInfinity(_ x: Double) -> Double { x.isNaN ? .infinity : log10(x) }

        /// The mean of base-10 logarithms: +∞ if any is +∞ (or NaN), else −∞ if any is −∞.
        public static func meanOfLogs(_ logs: [Double]) -> Double {
            guard !logs.isEmpty else { return .nan }
            if logs.contains(where: { $0 == .infinity || $0.isNaN }) { return .infinity }
            if logs.contains(-.infinity) { return -.infinity }
            return logs.reduce(0, +) / Double(logs.count)
        }

        /// The colour-bar label of a metric, e.g. "mean log10 ‖h_L − h_0‖/‖h_0‖".
        public func label(_ metric: String) -> String {
            self == .meanOfLog10 ? "mean log10 \(metric)" : "log10 mean \(metric)"
        }
    }

    /// The Hurst indices, rightward.
    public let hursts: [Double]
    /// The scalings β, upward.
    public let betas: [Double]
    /// How the cells were computed.
    public let cellStatistic: CellStatistic
    /// The cell values for h_diff: `forward[b][h]` for β index b and H index h; +∞ for
    /// explosion, NaN for a cell without records.
    public let forward: [[Double]]
    /// The cell values for grad_diff, same layout.
    public let gradient: [[Double]]
    /// Whether any probe of a cell measured NaN (∞ − ∞ inside the network), per cell of
    /// `forward`: such a cell is an explosion (+∞) for the statistic and the boundary, and
    /// figure 7 draws and counts it apart from the cells whose probes overflowed to +∞ only.
    public let forwardHasNaN: [[Bool]]
    /// The same for `gradient`.
    public let gradientHasNaN: [[Bool]]

    /// Builds the diagram from a simulation whose initialization axis has several H (fBm,
    /// or the reference code's sampler), using the largest depth if several were run.
    public init(_ result: SimulationResult, cell: CellStatistic = .meanOfLog10) throws {
        let spec = result.spec
        let hursts = spec.initializations.compactMap(\.hurst)
        guard hursts.count == spec.initializations.count, !hursts.isEmpty else {
            throw ConfigurationError(setting: "init", "a phase diagram needs --init fbm with a --hurst axis")
        }
        let depth = spec.depths.max()!
        // Rows and columns in increasing β and H, whatever the order of the axes given.
        self.hursts = hursts.sorted()
        betas = spec.betas.sorted()
        cellStatistic = cell
        var hDiffs = [[[Double]]](repeating: [[Double]](repeating: [], count: hursts.count), count: betas.count)
        var gradDiffs = hDiffs
        // The spec rejects repeated values, so every H and β has exactly one index.
        let hIndex = Dictionary(self.hursts.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let bIndex = Dictionary(betas.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        for r in result.records where r.depth == depth {
            guard let h = r.initialization.hurst.flatMap({ hIndex[$0] }), let b = bIndex[r.beta] else { continue }
            hDiffs[b][h].append(r.metrics.hDiff)
            gradDiffs[b][h].append(r.metrics.gradDiff)
        }
        forward = hDiffs.map { $0.map(cell.value) }
        gradient = gradDiffs.map { $0.map(cell.value) }
        forwardHasNaN = hDiffs.map { $0.map { $0.contains(where: \.isNaN) } }
        gradientHasNaN = gradDiffs.map { $0.map { $0.contains(where: \.isNaN) } }
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
