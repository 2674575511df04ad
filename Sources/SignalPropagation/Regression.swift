import Foundation

/// Ordinary least squares y ≈ intercept + slope·x, with the classical standard error of the
/// slope, s/√Sxx where s² = RSS/(n − 2), and its Student-t interval (n − 2 degrees of
/// freedom).
///
/// The t interval assumes the points scatter independently around a straight line with
/// equal variance. The claims about depth scalings fit a line through per-depth
/// statistics whose errors are neither equal nor (for coupled experiments) independent,
/// and whose curves are straight only asymptotically; there they use instead a bootstrap
/// over models of the fitted slope (see `SlopeEstimate`), and this interval is reported
/// alongside as a diagnostic.
public struct LinearFit: Equatable, Sendable {
    public var slope: Double
    public var intercept: Double
    /// s/√Sxx; NaN with fewer than three points.
    public var slopeStandardError: Double
    /// s = √(RSS/(n − 2)).
    public var residualStandardError: Double
    /// n − 2.
    public var degreesOfFreedom: Int

    /// Fits the points (x_i, y_i). NaN slope if fewer than two points, if the x are all
    /// equal, or if any value is not finite.
    public init(x: [Double], y: [Double]) {
        precondition(x.count == y.count, "x and y must have the same length")
        let n = x.count
        degreesOfFreedom = n - 2
        guard n >= 2, x.allSatisfy(\.isFinite), y.allSatisfy(\.isFinite) else {
            slope = .nan; intercept = .nan; slopeStandardError = .nan; residualStandardError = .nan
            return
        }
        let mx = x.reduce(0, +) / Double(n), my = y.reduce(0, +) / Double(n)
        var sxx = 0.0, sxy = 0.0
        for i in 0..<n {
            sxx += (x[i] - mx) * (x[i] - mx)
            sxy += (x[i] - mx) * (y[i] - my)
        }
        guard sxx > 0 else {
            slope = .nan; intercept = .nan; slopeStandardError = .nan; residualStandardError = .nan
            return
        }
        slope = sxy / sxx
        intercept = my - slope * mx
        guard n > 2 else { slopeStandardError = .nan; residualStandardError = .nan; return }
        var rss = 0.0
        for i in 0..<n {
            let r = y[i] - intercept - slope * x[i]
            rss += r * r
        }
        residualStandardError = (rss / Double(n - 2)).squareRoot()
        slopeStandardError = residualStandardError / sxx.squareRoot()
    }

    /// The fit of log y against log x (natural logarithms): the exponent of a power law
    /// y ∝ x^slope. NaN slope unless every x and y is finite and positive.
    public static func logLog(x: [Double], y: [Double]) -> LinearFit {
        let ok = x.allSatisfy { $0 > 0 && $0.isFinite } && y.allSatisfy { $0 > 0 && $0.isFinite }
        return LinearFit(x: ok ? x.map { log($0) } : [.nan], y: ok ? y.map { log($0) } : [.nan])
    }

    /// slope ± t_{(1+level)/2, n−2}·SE.
    public func slopeInterval(level: Double = 0.95) -> ConfidenceInterval {
        let t = Distributions.studentTQuantile((1 + level) / 2, degreesOfFreedom: Double(degreesOfFreedom))
        return ConfidenceInterval(lower: slope - t * slopeStandardError, upper: slope + t * slopeStandardError, level: level)
    }
}

/// Least squares with a few regressors: the coefficients b minimizing ‖y − X b‖², by the
/// normal equations XᵀX b = Xᵀy solved with partial pivoting (fine for the 2–4 well-scaled
/// columns used here; not for ill-conditioned designs).
public enum LeastSquares {
    /// `rows[i]` is row i of X. Nil if the sizes disagree, a value is not finite, or XᵀX is
    /// singular.
    public static func solve(rows: [[Double]], y: [Double]) -> [Double]? {
        guard let p = rows.first?.count, p > 0, rows.count == y.count, rows.count >= p,
              rows.allSatisfy({ $0.count == p && $0.allSatisfy(\.isFinite) }), y.allSatisfy(\.isFinite) else { return nil }
        var a = [[Double]](repeating: [Double](repeating: 0, count: p + 1), count: p)
        for (row, value) in zip(rows, y) {
            for i in 0..<p {
                for j in 0..<p { a[i][j] += row[i] * row[j] }
                a[i][p] += row[i] * value
            }
        }
        let scale = a.map { $0[0..<p].map(abs).max()! }.max()!
        for c in 0..<p {
            let pivot = (c..<p).max { abs(a[$0][c]) < abs(a[$1][c]) }!
            guard abs(a[pivot][c]) > 1e-13 * scale else { return nil }
            a.swapAt(c, pivot)
            for r in 0..<p where r != c {
                let f = a[r][c] / a[c][c]
                for k in c...p { a[r][k] -= f * a[c][k] }
            }
        }
        return (0..<p).map { a[$0][p] / a[$0][$0] }
    }
}
