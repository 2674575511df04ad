// Smooth Gaussian processes with the RBF (squared-exponential) kernel on the layer grid,
// sampled by circulant embedding with a numerically negligible kernel tail.

import Foundation

/// A zero-mean Gaussian process `f` on `[0, 1]` with kernel `k(s, t) = exp(−(s − t)²/(2ℓ²))`,
/// observed on the grid `t_k = k/L`, in one of the two forms used for "smooth" weights:
///
/// - ``Variant/values`` (revision 2023, `smooth:<ℓ>`): `X_k = f(t_{k+1})`, `k = 0 … L−1`,
///   i.e. the values at `t_1 … t_L` (unit variance; the grid offset does not change the law
///   since the process is stationary). Autocovariance `c(m) = exp(−m²/(2ℓ²L²))`.
/// - ``Variant/increments`` (reference 2022, `smooth-increments:<ℓ²>`): with `f` on the
///   `L + 1` points `t_0 … t_L`, `X_k = (f(t_{k+1}) − f(t_k)) / σ_Δ`, `k = 0 … L−1`, where
///   `σ_Δ² = 2(1 − exp(−1/(2ℓ²L²)))` is the exact variance of one increment. (The reference
///   code divides by the *empirical* mean standard deviation over all entries; the exact
///   theoretical one makes the result a deterministic function of the random stream.)
///   Autocovariance, with `g(m) = exp(−m²/(2ℓ²L²))`:
///   `c(m) = (2g(m) − g(m − 1) − g(m + 1)) / (2(1 − g(1)))`, evaluated with `expm1` where the
///   direct formula would cancel.
///
/// Multiply by `scale` (e.g. `1/√d`) at sampling time.
///
/// ## Method and what is approximate
/// The RBF Gram matrix is numerically singular, so there is no Cholesky factorization here.
/// The sequence is sampled by circulant embedding (see ``StationaryGaussianSequence``) with
/// `M` the smallest even 2,3,5-smooth number ≥ max(2(L − 1), 20ℓL): the embedded first row is
/// `c(min(k, M − k))`, which cuts the kernel at lag `M/2 ≥ 10ℓL` where `g ≤ e^{−50}`. That cut
/// and the clipping of round-off negative eigenvalues to 0 are the only approximations; the
/// covariance actually realized on the `L` points is computed at construction and its largest
/// deviation from `c`, ``covarianceError``, is ~1e-16 in practice (the initializer throws if it
/// exceeds 1e-8). Everything else (eigenvalues, FFT, scaling) is exact up to Double round-off.
public struct SmoothGaussianProcess: Sendable {
    /// Which sequence is produced from the process.
    public enum Variant: String, Sendable, CaseIterable {
        /// GP values at t_1 … t_L (unit variance).
        case values
        /// GP increments on t_0 … t_L divided by their exact standard deviation.
        case increments
    }

    /// Number of steps L.
    public let length: Int
    /// Kernel length scale ℓ (the bandwidth is ℓ²).
    public let lengthScale: Double
    /// Values or normalized increments.
    public let variant: Variant
    let embedding: StationaryGaussianSequence

    /// Largest realized-minus-requested autocovariance deviation tolerated at construction.
    public static let covarianceTolerance = 1e-8

    /// Prepares sampling of `variant` with length scale `lengthScale` (ℓ, not ℓ²) on `length` steps.
    /// - Throws: ``RandomProcessError/invalidLength(_:)`` if `length < 1`,
    ///   ``RandomProcessError/invalidLengthScale(_:)`` unless ℓ is finite and > 0,
    ///   ``RandomProcessError/embeddingFailed(_:)`` if ℓ·L is so large that the embedding
    ///   exceeds ``StationaryGaussianSequence/maximumEmbeddingLength`` or is inaccurate.
    public init(length: Int, lengthScale: Double, variant: Variant) throws {
        guard length >= 1 else { throw RandomProcessError.invalidLength(length) }
        guard lengthScale.isFinite && lengthScale > 0 else { throw RandomProcessError.invalidLengthScale(lengthScale) }
        self.length = length
        self.lengthScale = lengthScale
        self.variant = variant
        try StationaryGaussianSequence.checkLength(length)
        guard let m = Self.embeddingLength(length: length, lengthScale: lengthScale) else {
            // Printed as a Double: ℓ·L may be far beyond Int (ℓ = 1e17).
            throw RandomProcessError.embeddingFailed(
                "length scale \(lengthScale) is too large for L = \(length): the embedding would need \(String(format: "%.3g", (20 * lengthScale * Double(length)).rounded(.up))) points (maximum \(StationaryGaussianSequence.maximumEmbeddingLength))")
        }
        let c = (0...(m / 2)).map { Self.autocovariance(lag: $0, length: length, lengthScale: lengthScale, variant: variant) }
        embedding = try StationaryGaussianSequence(length: length, embeddingLength: m, autocovariance: c)
        guard embedding.covarianceError <= Self.covarianceTolerance else {
            throw RandomProcessError.embeddingFailed(
                "realized covariance deviates by \(embedding.covarianceError) (> \(Self.covarianceTolerance)) for ℓ = \(lengthScale), L = \(length)")
        }
    }

