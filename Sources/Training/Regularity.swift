import Foundation

/// Regularity of residual weights in the layer index k (figure 8 of the paper): every entry
/// (i, j) of V_1 … V_L is a sequence x_k = V_k[i, j], k = 1 … L.
///
/// - `quadraticVariation` = Σ_k ‖V_{k+1} − V_k‖²_F, `maxIncrement` = max_k ‖V_{k+1} − V_k‖_F.
/// - `meanSquaredIncrements[m]` = S(m) = mean over k and (i, j) of (x_{k+m} − x_k)², for the lags
///   m = 1, 2, 4, 8 (those below L).
/// - `holderExponent` = ½ · least-squares slope of log S(m) against log m. It measures the
///   regularity of the *sequences themselves*: S(m) ∝ m^{2H} gives H. Convention: i.i.d. weights
///   (white noise, S(m) constant) → 0; a Brownian path (cumulative sum of i.i.d.) → 0.5; weights
///   smooth in k (S(m) ∝ m²) → 1.
/// - `hurstIncrements` = the same estimator applied to the centred cumulative sums
///   Σ_{k' ≤ k} (x_{k'} − x̄), i.e. it treats the weights as the *increments* of a path, which is
///   how fBm initialization draws them (fractional Gaussian noise): i.i.d. weights → 0.5,
///   fGn(H) weights → H, smooth weights → 1. This is the H of the paper's figures 7 and 9.
///
/// Estimates are nil when undefined (depth < 3, or constant sequences).
public struct RegularityStatistics: Codable, Equatable, Sendable {
    public var quadraticVariation: Double
    public var maxIncrement: Double
    public var lags: [Int]
    public var meanSquaredIncrements: [Double]
    public var holderExponent: Double?
    public var hurstIncrements: Double?

    enum CodingKeys: String, CodingKey {
        case quadraticVariation = "quadratic_variation"
        case maxIncrement = "max_increment"
        case lags
        case meanSquaredIncrements = "mean_squared_increments"
        case holderExponent = "holder_exponent"
        case hurstIncrements = "hurst_increments"
    }

    /// Writes undefined estimates as null (rather than leaving the keys out).
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(quadraticVariation, forKey: .quadraticVariation)
        try c.encode(maxIncrement, forKey: .maxIncrement)
        try c.encode(lags, forKey: .lags)
        try c.encode(meanSquaredIncrements, forKey: .meanSquaredIncrements)
        try c.encode(holderExponent, forKey: .holderExponent)
        try c.encode(hurstIncrements, forKey: .hurstIncrements)
    }

    public init(quadraticVariation: Double, maxIncrement: Double, lags: [Int], meanSquaredIncrements: [Double],
                holderExponent: Double?, hurstIncrements: Double?) {
        self.quadraticVariation = quadraticVariation
        self.maxIncrement = maxIncrement
        self.lags = lags
        self.meanSquaredIncrements = meanSquaredIncrements
        self.holderExponent = holderExponent
        self.hurstIncrements = hurstIncrements
    }
}

public enum Regularity {
    /// The default lags of the structure-function estimator.
    public static let standardLags = [1, 2, 4, 8]

    /// Statistics of `depth` consecutive matrices of `entries` values each, stored layer after
    /// layer (`ResNetParameters.v` / `.w`: layer k at offset k·entries).
    public static func statistics<T: BinaryFloatingPoint>(layers: [T], depth: Int, entries: Int,
                                                          lags: [Int] = standardLags) -> RegularityStatistics {
        precondition(layers.count == depth * entries, "layers must hold depth × entries values")
        let values = layers.map { Double($0) }
        var qv = 0.0, maxIncrement = 0.0
        if depth >= 2 {
            for k in 0..<(depth - 1) {
                var s = 0.0
                let a = k * entries, b = (k + 1) * entries
                for e in 0..<entries {
                    let diff = values[b + e] - values[a + e]
                    s += diff * diff
                }
                qv += s
                if !(s.squareRoot() <= maxIncrement) { maxIncrement = s.squareRoot() }  // propagates NaN
            }
        }
        let usable = lags.filter { $0 >= 1 && $0 < depth }
        let msi = usable.map { meanSquaredIncrement(values, depth: depth, entries: entries, lag: $0) }
        let holder = slopeHalf(lags: usable, values: msi)

        // Centred cumulative sums, S_0 = 0, S_{k+1} = S_k + x_k − x̄: depth + 1 points.
        var means = [Double](repeating: 0, count: entries)
        for k in 0..<depth { for e in 0..<entries { means[e] += values[k * entries + e] } }
        for e in 0..<entries { means[e] /= Double(max(depth, 1)) }
        var sums = [Double](repeating: 0, count: (depth + 1) * entries)
        for k in 0..<depth {
            for e in 0..<entries { sums[(k + 1) * entries + e] = sums[k * entries + e] + values[k * entries + e] - means[e] }
        }
        let pathLags = lags.filter { $0 >= 1 && $0 < depth + 1 }
        let pathMSI = pathLags.map { meanSquaredIncrement(sums, depth: depth + 1, entries: entries, lag: $0) }
        let hurst = slopeHalf(lags: pathLags, values: pathMSI)
        return RegularityStatistics(quadraticVariation: qv, maxIncrement: maxIncrement, lags: usable,
                                    meanSquaredIncrements: msi, holderExponent: holder, hurstIncrements: hurst)
    }

    /// Statistics of a set of scalar sequences of equal length (one per entry).
    public static func statistics(sequences: [[Double]], lags: [Int] = standardLags) -> RegularityStatistics {
        let depth = sequences.first?.count ?? 0
        precondition(sequences.allSatisfy { $0.count == depth })
        var layers = [Double](repeating: 0, count: depth * sequences.count)
        for (e, s) in sequences.enumerated() { for k in 0..<depth { layers[k * sequences.count + e] = s[k] } }
        return statistics(layers: layers, depth: depth, entries: sequences.count, lags: lags)
    }

    /// S(m) = mean over k < depth − m and all entries of (x_{k+m} − x_k)².
    static func meanSquaredIncrement(_ values: [Double], depth: Int, entries: Int, lag m: Int) -> Double {
        var total = 0.0
        for k in 0..<(depth - m) {
            let a = k * entries, b = (k + m) * entries
            for e in 0..<entries {
                let diff = values[b + e] - values[a + e]
                total += diff * diff
            }
        }
        return total / Double((depth - m) * entries)
    }

    /// ½ · least-squares slope of log S(m) on log m; nil unless ≥ 2 lags with finite positive S.
    static func slopeHalf(lags: [Int], values: [Double]) -> Double? {
        let points = zip(lags, values).filter { $0.1 > 0 && $0.1.isFinite }.map { (log(Double($0.0)), log($0.1)) }
        guard points.count >= 2 else { return nil }
        let mx = points.map(\.0).reduce(0, +) / Double(points.count)
        let my = points.map(\.1).reduce(0, +) / Double(points.count)
        var sxy = 0.0, sxx = 0.0
        for (x, y) in points { sxy += (x - mx) * (y - my); sxx += (x - mx) * (x - mx) }
        guard sxx > 0 else { return nil }
        return sxy / sxx / 2
    }
}
