import Foundation
import ResNets
import SignalPropagation

/// The formulas of PAPER.md §5 that the figures draw, where one applies (nil elsewhere).
public enum TheoryCurves {
    /// √E[h_diff²] at depth L, exactly: with independent zero-mean residual weights h_k is a
    /// martingale, so E⟨h_L, h_0⟩ = ‖h_0‖² and E‖h_L − h_0‖²/‖h_0‖² = E‖h_L‖²/‖h_0‖² − 1,
    /// known in closed form for res-3 ReLU and the linear models (`Theory`). Only for i.i.d.
    /// initializations.
    public static func rmsRelativeDifference(_ spec: SimulationSpec, initialization: Initialization,
                                             depth: Int, beta: Double) -> Double? {
        guard initialization.isLayerwiseIndependent,
              let ratio = Theory.expectedSquaredNormRatio(variant: spec.variant, activation: spec.activation, depth: depth, beta: beta)
        else { return nil }
        return (ratio - 1).squareRoot()
    }

    /// The L → ∞ limit of √E[h_diff²] at β = 1/2 (the neural SDE at time 1):
    /// √(e^{1/2} − 1) ≈ 0.806 for res-3 ReLU, √(e − 1) ≈ 1.31 for the linear models.
    public static func sdeLimitRMS(_ spec: SimulationSpec, initialization: Initialization) -> Double? {
        guard initialization.isLayerwiseIndependent,
              Theory.expectedSquaredNormRatio(variant: spec.variant, activation: spec.activation, depth: 1, beta: 0.5) != nil
        else { return nil }
        let rate = spec.activation == .relu ? 0.5 : 1.0   // lim (1 + rate/L)^L = e^rate
        return (exp(rate) - 1).squareRoot()
    }

    /// The exponent of the relative difference where the theory gives a power law: i.i.d.
    /// weights at β > 1/2 (identity regime, h_diff ≈ √(L·α²) = L^{1/2 − β}); smooth weights at
    /// β > 1 (identity regime of the neural ODE, L^{1 − β}).
    public static func identityExponent(_ initialization: Initialization, beta: Double) -> Double? {
        if initialization.isLayerwiseIndependent { return beta > 0.5 ? 0.5 - beta : nil }
        if initialization.family.hasPrefix("smooth") { return beta > 1 ? 1 - beta : nil }
        return nil
    }

    /// The density per decade of ‖h_L‖/‖h_0‖ at the points `x` under the log-normal law of
    /// `Theory.logSquaredNormRatioLaw`: log‖h_L‖/‖h_0‖ ~ N(m/2, v/4) for log of the squared
    /// ratio ~ N(m, v). Only for i.i.d. initializations.
    public static func normRatioDensityPerDecade(_ spec: SimulationSpec, initialization: Initialization, depth: Int,
                                                 beta: Double, at x: [Double]) -> [Double]? {
        guard initialization.isLayerwiseIndependent,
              let law = Theory.logSquaredNormRatioLaw(variant: spec.variant, activation: spec.activation, width: spec.width,
                                                      depth: depth, beta: beta)
        else { return nil }
        let mean = law.mean / 2, sd = law.variance.squareRoot() / 2
        return x.map { r in
            guard r > 0 else { return 0 }
            return log(10) * Distributions.normalDensity(log(r), mean: mean, standardDeviation: sd)
        }
    }

    /// The heuristic boundary of figure 7: β*(H) = max(H, 1/2) (the first-order term grows
    /// like L^{H − β}, the second-order one like L^{1 − 2β} for H ≤ 1/2).
    public static func heuristicBoundary(_ hurst: Double) -> Double { max(hurst, 0.5) }
}