    /// The circulant embedding size M of `length` steps at length scale ℓ: the smallest even
    /// FFT-friendly size ≥ max(2(L − 1), 20ℓL), so that the kernel is cut at lag M/2 ≥ 10ℓL;
    /// nil when 20ℓL exceeds ``StationaryGaussianSequence/maximumEmbeddingLength``. The one
    /// rule, for the sampler and for memory estimates made before it is built.
    public static func embeddingLength(length: Int, lengthScale: Double) -> Int? {
        // Compared as a Double: ℓ·L may be far beyond Int.
        let span = 20 * lengthScale * Double(length)
        guard span <= Double(StationaryGaussianSequence.maximumEmbeddingLength) else { return nil }
        return StationaryGaussianSequence.evenSmoothLength(atLeast: max(2 * (max(length, 1) - 1), Int(span.rounded(.up))))
    }

    /// `smooth:<ℓ>`: unit-variance GP values with length scale ℓ (default 0.1, revision 2023).
    public static func values(length: Int, lengthScale: Double = 0.1) throws -> SmoothGaussianProcess {
        try SmoothGaussianProcess(length: length, lengthScale: lengthScale, variant: .values)
    }

    /// `smooth-increments:<ℓ²>`: normalized GP increments with bandwidth ℓ² (default 0.01,
    /// reference 2022). Throws ``RandomProcessError/invalidLengthScale(_:)`` for a bandwidth that
    /// is not finite and positive (the error reports the offending ℓ² value).
    public static func increments(length: Int, bandwidth: Double = 0.01) throws -> SmoothGaussianProcess {
        guard bandwidth.isFinite && bandwidth > 0 else { throw RandomProcessError.invalidLengthScale(bandwidth) }
        return try SmoothGaussianProcess(length: length, lengthScale: bandwidth.squareRoot(), variant: .increments)
    }

    /// The autocovariance `c(m)` of the produced sequence at lag `m` (see the type documentation).
    public static func autocovariance(lag: Int, length: Int, lengthScale: Double, variant: Variant) -> Double {
        let m = Double(abs(lag))
        let h = 1 / (2 * lengthScale * lengthScale * Double(length) * Double(length))
        switch variant {
        case .values:
            return exp(-m * m * h)
        case .increments:
            // g(m ± 1) = g(m)·exp(−(1 ± 2m)h): 2g(m) − g(m−1) − g(m+1) = −g(m)[expm1(−(1−2m)h) + expm1(−(1+2m)h)].
            let num: Double
            if (2 * m + 1) * h < 0.5 {
                // Cancellation regime: factor out g(m) and use expm1.
                num = -exp(-m * m * h) * (expm1(-(1 - 2 * m) * h) + expm1(-(1 + 2 * m) * h))
            } else {
                num = 2 * exp(-m * m * h) - exp(-(m - 1) * (m - 1) * h) - exp(-(m + 1) * (m + 1) * h)
            }
            return num / (-2 * expm1(-h))
        }
    }

    /// Variance of one raw increment f(t_{k+1}) − f(t_k): 2(1 − exp(−1/(2ℓ²L²))).
    public static func incrementVariance(length: Int, lengthScale: Double) -> Double {
        -2 * expm1(-1 / (2 * lengthScale * lengthScale * Double(length) * Double(length)))
    }

    /// Embedding size M of the circulant.
    public var embeddingLength: Int { embedding.embeddingLength }
    /// Largest |realized − requested| autocovariance over lags < L.
    public var covarianceError: Double { embedding.covarianceError }

    /// Writes `count` independent sequences times `scale`, layer-major:
    /// `out[k·count + s] = scale · X_k^{(s)}`. Random numbers as in ``StationaryGaussianSequence``.
    public func sample(sequences count: Int, scale: Double = 1, from stream: inout RandomStream,
                       into out: UnsafeMutableBufferPointer<Float>) {
        embedding.sample(sequences: count, scale: scale, from: &stream, into: out)
    }

    /// Double-output version (same draws).
    public func sample(sequences count: Int, scale: Double = 1, from stream: inout RandomStream,
                       into out: UnsafeMutableBufferPointer<Double>) {
        embedding.sample(sequences: count, scale: scale, from: &stream, into: out)
    }

    /// `count` sequences in a new array (layer-major).
    public func sample(sequences count: Int, scale: Double = 1, from stream: inout RandomStream) -> [Double] {
        [Double](unsafeUninitializedCapacity: length * count) { buf, n in
            sample(sequences: count, scale: scale, from: &stream, into: buf)
            n = length * count
        }
    }
}
