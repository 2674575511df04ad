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
