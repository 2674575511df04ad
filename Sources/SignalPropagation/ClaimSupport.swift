import Support
import Foundation
import ResNets

/// Settings shared by the claim evaluators.
public struct ClaimOptions: Equatable, Sendable {
    /// Bootstrap replicates per interval (10 000 put the Monte Carlo error of a 0.05 % tail
    /// quantile at about 2 replicates).
    public var replicates: Int = 10_000
    /// Confidence level of the claims' intervals. 99.9 %: a reproduction checks about 30
    /// claims, and at 95 % one of them would fail by chance more often than not; at 99.9 %
    /// a false FAIL among 30 has a probability of about 3 %.
    public var level: Double = 0.999
    /// Seed of the bootstrap streams (each claim mixes in its id, so claims resample
    /// independently of one another).
    public var seed: UInt64 = 0
    /// Standard errors allowed between a mean and its exact value (4: a two-sided level of
    /// 99.994 % for a normal estimate).
    public var standardErrors: Double = 4
    /// Level of the Kolmogorov–Smirnov test: the claim fails when p < this (0.001, the same
    /// false-FAIL rate as the 99.9 % intervals).
    public var testLevel: Double = 0.001
    /// The relative difference that counts as an explosion at the largest depth.
    public var explosionThreshold: Double = 100

    public init() {}

    /// Throws a `ConfigurationError` naming the first option out of range (the evaluators
    /// assume valid options).
    public func validate() throws {
        guard (1...10_000_000).contains(replicates) else {
            throw ConfigurationError(setting: "replicates", "must be from 1 to 10000000, got \(replicates)")
        }
        guard level > 0, level < 1 else { throw ConfigurationError(setting: "level", "must be in (0, 1), got \(level)") }
        guard standardErrors.isFinite, standardErrors > 0 else {
            throw ConfigurationError(setting: "standard-errors", "must be a positive number, got \(standardErrors)")
        }
        guard testLevel > 0, testLevel < 1 else { throw ConfigurationError(setting: "test-level", "must be in (0, 1), got \(testLevel)") }
        guard explosionThreshold.isFinite, explosionThreshold > 0 else {
            throw ConfigurationError(setting: "explosion-threshold", "must be a positive number, got \(explosionThreshold)")
        }
    }

    /// The bootstrap seed of one claim: `seed` mixed with the claim id (FNV-1a), stable across runs.
    public func seed(for id: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in id.utf8 { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return h ^ seed
    }
}

extension SimulationResult {
    /// The values of a metric grouped by model, models in index order, each model's inputs
    /// together (a model's inputs share its weights, so the model is the independent unit).
    public func valuesPerModel(depth: Int, initialization: Initialization, beta: Double,
                               metric: (ProbeMetrics) -> Double) -> [[Double]] {
        var byModel: [Int: [Double]] = [:]
        for r in records where r.depth == depth && r.initialization == initialization && r.beta == beta {
            byModel[r.modelIndex, default: []].append(metric(r.metrics))
        }
        return byModel.keys.sorted().map { byModel[$0]! }
    }
}

/// The metrics claims are made about.
public enum ClaimMetric: String, Sendable, CaseIterable {
    case hDiff = "h_diff"
    case gradDiff = "grad_diff"

    public func value(_ m: ProbeMetrics) -> Double { self == .hDiff ? m.hDiff : m.gradDiff }
}

/// Depth scaling of a per-depth statistic, and its bootstrap over models.
public enum DepthScaling {
    /// The log-log slope of the per-depth medians against L. +∞ if some median is +∞
    /// (explosion), NaN if a median is ≤ 0 or missing.
    public static func medianSlope(depths: [Int], models: [[[Double]]]) -> Double {
        let medians = models.map { Statistics.median($0.flatMap { $0 }) }
        return slope(depths: depths, values: medians)
    }

    /// The log-log slope of positive values against depth, +∞ if a value is +∞.
    public static func slope(depths: [Int], values: [Double]) -> Double {
        if values.contains(.infinity) { return .infinity }
        return LinearFit.logLog(x: depths.map(Double.init), y: values).slope
    }

    /// The exponent s of a power law with a first-order correction, log m(L) = a + s·log L + c/L,
    /// fitted to the per-depth medians by least squares: the network's law approaches its
    /// large-depth limit with an O(1/L) error (the weak error of the Euler or
    /// Euler–Maruyama scheme it is, PAPER.md §5), which a plain power-law fit would read as
    /// a trend. +∞ if a median is +∞, NaN if one is ≤ 0 or there are fewer than 3 depths.
    public static func correctedMedianSlope(depths: [Int], models: [[[Double]]]) -> Double {
        let medians = models.map { Statistics.median($0.flatMap { $0 }) }
        return correctedSlope(depths: depths, values: medians)
    }

    /// The corrected exponent of positive values against depth (see `correctedMedianSlope`).
    public static func correctedSlope(depths: [Int], values: [Double]) -> Double {
        if values.contains(.infinity) { return .infinity }
        guard depths.count >= 3, values.allSatisfy({ $0 > 0 }) else { return .nan }
        let rows = depths.map { [1, log(Double($0)), 1 / Double($0)] }
        return LeastSquares.solve(rows: rows, y: values.map { log($0) })?[1] ?? .nan
    }

    /// The corrected slope of the medians with its percentile interval (models resampled
    /// within their depth).
    public static func bootstrapCorrectedMedianSlope(depths: [Int], models: [[[Double]]], options: ClaimOptions,
                                                     id: String) -> BootstrapEstimate {
        Bootstrap.percentile(strata: models, replicates: options.replicates, level: options.level,
                             seed: options.seed(for: id)) { correctedMedianSlope(depths: depths, models: $0) }
    }

    /// The slope of the medians with its percentile interval: the models of each depth are
    /// resampled within their depth (models of different depths are drawn independently).
    public static func bootstrapMedianSlope(depths: [Int], models: [[[Double]]], options: ClaimOptions,
                                            id: String) -> BootstrapEstimate {
        Bootstrap.percentile(strata: models, replicates: options.replicates, level: options.level,
                             seed: options.seed(for: id)) { medianSlope(depths: depths, models: $0) }
    }

    /// The OLS t interval of the slope of the medians, as a diagnostic note.
    public static func tIntervalNote(depths: [Int], models: [[[Double]]], level: Double) -> String {
        let medians = models.map { Statistics.median($0.flatMap { $0 }) }
        let fit = LinearFit.logLog(x: depths.map(Double.init), y: medians)
        guard fit.slope.isFinite, fit.slopeStandardError.isFinite else { return "" }
        let t = fit.slopeInterval(level: level)
        return "OLS t interval of the slope through the medians: [\(short(t.lower)), \(short(t.upper))]"
    }
}

/// A number with four significant digits for notes and statements.
func short(_ x: Double) -> String { NumberFormat.compact(x) }
