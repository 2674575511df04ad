import Foundation

/// Cumulative distribution functions and quantiles used by the claims' confidence intervals
/// and tests: the normal law, Student's t and Kolmogorov's limit law.
///
/// Accuracy: the normal CDF is `erfc` (libm, ~1e-16); Student's t goes through the
/// regularized incomplete beta function by Lentz's continued fraction (relative error
/// ~1e-14), and its quantile is found by bisection to 1e-12; Kolmogorov's survival function
/// is a series truncated where its terms are below 1e-16.
public enum Distributions {
    /// Φ((x − mean)/sd), the normal CDF.
    public static func normalCDF(_ x: Double, mean: Double = 0, standardDeviation: Double = 1) -> Double {
        0.5 * erfc(-(x - mean) / (standardDeviation * 2.0.squareRoot()))
    }

    /// The normal density.
    public static func normalDensity(_ x: Double, mean: Double = 0, standardDeviation: Double = 1) -> Double {
        let z = (x - mean) / standardDeviation
        return exp(-0.5 * z * z) / (standardDeviation * (2 * Double.pi).squareRoot())
    }

    /// P(T ≤ t) for Student's t with ν > 0 degrees of freedom:
    /// 1 − ½·I_{ν/(ν+t²)}(ν/2, ½) for t ≥ 0, by symmetry for t < 0.
    public static func studentTCDF(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        guard nu > 0, !t.isNaN else { return .nan }
        if t.isInfinite { return t > 0 ? 1 : 0 }
        let tail = 0.5 * regularizedIncompleteBeta(a: nu / 2, b: 0.5, x: nu / (nu + t * t))
        return t >= 0 ? 1 - tail : tail
    }

    /// The p-quantile of Student's t with ν degrees of freedom (0 < p < 1), by bisection on
    /// the CDF. NaN outside that range or for ν ≤ 0.
    public static func studentTQuantile(_ p: Double, degreesOfFreedom nu: Double) -> Double {
        guard nu > 0, p > 0, p < 1 else { return .nan }
        if p == 0.5 { return 0 }
        if p < 0.5 { return -studentTQuantile(1 - p, degreesOfFreedom: nu) }
        var lo = 0.0, hi = 1.0
        while studentTCDF(hi, degreesOfFreedom: nu) < p { hi *= 2; if hi > 1e300 { return .infinity } }
        for _ in 0..<200 {
            let mid = 0.5 * (lo + hi)
            if studentTCDF(mid, degreesOfFreedom: nu) < p { lo = mid } else { hi = mid }
            if hi - lo <= 1e-12 * max(1, hi) { break }
        }
        return 0.5 * (lo + hi)
    }

    /// I_x(a, b), the regularized incomplete beta function (a, b > 0, 0 ≤ x ≤ 1), by the
    /// continued fraction of Numerical Recipes §6.4 (modified Lentz), using the symmetry
    /// I_x(a, b) = 1 − I_{1−x}(b, a) where the fraction converges faster.
    public static func regularizedIncompleteBeta(a: Double, b: Double, x: Double) -> Double {
        guard a > 0, b > 0, x >= 0, x <= 1 else { return .nan }
        if x == 0 || x == 1 { return x }
        let logFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x)
        if x < (a + 1) / (a + b + 2) {
            return exp(logFront) * betaContinuedFraction(a: a, b: b, x: x) / a
        }
        return 1 - exp(logFront) * betaContinuedFraction(a: b, b: a, x: 1 - x) / b
    }

    private static func betaContinuedFraction(a: Double, b: Double, x: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...500 {
            let m = Double(m)
            let even = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
            d = 1 + even * d; if abs(d) < tiny { d = tiny }
            c = 1 + even / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            let odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
            d = 1 + odd * d; if abs(d) < tiny { d = tiny }
            c = 1 + odd / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let step = d * c
            h *= step
            if abs(step - 1) < 1e-15 { break }
        }
        return h
    }

    /// Kolmogorov's survival function Q(λ) = P(K > λ) = 2 Σ_{j≥1} (−1)^{j−1} e^{−2j²λ²},
    /// the limit law of √n·D_n. For λ < 1.18 the equivalent (Jacobi) form
    /// 1 − (√(2π)/λ) Σ_{j≥1} e^{−(2j−1)²π²/(8λ²)} is summed instead, as it converges there.
    public static func kolmogorovSurvival(_ lambda: Double) -> Double {
        guard !lambda.isNaN else { return .nan }
        if lambda <= 0 { return 1 }
        if lambda.isInfinite { return 0 }
        if lambda < 1.18 {
            let k = -Double.pi * Double.pi / (8 * lambda * lambda)
            var sum = 0.0
            for j in 1...50 {
                let t = exp(Double((2 * j - 1) * (2 * j - 1)) * k)
                sum += t
                if t < 1e-17 { break }
            }
            return max(0, min(1, 1 - (2 * Double.pi).squareRoot() / lambda * sum))
        }
        var sum = 0.0, sign = 1.0
        for j in 1...100 {
            let t = exp(-2 * Double(j * j) * lambda * lambda)
            sum += sign * t
            sign = -sign
            if t < 1e-17 { break }
        }
        return max(0, min(1, 2 * sum))
    }
}
