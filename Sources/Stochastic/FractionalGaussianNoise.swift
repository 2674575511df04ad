// Fractional Gaussian noise and fractional Brownian motion on a regular grid, sampled exactly
// by circulant embedding (Davies–Harte).

import Foundation

/// Fractional Gaussian noise (fGn) of Hurst index `H ∈ (0, 1)`: a stationary, zero-mean,
/// unit-variance Gaussian sequence `G_0 … G_{L−1}` with autocovariance
///
///     γ(k) = ½ (|k − 1|^{2H} − 2|k|^{2H} + |k + 1|^{2H}),    γ(0) = 1,
///
/// i.e. the increments `B_H(k + 1) − B_H(k)` of a standard fractional Brownian motion.
/// `H = 1/2` is white noise; `H > 1/2` is positively correlated (long memory), `H < 1/2`
/// negatively correlated. `Var(G_1 + … + G_m) = m^{2H}`.
///
/// ## Exactness
/// Samples are exact (in law, up to floating-point round-off and the Float Box–Muller normals
/// described in ``StationaryGaussianSequence``): the circulant embedding of size
/// `M` = the smallest even 2,3,5-smooth number ≥ 2(L − 1) is nonnegative definite for every
/// `H ∈ (0, 1)` (for `H ≤ 1/2`, `γ(k) ≤ 0` for `k ≥ 1`; for `H > 1/2`, `γ` is convex and
/// decreasing — Craigmile 2003), and the first `L` values of the embedded length-`M/2 + 1`
/// fGn have exactly the law of a length-`L` fGn. Eigenvalues are checked at construction
/// (round-off negatives ≥ −10⁻⁹·max λ are clipped to 0; see ``covarianceError``).
///
/// ## Cost
/// Construction: one FFT of length M (done once per (L, H); reuse the value). Sampling: per
/// eight sequences, `8M` Float normal draws and one batched FFT of length M on SIMD4<Double>.
public struct FractionalGaussianNoise: Sendable {
    /// Number of steps L.
    public let length: Int
    /// Hurst index H.
    public let hurst: Double
    let embedding: StationaryGaussianSequence

    /// Prepares exact sampling of fGn of length `length` and Hurst index `hurst`.
    /// - Throws: ``RandomProcessError/invalidLength(_:)`` if `length < 1`,
    ///   ``RandomProcessError/invalidHurst(_:)`` unless `0 < hurst < 1` (NaN included).
    public init(length: Int, hurst: Double) throws {
        guard length >= 1 else { throw RandomProcessError.invalidLength(length) }
        guard hurst > 0 && hurst < 1 else { throw RandomProcessError.invalidHurst(hurst) }
        try StationaryGaussianSequence.checkLength(length)
        self.length = length
        self.hurst = hurst
        let m = Self.embeddingLength(length: length)
        let c = (0...(m / 2)).map { Self.autocovariance(lag: $0, hurst: hurst) }
        embedding = try StationaryGaussianSequence(length: length, embeddingLength: m, autocovariance: c)
    }

    /// The circulant embedding size M of `length` steps: the smallest even FFT-friendly size
    /// ≥ 2(L − 1) (for the sampler and for memory estimates made before it is built).
    public static func embeddingLength(length: Int) -> Int {
        StationaryGaussianSequence.evenSmoothLength(atLeast: 2 * (max(length, 1) - 1))
    }

    /// γ(k) = ½(|k−1|^{2H} − 2|k|^{2H} + |k+1|^{2H}) (symmetric in k, γ(0) = 1), evaluated for
    /// |k| ≥ 2 as ½·k^{2H}·[expm1(2H·log1p(−1/k)) + expm1(2H·log1p(1/k))] to avoid the
    /// cancellation of the direct formula at large lags.
    public static func autocovariance(lag: Int, hurst: Double) -> Double {
        let k = Double(abs(lag))
        let h2 = 2 * hurst
        if k == 0 { return 1 }
        if k == 1 { return 0.5 * (pow(2, h2) - 2) }
        let x = 1 / k
        return 0.5 * pow(k, h2) * (expm1(h2 * log1p(-x)) + expm1(h2 * log1p(x)))
    }

