import Foundation
import Stochastic

/// A two-sided confidence interval [lower, upper] at a confidence level (e.g. 0.95).
public struct ConfidenceInterval: Equatable, Sendable {
    public var lower: Double
    public var upper: Double
    public var level: Double

    public init(lower: Double, upper: Double, level: Double) {
        self.lower = lower
        self.upper = upper
        self.level = level
    }

    /// Whether `value` lies in [lower − margin, upper + margin].
    public func contains(_ value: Double, margin: Double = 0) -> Bool {
        lower - margin <= value && value <= upper + margin
    }

    /// Half the width (NaN if an end is not finite).
    public var halfWidth: Double { (upper - lower) / 2 }
}

/// A statistic with its bootstrap distribution.
public struct BootstrapEstimate: Equatable, Sendable {
    /// The statistic on the original sample.
    public var estimate: Double
    /// The percentile interval: the α/2 and 1 − α/2 quantiles of the replicates.
    public var interval: ConfidenceInterval
    /// Standard deviation of the finite replicates (NaN if fewer than two are finite).
    public var standardError: Double
    /// Number of bootstrap replicates.
    public var replicates: Int
}

/// The nonparametric bootstrap over independent units (models, paths), deterministic: the
/// resampling draws come from their own random stream, (seed; "boot", replicate index), so
/// the same seed gives the same interval on any machine and thread count.
///
/// The samples are *strata*: each stratum (e.g. the models of one depth, drawn
/// independently of the other depths) is resampled with replacement on its own, keeping
/// its size, so a statistic that compares strata (a slope across depths) sees the
/// variability of every stratum. Units are whatever is independent: a model with all its
/// inputs is one unit, never an input alone, because the inputs of one model share its
/// weights.
public enum Bootstrap {
    /// The default number of replicates: 2000 puts the Monte Carlo error of a 2.5 % quantile
    /// at about √(0.025·0.975/2000) ≈ 0.35 percentage points of probability.
    public static let defaultReplicates = 2000

    /// Tag of the bootstrap's random stream ("boot").
    static let streamTag: UInt64 = 0x626F_6F74

    /// The percentile interval of `statistic` over strata of independent units.
    ///
    /// Non-finite replicates are kept (NaN ordered as +∞, like every quantile here), so an
    /// explosion in some resamples widens the interval instead of disappearing.
    public static func percentile<Unit>(
        strata: [[Unit]], replicates: Int = defaultReplicates, level: Double = 0.95, seed: UInt64,
        statistic: ([[Unit]]) -> Double
    ) -> BootstrapEstimate {
        precondition(replicates >= 1 && level > 0 && level < 1)
        let estimate = statistic(strata)
        let values = Self.replicates(strata: strata, count: replicates, seed: seed) { [statistic($0)] }.map { $0[0] }
        return percentile(estimate: estimate, replicates: values, level: level)
    }

    /// The percentile interval at `level` of a statistic whose bootstrap replicates are
    /// `values` (from ``replicates(strata:count:seed:statistic:)``, when they serve several
    /// statistics at once), with its standard error over the finite replicates.
    public static func percentile(estimate: Double, replicates values: [Double], level: Double) -> BootstrapEstimate {
        let alpha = 1 - level
        let interval = ConfidenceInterval(lower: Statistics.quantile(values, alpha / 2),
                                          upper: Statistics.quantile(values, 1 - alpha / 2), level: level)
        let finite = values.filter(\.isFinite)
        return BootstrapEstimate(estimate: estimate, interval: interval,
                                 standardError: Statistics.standardDeviation(finite), replicates: values.count)
    }

    /// The statistic (a vector) of `count` bootstrap resamples, replicate r drawn from the
    /// stream (seed; "boot", r): each stratum resampled with replacement, keeping its size.
    public static func replicates<Unit>(strata: [[Unit]], count: Int, seed: UInt64,
                                        statistic: ([[Unit]]) -> [Double]) -> [[Double]] {
        let root = RandomStream(seed: seed, coordinates: [streamTag])
        var resample: [[Unit]] = strata.map { _ in [] }
        return (0..<count).map { r in
            var stream = root.child(UInt64(r))
            for (s, stratum) in strata.enumerated() {
                resample[s].removeAll(keepingCapacity: true)
                for _ in 0..<stratum.count { resample[s].append(stratum[stream.nextInt(below: stratum.count)]) }
            }
            return statistic(resample)
        }
    }

    /// The percentile interval of `statistic` over one sample of independent units.
    public static func percentile<Unit>(
        _ units: [Unit], replicates: Int = defaultReplicates, level: Double = 0.95, seed: UInt64,
        statistic: ([Unit]) -> Double
    ) -> BootstrapEstimate {
        percentile(strata: [units], replicates: replicates, level: level, seed: seed) { statistic($0[0]) }
    }
}

/// Mean and standard error of independent values, with the normal-approximation interval.
public struct MeanEstimate: Equatable, Sendable {
    public var mean: Double
    /// s/√n (NaN for fewer than two values).
    public var standardError: Double
    public var count: Int

    public init(_ values: [Double]) {
        mean = Statistics.mean(values)
        standardError = Statistics.standardDeviation(values) / Double(values.count).squareRoot()
        count = values.count
    }

    /// mean ± z·SE with z the normal quantile of the level (1.96 at 95 %).
    public func interval(standardErrors z: Double = 1.959963984540054) -> ConfidenceInterval {
        ConfidenceInterval(lower: mean - z * standardError, upper: mean + z * standardError,
                           level: 2 * Distributions.normalCDF(z) - 1)
    }
}

/// The sample variance and its standard error, √((m₄ − s⁴·(n − 3)/(n − 1))/n) with m₄ the
/// fourth central moment (the large-sample variance of s² for any law with a fourth
/// moment; 2σ⁴/(n − 1) when the law is normal).
public struct VarianceEstimate: Equatable, Sendable {
    public var variance: Double
    public var standardError: Double
    public var count: Int

    public init(_ values: [Double]) {
        count = values.count
        let n = Double(values.count)
        guard values.count > 3 else { variance = .nan; standardError = .nan; return }
        let m = Statistics.mean(values)
        var m2 = 0.0, m4 = 0.0
        for v in values {
            let e = (v - m) * (v - m)
            m2 += e
            m4 += e * e
        }
        variance = m2 / (n - 1)
        let fourth = m4 / n
        standardError = (max(0, fourth - variance * variance * (n - 3) / (n - 1)) / n).squareRoot()
    }
}
