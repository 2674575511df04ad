import Support
import Foundation
import ResNets

/// Claims on the law of ‖h_L‖/‖h_0‖ at initialization (PAPER.md §5): the exact second
/// moments, and the log-normal law of figure 2.
public enum MomentClaims {
    /// E‖h_L‖²/‖h_0‖² = (1 + α²/2)^L (res-3, ReLU) or (1 + α²)^L (identity) within
    /// `options.standardErrors` standard errors of the mean over models, at each of `depths`
    /// (default: the smallest and the largest of the run) and each of `betas`
    /// (default: 1/2). A model's value is the mean of h_ratio² over its inputs.
    ///
    /// Meant for β ≥ 1/2: at β < 1/2 the ratio is log-normal with a large log-variance, so its
    /// sample mean converges slowly and its standard error underestimates the error.
    public static func secondMoments(_ result: SimulationResult, depths: [Int]? = nil, betas: [Double] = [0.5],
                                     options: ClaimOptions = ClaimOptions()) -> [Claim] {
        let spec = result.spec
        let depths = depths ?? Array(Set([spec.depths.min()!, spec.depths.max()!])).sorted()
        let model = "\(spec.variant.rawValue) \(spec.activation)"
        let figure = "theory"
        var claims: [Claim] = []
        for beta in betas {
            for depth in depths {
                let id = "moment-\(spec.variant.rawValue)-\(spec.activation)-L\(depth)-beta\(NumberFormat.text(beta))"
                let statement = "\(model), L = \(depth), β = \(NumberFormat.text(beta)): E‖h_L‖²/‖h_0‖² equals its exact value"
                let statistic = "mean over models of ‖h_L‖²/‖h_0‖²"
                guard let exact = Theory.expectedSquaredNormRatio(variant: spec.variant, activation: spec.activation,
                                                                  depth: depth, beta: beta) else {
                    claims.append(.notRun(id: id, figure: figure, statement: statement, statistic: statistic,
                                          reason: "no exact second moment is known for \(model)"))
                    continue
                }
                guard spec.depths.contains(depth), spec.betas.contains(beta), let initialization = spec.initializations.first else {
                    claims.append(.notRun(id: id, figure: figure, statement: statement, statistic: statistic,
                                          reason: "the run has no L = \(depth), β = \(NumberFormat.text(beta))"))
                    continue
                }
                let perModel = result.valuesPerModel(depth: depth, initialization: initialization, beta: beta) { $0.hRatio * $0.hRatio }
                    .map(Statistics.mean)
                let m = MeanEstimate(perModel)
                let tolerance = options.standardErrors * m.standardError
                claims.append(Claim(id: id, figure: figure, statement: statement + " \(formula(spec)) = \(short(exact))",
                                    statistic: statistic, measured: m.mean, interval: m.interval(),
                                    criterion: .within(exact, tolerance: tolerance), n: m.count,
                                    note: "tolerance = \(NumberFormat.text(options.standardErrors)) standard errors of the mean over models"))
            }
        }
        return claims
    }

    static func formula(_ spec: SimulationSpec) -> String {
        spec.activation == .relu ? "(1 + α²/2)^L" : "(1 + α²)^L"
    }

    /// Figure 2: at the largest depth and β = 1/2, log(‖h_L‖²/‖h_0‖²) has the mean and
    /// variance of `Theory.logSquaredNormRatioLaw` (each within `options.standardErrors`
    /// standard errors), and a Kolmogorov–Smirnov test against that normal law does not
    /// reject at `options.testLevel`. One value per model (its first input), so the sample is
    /// i.i.d.
    public static func logNormalLaw(_ result: SimulationResult, beta: Double = 0.5,
                                    options: ClaimOptions = ClaimOptions()) -> [Claim] {
        let spec = result.spec
        let depth = spec.depths.max()!
        let d = spec.width
        let figure = "2"
        let setting = "\(spec.variant.rawValue) \(spec.activation), d = \(d), L = \(depth), β = \(NumberFormat.text(beta))"
        let ids = ["fig2-lognormal-mean", "fig2-lognormal-variance", "fig2-lognormal-ks"]
        let statements = ["\(setting): the mean of log(‖h_L‖²/‖h_0‖²) is λ(1/2 − 1/d)",
                          "\(setting): the variance of log(‖h_L‖²/‖h_0‖²) is 2λ/d",
                          "\(setting): log(‖h_L‖²/‖h_0‖²) is normal with that mean and variance"]
        guard let law = Theory.logSquaredNormRatioLaw(variant: spec.variant, activation: spec.activation, width: d,
                                                      depth: depth, beta: beta) else {
            return zip(ids, statements).map { .notRun(id: $0, figure: figure, statement: $1,
                                                      reason: "no log-normal law is known for \(spec.variant.rawValue) \(spec.activation)") }
        }
        guard spec.betas.contains(beta), let initialization = spec.initializations.first else {
            return zip(ids, statements).map { .notRun(id: $0, figure: figure, statement: $1, reason: "the run has no β = \(NumberFormat.text(beta))") }
        }
        let identityLaw = spec.activation == .identity
        let meanText = identityLaw ? "λ(1 − 2/d)" : "λ(1/2 − 1/d)"
        let varianceText = identityLaw ? "4λ/d" : "2λ/d"
        let logs = result.valuesPerModel(depth: depth, initialization: initialization, beta: beta) { 2 * log($0.hRatio) }
            .map { $0[0] }
        let n = logs.count
        let mean = MeanEstimate(logs), variance = VarianceEstimate(logs)
        let ks = GoodnessOfFit.kolmogorovSmirnov(logs) {
            Distributions.normalCDF($0, mean: law.mean, standardDeviation: law.variance.squareRoot())
        }
        let k = options.standardErrors
        let lambda = Double(depth) * pow(Scaling.alpha(depth: depth, beta: beta), 2)
        return [
            Claim(id: ids[0], figure: figure, statement: "\(setting): the mean of log(‖h_L‖²/‖h_0‖²) is \(meanText) = \(short(law.mean))",
                  statistic: "sample mean of log(‖h_L‖²/‖h_0‖²)", measured: mean.mean, interval: mean.interval(),
                  criterion: .within(law.mean, tolerance: k * mean.standardError), n: n,
                  note: "λ = Lα² = \(short(lambda)); tolerance = \(NumberFormat.text(k)) standard errors"),
            Claim(id: ids[1], figure: figure, statement: "\(setting): the variance of log(‖h_L‖²/‖h_0‖²) is \(varianceText) = \(short(law.variance))",
                  statistic: "sample variance of log(‖h_L‖²/‖h_0‖²)", measured: variance.variance,
                  interval: ConfidenceInterval(lower: variance.variance - 1.959963984540054 * variance.standardError,
                                               upper: variance.variance + 1.959963984540054 * variance.standardError, level: 0.95),
                  criterion: .within(law.variance, tolerance: k * variance.standardError), n: n,
                  note: "standard error from the sample's fourth moment; tolerance = \(NumberFormat.text(k)) standard errors"),
            Claim(id: ids[2], figure: figure,
                  statement: "\(setting): log(‖h_L‖²/‖h_0‖²) is normal N(\(meanText), \(varianceText)) (KS test at level \(NumberFormat.text(options.testLevel)))",
                  statistic: "Kolmogorov–Smirnov p-value", measured: ks.pValue, interval: nil,
                  criterion: .atLeast(options.testLevel), n: n,
                  note: "D = \(short(ks.statistic)); the law's parameters come from the theory, not from the sample"),
        ]
    }
}
