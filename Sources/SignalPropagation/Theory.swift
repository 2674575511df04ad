import ResNets

/// Exact moments at initialization (PAPER.md §5), the oracles the simulations are tested
/// against. They hold for any independent, symmetric, variance-1/d weights (uniform or
/// Gaussian), since only second moments enter.
public enum Theory {
    /// E‖h_L‖² / ‖h_0‖² where known in closed form, else nil:
    /// - res-1, σ = identity: (1 + α²)^L
    /// - res-3, σ = ReLU: (1 + α²/2)^L (because E‖ReLU(W h)‖² = ‖h‖²/2)
    /// - res-3, σ = identity: (1 + α²)^L
    public static func expectedSquaredNormRatio(variant: ResidualVariant, activation: Activation,
                                                depth: Int, beta: Double) -> Double? {
        let a2 = Scaling.alpha(depth: depth, beta: beta) * Scaling.alpha(depth: depth, beta: beta)
        switch (variant, activation) {
        case (.res1, .identity), (.res3, .identity):
            return pow1p(a2, depth)
        case (.res3, .relu):
            return pow1p(a2 / 2, depth)
        default:
            return nil
        }
    }

    /// The Gaussian approximation of log(‖h_L‖²/‖h_0‖²) at initialization (PAPER.md §5), as
    /// (mean, variance), where the law of a layer's factor does not depend on h; nil elsewhere.
    /// With λ = L·α_L², each layer multiplies ‖h‖² by 1 + ξ with ξ independent of the past:
    /// - res-3, ReLU: E ξ = α²/2, E ξ² ≈ 2α²/d, so log‖h_L‖²/‖h_0‖² ≈ N(λ(1/2 − 1/d), 2λ/d);
    /// - res-1 or res-3, identity: E ξ = α², E ξ² ≈ 4α²/d, so ≈ N(λ(1 − 2/d), 4λ/d);
    /// up to O(λ²/L) (and for res-3 ReLU, O(λ/d²)). For log‖h_L‖/‖h_0‖ halve the mean and the
    /// standard deviation: at d = 100, L = 1000, β = 1/2 (res-3, ReLU) the norm ratio's
    /// logarithm has mean 0.245 and standard deviation 0.0707. res-1 with ReLU is not
    /// covered: there E ξ = α²‖ReLU(u)‖² depends on the direction u of h.
    public static func logSquaredNormRatioLaw(variant: ResidualVariant, activation: Activation, width d: Int,
                                              depth: Int, beta: Double) -> (mean: Double, variance: Double)? {
        let alpha = Scaling.alpha(depth: depth, beta: beta)
        let lambda = Double(depth) * alpha * alpha
        let w = Double(d)
        switch (variant, activation) {
        case (.res3, .relu): return (lambda * (0.5 - 1 / w), 2 * lambda / w)
        case (.res1, .identity), (.res3, .identity): return (lambda * (1 - 2 / w), 4 * lambda / w)
        default: return nil
        }
    }

    /// The regime by the limit of L·α_L² = L^{1−2β}: identity (β > 1/2), neural SDE
    /// (β = 1/2) or explosion (β < 1/2), for i.i.d. weights.
    public static func iidRegime(beta: Double) -> String {
        if beta > 0.5 { return "identity" }
        if beta < 0.5 { return "explosion" }
        return "neural SDE"
    }

    private static func pow1p(_ x: Double, _ n: Int) -> Double {
        var result = 1.0, base = 1 + x, e = n
        while e > 0 {
            if e & 1 == 1 { result *= base }
            base *= base
            e >>= 1
        }
        return result
    }
}
