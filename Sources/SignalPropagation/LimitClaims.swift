import Support
import Foundation
import ResNets

extension SDELimitResult {
    /// The strong error E‖h_L − h_{L_fine}‖/‖h_0‖ against L. The theory's rate is that of
    /// √(1/L − 1/L_fine) over the same depths: Euler–Maruyama has strong order 1/2, and the
    /// error against the coupled fine scheme (not the exact solution) has
    /// E‖X_L − X_fine‖² ∝ 1/L − 1/L_fine to leading order (the fine scheme's error is the
    /// part of the coarse one that lives on the fine grid), hence a fitted rate slightly
    /// steeper than −1/2 (−0.51 for L ∈ {10, …, 1000}, L_fine = 10⁴).
    public func strongRate(options: ClaimOptions = ClaimOptions()) -> ConvergenceRate {
        let depths = spec.depths, fine = Double(spec.fineDepth)
        let indices = Array(0..<strongErrors.count)
        let errors = strongErrors
        return ConvergenceRate(label: "E‖h_L − h_{L_fine}‖/‖h_0‖", depths: depths, units: indices,
                               theorySlope: logLogSlope(depths: depths) { (1 / $0 - 1 / fine).squareRoot() },
                               theoryLabel: "√(1/L − 1/L_fine), strong order 1/2", options: options, id: "sde-strong") { paths in
            depths.indices.map { i in Statistics.mean(paths.map { errors[$0][i] }) }
        }
    }

    /// The Wasserstein-1 distance between the laws of ‖h_L‖/‖h_0‖ at depth L and at L_fine
    /// (over all paths × inputs) against L. No closed-form rate: the claim is that it
    /// decreases.
    public func wassersteinRate(options: ClaimOptions = ClaimOptions()) -> ConvergenceRate {
        let depths = spec.depths
        let ratios = normRatios
        let fine = ratios.map { $0[depths.count] }
        let distances = depths.indices.map { i in GroupedWasserstein(first: ratios.map { $0[i] }, second: fine) }
        return ConvergenceRate(label: "W1(law of ‖h_L‖/‖h_0‖, law at L_fine)", depths: depths, units: Array(0..<ratios.count),
                               theorySlope: .nan, theoryLabel: "", options: options, id: "sde-w1") { paths in
            var multiplicity = [Int](repeating: 0, count: ratios.count)
            for p in paths { multiplicity[p] += 1 }
            return distances.map { $0.distance(multiplicity: multiplicity) }
        }
    }
}

extension ODELimitResult {
    /// The mean error ‖h_L − H(1)‖/‖h_0‖ against L; the theory's rate is −1 (Euler, order 1).
    public func rate(options: ClaimOptions = ClaimOptions()) -> ConvergenceRate {
        let errors = self.errors
        return ConvergenceRate(label: "E‖h_L − H(1)‖/‖h_0‖", depths: spec.depths, units: Array(0..<errors.count),
                               theorySlope: -1, theoryLabel: "L^-1, Euler of order 1", options: options, id: "ode-rate") { models in
            spec.depths.indices.map { i in Statistics.mean(models.map { errors[$0][i] }) }
        }
    }
}

/// The claims of the two limit experiments.
public enum LimitClaims {
    /// Neural SDE: the strong error's fitted rate has an interval containing −1/2 within the
    /// known bias of measuring against the fine scheme (|rate of √(1/L − 1/L_fine) + 1/2|,
    /// 0.010 for the default depths: the measured rate is also pulled the other way by the
    /// pre-asymptotic shallowing at L ≤ 25, local slope −0.47 from 10 to 25), and the
    /// Wasserstein-1 distance in law decreases (rate interval below 0).
    ///
    /// W1 between the coupled samples is at most the mean |‖h_L‖ − ‖h_{L_fine}‖|/‖h_0‖ over
    /// paths × inputs (the coupling is one transport plan), which keeps its sampling noise
    /// far below that of independent samples. No rate is claimed for it: the weak order of
    /// Euler–Maruyama (1 for smooth functionals) need not hold for W1 of a norm with ReLU,
    /// and at 3200 samples the estimate still carries sampling noise of the size of the
    /// coupled differences over √n.
    public static func sde(_ result: SDELimitResult, options: ClaimOptions = ClaimOptions()) -> [Claim] {
        let strong = result.strongRate(options: options), w1 = result.wassersteinRate(options: options)
        let s = result.spec
        let setting = "res-1 \(s.activation), i.i.d. Gaussian, α = L^-1/2, d = \(s.width), L ∈ {\(s.depths.map(String.init).joined(separator: ", "))} coupled to L_fine = \(s.fineDepth)"
        let bias = abs(strong.theorySlope + 0.5)
        return [
            Claim(id: "sde-strong-rate", figure: "sde",
                  statement: "\(setting): the strong error E‖h_L − h_{L_fine}‖/‖h_0‖ decreases like L^-1/2 (Euler–Maruyama, strong order 1/2)",
                  statistic: "log-log slope of the mean strong error against L", measured: strong.slope.estimate,
                  interval: strong.slope.interval, criterion: .intervalContains(-0.5, margin: bias), n: strong.units,
                  note: "bootstrap over paths; margin = the deviation from −1/2 of the fitted rate of √(1/L − 1/L_fine) over these depths "
                      + "(\(short(strong.theorySlope))): the reference is the fine scheme, not the exact solution"),
            Claim(id: "sde-w1-decreasing", figure: "sde",
                  statement: "\(setting): the Wasserstein-1 distance between the laws of ‖h_L‖/‖h_0‖ at L and at L_fine decreases",
                  statistic: "log-log slope of W1 against L", measured: w1.slope.estimate, interval: w1.slope.interval,
                  criterion: .intervalBelow(0), n: w1.units,
                  note: "bootstrap over paths; W1 from L = \(s.depths.first!) to \(s.depths.last!): \(short(w1.values.first!)) → \(short(w1.values.last!))"),
        ]
    }
    /// Neural ODE: the error's fitted rate has an interval containing −1.
    public static func ode(_ result: ODELimitResult, options: ClaimOptions = ClaimOptions()) -> [Claim] {
        let rate = result.rate(options: options)
        let s = result.spec
        let setting = "res-3 \(s.activation), smooth:\(NumberFormat.text(s.lengthScale)) weights, α = 1/L, d = \(s.width), L ∈ {\(s.depths.map(String.init).joined(separator: ", "))}"
        return [
            Claim(id: "ode-rate", figure: "ode",
                  statement: "\(setting): the error against the RK4 solution on a \(s.refinement)× finer grid of the same path decreases like L^-1 (Euler, order 1)",
                  statistic: "log-log slope of the mean error ‖h_L − H(1)‖/‖h_0‖ against L", measured: rate.slope.estimate,
                  interval: rate.slope.interval, criterion: .intervalContains(-1, margin: 0), n: rate.units,
                  note: "bootstrap over models; error from L = \(s.depths.first!) to \(s.depths.last!): \(short(rate.values.first!)) → \(short(rate.values.last!))"),
        ]
    }
}