    /// Embedding size M of the circulant (even, 2,3,5-smooth, ≥ 2(L − 1)).
    public var embeddingLength: Int { embedding.embeddingLength }
    /// Largest |realized − requested| autocovariance over lags < L (round-off level, ~1e-15).
    public var covarianceError: Double { embedding.covarianceError }

    /// Writes `count` independent unit-variance fGn sequences of length L multiplied by
    /// `scale`, layer-major: `out[k·count + s] = scale · G_k^{(s)}` (k < L, s < count), so that
    /// for `count = rows·cols` step `k` is a contiguous row-major `rows × cols` matrix.
    /// Random numbers: see ``StationaryGaussianSequence`` (`⌈count/8⌉·8·M` words).
    public func sample(sequences count: Int, scale: Double = 1, from stream: inout RandomStream,
                       into out: UnsafeMutableBufferPointer<Float>) {
        embedding.sample(sequences: count, scale: scale, from: &stream, into: out)
    }

    /// Double-output version (same draws; the Float version is this rounded to Float).
    public func sample(sequences count: Int, scale: Double = 1, from stream: inout RandomStream,
                       into out: UnsafeMutableBufferPointer<Double>) {
        embedding.sample(sequences: count, scale: scale, from: &stream, into: out)
    }

    /// `count` sequences in a new array (layer-major, see ``sample(sequences:scale:from:into:)-(_,_,_,UnsafeMutableBufferPointer<Double>)``).
    public func sample(sequences count: Int, scale: Double = 1, from stream: inout RandomStream) -> [Double] {
        [Double](unsafeUninitializedCapacity: length * count) { buf, n in
            sample(sequences: count, scale: scale, from: &stream, into: buf)
            n = length * count
        }
    }

    /// Fractional Brownian motion paths on [0, 1]: `B_H(t_k)` at `t_k = k/L`, `k = 1 … L`,
    /// computed as `B_H(k/L) = L^{−H} · Σ_{i<k} G_i` (so `Var B_H(t) = t^{2H}`, `Var B_H(1) = 1`),
    /// times `scale`. The path excludes `B_H(0) = 0`: `out[(k−1)·count + s] = scale·B_H^{(s)}(k/L)`.
    /// Consumes the same random numbers as ``sample(sequences:scale:from:into:)-(_,_,_,UnsafeMutableBufferPointer<Float>)``
    /// and equals the cumulative sum of that fGn (accumulated in Double).
    public func fbmPaths(sequences count: Int, scale: Double = 1, from stream: inout RandomStream,
                         into out: UnsafeMutableBufferPointer<Float>) {
        embedding.sample(sequences: count, scale: scale * pow(Double(length), -hurst), cumulative: true,
                         from: &stream, into: out)
    }

    /// Double-output version of ``fbmPaths(sequences:scale:from:into:)-(_,_,_,UnsafeMutableBufferPointer<Float>)``.
    public func fbmPaths(sequences count: Int, scale: Double = 1, from stream: inout RandomStream,
                         into out: UnsafeMutableBufferPointer<Double>) {
        embedding.sample(sequences: count, scale: scale * pow(Double(length), -hurst), cumulative: true,
                         from: &stream, into: out)
    }

    /// `count` fBm paths in a new array (layer-major, excluding B_H(0) = 0).
    public func fbmPaths(sequences count: Int, scale: Double = 1, from stream: inout RandomStream) -> [Double] {
        [Double](unsafeUninitializedCapacity: length * count) { buf, n in
            fbmPaths(sequences: count, scale: scale, from: &stream, into: buf)
            n = length * count
        }
    }
}
