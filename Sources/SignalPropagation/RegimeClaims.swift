import Support
import Foundation
import ResNets

/// The three depth regimes as claims (figures 1 and 3 for i.i.d. weights, 4 and 5 for smooth
/// ones): the exponent of the median relative difference against L, with a bootstrap
/// interval over models, and for the explosion its median at the largest depth.
///
/// Where the theory gives a power law (no trend, L^{-1/2}, L^{-1}), the exponent s is fitted
/// as log m(L) = a + s·log L + c/L: the law at depth L approaches its limit with an O(1/L)
/// error, and a plain power-law fit reads that as a trend (at β = 1/2 the median h_diff is
/// 7 % lower at L = 10 than at L ≥ 200, a plain slope of 0.011 with a 95 % interval
/// excluding 0 at the paper's size). The plain slope is given in the note. The explosion is
/// the plain slope's interval above 0.
///
/// Why a bootstrap over models rather than the OLS t interval: the unit of independence is
/// the model (fresh models at every depth), the per-depth medians have unequal errors, and
/// the t interval of a line through 5–10 medians has 3–8 degrees of freedom and mixes any
/// curvature with noise. Resampling the models of each depth and refitting measures the
/// slope's sampling error directly, at any run size, so a small (quick) run gets a wider
/// interval rather than a false verdict. The OLS t interval is kept in the note.
public enum RegimeClaims {
    /// What the theory says the median does at one β.
    enum Expectation {
        /// Slope CI contains `slope`.
        case slope(Double, String)
        /// Slope CI above 0 and the median at the largest depth at least the threshold.
        case explosion
    }

    /// Figures 1 and 3: i.i.d. weights at β = 1/2 (no trend, slope 0), β = 1 (slope −1/2) and
    /// β = 1/4 (slope > 0 and median ≥ `explosionThreshold` at the largest depth), for h_diff
    /// and grad_diff. Uses the first i.i.d. initialization of the result.
    public static func iid(_ result: SimulationResult, options: ClaimOptions = ClaimOptions()) -> [Claim] {
        let expectations: [(Double, Expectation)] = [
            (0.5, .slope(0, "does not trend with L (neural SDE regime)")),
            (1, .slope(-0.5, "vanishes like L^-1/2 (identity regime)")),
            (0.25, .explosion),
        ]
        return evaluate(result, family: "iid", initialization: result.spec.initializations.first { $0.isLayerwiseIndependent },
                        figures: ("1", "3"), expectations: expectations, options: options)
    }

    /// Figures 4 and 5: smooth weights at β = 1 (stable, slope 0), β = 2 (identity, slope −1)
    /// and β = 1/2 (explosion). Uses the first smooth initialization of the result.
    public static func smooth(_ result: SimulationResult, options: ClaimOptions = ClaimOptions()) -> [Claim] {
        let expectations: [(Double, Expectation)] = [
            (1, .slope(0, "does not trend with L (neural ODE regime)")),
            (2, .slope(-1, "vanishes like L^-1 (identity regime)")),
            (0.5, .explosion),
        ]
        let smooth = result.spec.initializations.first { $0.family.hasPrefix("smooth") }
        return evaluate(result, family: "smooth", initialization: smooth, figures: ("4", "5"),
                        expectations: expectations, options: options)
    }

    static func evaluate(_ result: SimulationResult, family: String, initialization: Initialization?,
                         figures: (String, String), expectations: [(Double, Expectation)],
                         options: ClaimOptions) -> [Claim] {
        let depths = result.spec.depths.sorted()
        let range = "L ∈ [\(depths.first ?? 0), \(depths.last ?? 0)]"
        var claims: [Claim] = []
        for metric in ClaimMetric.allCases {
            let figure = metric == .hDiff ? figures.0 : figures.1
            for (beta, expectation) in expectations {
                let b = NumberFormat.text(beta)
                let id = "fig\(figure)-\(family)-beta\(b)-\(metric.rawValue)"
                let what = "\(family), β = \(b): the median of \(metric.rawValue)"
                let statistic = "log-log slope of the median \(metric.rawValue) against L over \(range)"
                let missing: String?
                if initialization == nil {
                    missing = "the run has no \(family) initialization"
                } else if !result.spec.betas.contains(beta) {
                    missing = "the run has no β = \(b)"
                } else if depths.count < 3 {
                    missing = "a slope needs at least 3 depths, the run has \(depths.count)"
                } else {
                    missing = nil
                }
                if let missing {
                    claims.append(.notRun(id: id + "-slope", figure: figure, statement: "\(what) scales as the theory says",
                                          statistic: statistic, reason: missing))
                    if case .explosion = expectation {
                        claims.append(.notRun(id: id + "-at-Lmax", figure: figure, statement: "\(what) is large at the largest depth",
                                              reason: missing))
                    }
                    continue
                }
                let models = depths.map {
                    result.valuesPerModel(depth: $0, initialization: initialization!, beta: beta, metric: metric.value)
                }
                let n = models.map(\.count).reduce(0, +)
                switch expectation {
                case .slope(let value, let words):
                    let slope = DepthScaling.bootstrapCorrectedMedianSlope(depths: depths, models: models, options: options,
                                                                           id: id + "-slope")
                    let plain = DepthScaling.medianSlope(depths: depths, models: models)
                    let note = "bootstrap over models (\(slope.replicates) replicates, models resampled within each depth); "
                        + "fit log m = a + s·log L + c/L (the O(1/L) approach to the limit); plain power-law slope \(short(plain))"
                    claims.append(Claim(id: id + "-slope", figure: figure, statement: "\(what) \(words)",
                                        statistic: "exponent s of the median \(metric.rawValue) ≈ e^a·L^s·e^(c/L) over \(range)",
                                        measured: slope.estimate, interval: slope.interval,
                                        criterion: .intervalContains(value, margin: 0), n: n, note: note))
                case .explosion:
                    let slope = DepthScaling.bootstrapMedianSlope(depths: depths, models: models, options: options, id: id + "-slope")
                    let note = "bootstrap over models (\(slope.replicates) replicates, models resampled within each depth); "
                        + DepthScaling.tIntervalNote(depths: depths, models: models, level: options.level)
                    claims.append(Claim(id: id + "-slope", figure: figure, statement: "\(what) grows with L (explosion)",
                                        statistic: statistic, measured: slope.estimate, interval: slope.interval,
                                        criterion: .intervalAbove(0), n: n, note: note))
                    let deepest = models.last!
                    let median = Bootstrap.percentile(deepest, replicates: options.replicates, level: options.level,
                                                      seed: options.seed(for: id + "-at-Lmax")) { Statistics.median($0.flatMap { $0 }) }
                    let threshold = options.explosionThreshold
                    claims.append(Claim(id: id + "-at-Lmax", figure: figure,
                                        statement: "\(what) at L = \(depths.last!) is at least \(NumberFormat.text(threshold))",
                                        statistic: "median \(metric.rawValue) at L = \(depths.last!)",
                                        measured: median.estimate, interval: median.interval,
                                        criterion: .intervalAtLeast(threshold), n: deepest.count,
                                        note: "bootstrap over models (\(median.replicates) replicates)"))
                }
            }
        }
        return claims
    }
}
