import ResNets

/// Summary statistics that treat non-finite values as data (explosion), never dropping them.
public enum Statistics {
    /// Arithmetic mean; +∞ or NaN if any value is.
    public static func mean(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        return values.reduce(0, +) / Double(values.count)
    }

    /// Sample standard deviation (n − 1 denominator); NaN for fewer than two values.
    public static func standardDeviation(_ values: [Double]) -> Double {
        guard values.count > 1 else { return .nan }
        let m = mean(values)
        return (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)).squareRoot()
    }

    /// Linear-interpolation quantile (numpy's default) with NaN ordered as +∞, so that a
    /// median over exploded runs reads as explosion rather than disappearing.
    public static func quantile(_ values: [Double], _ q: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.map { $0.isNaN ? Double.infinity : $0 }.sorted()
        let position = q * Double(sorted.count - 1)
        let lo = Int(position.rounded(.down)), hi = min(lo + 1, sorted.count - 1)
        let t = position - Double(lo)
        if t == 0 || sorted[lo] == sorted[hi] { return sorted[lo] }
        return sorted[lo] + t * (sorted[hi] - sorted[lo])
    }

    public static func median(_ values: [Double]) -> Double { quantile(values, 0.5) }

}

/// Per (depth, β) summary of a simulation.
public struct SummaryRow: Equatable, Sendable {
    public var depth: Int
    public var initialization: Initialization
    public var beta: Double
    public var count: Int
    public var nonFinite: Int
    public var hDiffMedian: Double
    public var hDiffMean: Double
    public var gradDiffMedian: Double
    public var gradDiffMean: Double
    public var hRatioMedian: Double
    public var gradRatioMedian: Double
}

extension SimulationResult {
    /// The records of one (depth, β) — and one initialization, if given — in record order.
    public func records(depth: Int, beta: Double, initialization: Initialization? = nil) -> [ProbeRecord] {
        records.filter { $0.depth == depth && $0.beta == beta && (initialization == nil || $0.initialization == initialization) }
    }

    /// The records grouped by (depth, initialization, β), each group in record order: one
    /// pass over the records, for code that visits every group.
    public func grouped() -> [RecordGroup: [ProbeRecord]] {
        var groups: [RecordGroup: [ProbeRecord]] = [:]
        for r in records {
            groups[RecordGroup(depth: r.depth, initialization: r.initialization, beta: r.beta), default: []].append(r)
        }
        return groups
    }

    /// One row per depth × initialization × β, in the order of the spec's axes.
    public func summary() -> [SummaryRow] {
        let groups = grouped()
        var rows: [SummaryRow] = []
        for depth in spec.depths {
          for initialization in spec.initializations {
            for beta in spec.betas {
                let g = groups[RecordGroup(depth: depth, initialization: initialization, beta: beta)] ?? []
                let hd = g.map(\.metrics.hDiff), gd = g.map(\.metrics.gradDiff)
                let nonFinite = g.filter {
                    !($0.metrics.hDiff.isFinite && $0.metrics.gradDiff.isFinite && $0.metrics.hRatio.isFinite && $0.metrics.gradRatio.isFinite)
                }.count
                rows.append(SummaryRow(depth: depth, initialization: initialization, beta: beta, count: g.count, nonFinite: nonFinite,
                                       hDiffMedian: Statistics.median(hd), hDiffMean: Statistics.mean(hd),
                                       gradDiffMedian: Statistics.median(gd), gradDiffMean: Statistics.mean(gd),
                                       hRatioMedian: Statistics.median(g.map(\.metrics.hRatio)),
                                       gradRatioMedian: Statistics.median(g.map(\.metrics.gradRatio))))
            }
          }
        }
        return rows
    }
}

/// The coordinates that group a simulation's records: one (depth, initialization, β).
public struct RecordGroup: Hashable, Sendable {
    public var depth: Int
    public var initialization: Initialization
    public var beta: Double

    public init(depth: Int, initialization: Initialization, beta: Double) {
        self.depth = depth
        self.initialization = initialization
        self.beta = beta
    }
}
