// Exact sampling of stationary Gaussian sequences by circulant embedding (Davies–Harte),
// batched: eight sequences per complex FFT of SIMD4<Double> lanes. Shared by fractional
// Gaussian noise and the smooth (RBF) Gaussian processes.

import Foundation

/// Invalid parameters of a random-process sampler.
public enum RandomProcessError: Error, CustomStringConvertible, Sendable {
    /// The sequence length L must be at least 1.
    case invalidLength(Int)
    /// The Hurst index must lie in the open interval (0, 1).
    case invalidHurst(Double)
    /// The RBF length scale ℓ must be finite and positive.
    case invalidLengthScale(Double)
    /// The circulant embedding has a significantly negative eigenvalue (it is not a valid
    /// covariance), or it would need more than the supported embedding length.
    case embeddingFailed(String)

    public var description: String {
        switch self {
        case .invalidLength(let n):
            return "invalid sequence length \(n): the number of steps L must be at least 1"
        case .invalidHurst(let h):
            return "invalid Hurst index \(h): H must satisfy 0 < H < 1 (H = 1/2 is white noise)"
        case .invalidLengthScale(let l):
            return "invalid RBF length scale \(l): the bandwidth must be a finite positive number"
        case .embeddingFailed(let why):
            return "circulant embedding failed: \(why)"
        }
    }
}

/// A stationary, zero-mean Gaussian sequence `X_0 … X_{L−1}` with autocovariance
/// `Cov(X_j, X_k) = c(|j − k|)`, sampled by circulant embedding (Davies & Harte 1987;
/// Dietrich & Newsam 1997).
///
/// ## Method
/// The first row of an `M × M` symmetric circulant matrix (`M` even, `M ≥ 2(L − 1)`) is
/// `c̃_k = c(min(k, M − k))`, `k < M`; its leading `L × L` block is the covariance matrix of
/// `X`. Its eigenvalues are `λ_j = Σ_k c̃_k e^{−2πi·jk/M}` (real). When all `λ_j ≥ 0`,
///
///     Y = FFT_M( √(λ / M) ⊙ (Z₁ + i·Z₂) ),    Z₁, Z₂ independent standard normal vectors,
///
/// has `Re Y` and `Im Y` independent, each `N(0, C̃)`; their first `L` entries are two
/// independent exact draws of `X`. Round-off negative eigenvalues (`λ_j ≥ −10⁻⁹·max λ`) are
/// clipped to 0; a more negative one makes the initializer throw. The covariance the sampler
/// actually realizes, `ĉ_k = (1/M) Σ_j max(λ_j, 0) e^{2πi·jk/M}`, is compared with `c(k)`
/// for `k < L` at construction: ``covarianceError`` = `max_k |ĉ_k − c(k)|`.
///
/// ## Sampling, layout and random numbers
/// `sample(sequences: n, …)` writes `n` independent sequences layer-major:
/// `out[k·n + s] = scale · X_k^{(s)}`. Sequences are produced in blocks of eight: block
/// `b = s / 8` draws `8·M` standard normals as Floats (``RandomStream/fillNormal(_:mean:standardDeviation:)``,
/// one 32-bit word each; Box–Muller resolution 2⁻²⁴ in angle, |z| ≤ 6.66, converted exactly to
/// Double), interpreted as `Z[j][c]`, `j < M`, `c < 8`: lanes 0–3 are the real parts and
/// lanes 4–7 the imaginary parts of four complex vectors; one batched FFT then yields
/// sequences `8b + c` (real part of transform `c` for `c < 4`, imaginary part of transform
/// `c − 4` otherwise). A last partial block still consumes `8·M` normals. Hence the stream
/// advances by `⌈n/8⌉·8·M` words, and sequence `s` does not depend on `n` (for `n > s`).
/// All arithmetic after the draws is Double; the Float outputs are rounded once at the end.
public struct StationaryGaussianSequence: Sendable {
    /// Number of steps L of each sequence.
    public let length: Int
    /// Circulant embedding size M (even, ≥ 2(L − 1), 2,3,5-smooth).
    public let embeddingLength: Int
    /// max_{k<L} |ĉ_k − c(k)|: the largest deviation of the realized autocovariance from the
    /// requested one (round-off level when no eigenvalue needed clipping beyond round-off).
    public let covarianceError: Double
    /// The smallest eigenvalue λ_j of the embedding before clipping.
    public let minimumEigenvalue: Double
    /// √(max(λ_j, 0)/M), j < M.
    let spectralScale: [Double]
    let plan: FFTPlan

    /// Largest supported embedding length (the batched sampler holds 160·M bytes of buffers).
    public static let maximumEmbeddingLength = 1 << 21

    /// Largest sequence length L whose minimal embedding 2(L − 1) fits ``maximumEmbeddingLength``.
    public static let maximumLength = maximumEmbeddingLength / 2 + 1

    /// Throws ``RandomProcessError/embeddingFailed(_:)`` if `length` steps cannot be embedded;
    /// checked before anything of size ~L is computed (and before 2(L − 1) could overflow).
    public static func checkLength(_ length: Int) throws {
        guard length >= 1 else { throw RandomProcessError.invalidLength(length) }
        guard length <= maximumLength else {
            throw RandomProcessError.embeddingFailed(
                "L = \(length) steps need an embedding of 2(L − 1) points, more than the supported \(maximumEmbeddingLength) (L ≤ \(maximumLength))")
        }
    }

    /// The smallest even 2,3,5-smooth integer ≥ max(2, n).
    public static func evenSmoothLength(atLeast n: Int) -> Int {
        2 * FFTPlan.smoothLength(atLeast: (max(2, n) + 1) / 2)
    }

    /// Embeds the autocovariance function `c` with `M` = the smallest even 2,3,5-smooth number
    /// ≥ max(2(L − 1), `minimumEmbeddingLength`), evaluating `c(k)` for `k = 0 … M/2`.
    /// Throws as ``init(length:embeddingLength:autocovariance:)``.
    public init(length: Int, minimumEmbeddingLength: Int = 0, autocovariance c: (Int) -> Double) throws {
        try Self.checkLength(length)
        guard minimumEmbeddingLength <= Self.maximumEmbeddingLength else {
            throw RandomProcessError.embeddingFailed("embedding length \(minimumEmbeddingLength) exceeds the supported maximum \(Self.maximumEmbeddingLength)")
        }
        let m = Self.evenSmoothLength(atLeast: max(2 * (length - 1), minimumEmbeddingLength))
        try self.init(length: length, embeddingLength: m, autocovariance: (0...(m / 2)).map(c))
    }

    /// Embeds the autocovariance `autocovariance[k] = c(k)`, `k = 0 … M/2`, where
    /// `M = embeddingLength` (even, ≥ 2(L − 1)); `autocovariance` must have at least `M/2 + 1`
    /// entries.
    /// - Throws: ``RandomProcessError/embeddingFailed(_:)`` if some eigenvalue is below
    ///   −10⁻⁹·max λ, or if M exceeds ``maximumEmbeddingLength``.
    public init(length: Int, embeddingLength m: Int, autocovariance c: [Double]) throws {
        guard length >= 1 else { throw RandomProcessError.invalidLength(length) }
        precondition(m >= 2 && m % 2 == 0 && m >= 2 * (length - 1), "embedding length must be even and ≥ 2(L − 1)")
        precondition(c.count >= m / 2 + 1, "autocovariance must have M/2 + 1 entries")
        guard m <= Self.maximumEmbeddingLength else {
            throw RandomProcessError.embeddingFailed("embedding length \(m) exceeds the supported maximum \(Self.maximumEmbeddingLength)")
        }
        self.length = length
        embeddingLength = m
        let plan = FFTPlan(length: m)
        self.plan = plan
        var re = [Double](repeating: 0, count: m), im = re
        for k in 0..<m { re[k] = c[min(k, m - k)] }
        plan.forward(real: &re, imag: &im)
        let lambdaMax = re.max()!
        let lambdaMin = re.min()!
        minimumEigenvalue = lambdaMin
        guard lambdaMax.isFinite && lambdaMax > 0 && lambdaMin >= -1e-9 * lambdaMax else {
            throw RandomProcessError.embeddingFailed(
                "the circulant of size \(m) is not nonnegative definite (eigenvalues in [\(lambdaMin), \(lambdaMax)])")
        }
        let clipped = re.map { max($0, 0) }
        spectralScale = clipped.map { ($0 / Double(m)).squareRoot() }
        // Realized autocovariance: inverse DFT of the clipped eigenvalues.
        var cr = clipped, ci = [Double](repeating: 0, count: m)
        plan.inverse(real: &cr, imag: &ci)
        var err = 0.0
        for k in 0..<length { err = max(err, abs(cr[k] - c[k])) }
        covarianceError = err
    }

    /// Writes `count` independent sequences times `scale`, layer-major:
    /// `out[k·count + s] = scale · X_k^{(s)}` (`out.count ≥ L·count`). With `cumulative`,
    /// writes instead the partial sums `scale · Σ_{i≤k} X_i^{(s)}`.
    public func sample(sequences count: Int, scale: Double, cumulative: Bool = false,
                       from stream: inout RandomStream, into out: UnsafeMutableBufferPointer<Float>) {
        run(count: count, scale: scale, cumulative: cumulative, stream: &stream, out: out)
    }

    /// Double-output version of ``sample(sequences:scale:cumulative:from:into:)-(_,_,_,_,UnsafeMutableBufferPointer<Float>)``
    /// (same draws, same values before rounding).
    public func sample(sequences count: Int, scale: Double, cumulative: Bool = false,
                       from stream: inout RandomStream, into out: UnsafeMutableBufferPointer<Double>) {
        run(count: count, scale: scale, cumulative: cumulative, stream: &stream, out: out)
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func run<T: ProcessOutputScalar>(count: Int, scale: Double, cumulative: Bool, stream: inout RandomStream,
                                     out: UnsafeMutableBufferPointer<T>) {
        precondition(count >= 0, "sequence count must be nonnegative")
        precondition(out.count >= length * count, "output buffer too small: need L·count = \(length * count)")
        guard count > 0, let outBase = out.baseAddress else { return }
        let m = embeddingLength
        let normals = UnsafeMutableBufferPointer<Float>.allocate(capacity: 8 * m)
        let vectors = UnsafeMutablePointer<SIMD4<Double>>.allocate(capacity: 4 * m)
        // Rows of 16 sequences (two blocks), copied to `out` as whole 64-byte lines for Float.
        let staging = UnsafeMutablePointer<T>.allocate(capacity: 16 * length)
        defer { normals.deallocate(); vectors.deallocate(); staging.deallocate() }
        let xr = vectors, xi = vectors + m, wr = vectors + 2 * m, wi = vectors + 3 * m
        let blocks = (count + 7) / 8
        let fusedFirst = plan.stages.first?.p == 4
        spectralScale.withUnsafeBufferPointer { sb in
            let sc = sb.baseAddress!
            var b = 0
            while b < blocks {
                let pairFirst = 8 * b
                let pairLanes = min(16, count - pairFirst)
                for half in 0..<2 where 8 * half < pairLanes {
                    stream.fillNormal(normals, mean: 0, standardDeviation: 1)
                    let z = UnsafeRawPointer(normals.baseAddress!)
                    let inWork: Bool
                    if fusedFirst {
                        // Stage 1 (radix 4, l = 1) reads the scaled normals directly.
                        FFTKernels.radix4FromNormals(r: m / 4, z: z, scales: sc, scale: scale, xr, xi, wr, wi)
                        inWork = !plan.runStages(wr, wi, xr, xi, firstStage: 1)
                    } else {
                        for j in 0..<m {
                            let v = z.loadUnaligned(fromByteOffset: 32 * j, as: SIMD8<Float>.self)
                            let f = sc[j] * scale
                            xr[j] = SIMD4(Double(v[0]), Double(v[1]), Double(v[2]), Double(v[3])) * f
                            xi[j] = SIMD4(Double(v[4]), Double(v[5]), Double(v[6]), Double(v[7])) * f
                        }
                        inWork = plan.runStages(xr, xi, wr, wi, firstStage: 0)
                    }
                    let yr = inWork ? wr : xr, yi = inWork ? wi : xi
                    var accR = SIMD4<Double>.zero, accI = SIMD4<Double>.zero
                    let dst = staging + 8 * half
                    for k in 0..<length {
                        var vr = yr[k], vi = yi[k]
                        if cumulative {
                            accR += vr; accI += vi
                            vr = accR; vi = accI
                        }
                        T.store(vr, vi, lanes: 8, to: dst + 16 * k)
                    }
                }
                T.copyRows(staging, lanes: pairLanes, rows: length, to: outBase + pairFirst, stride: count)
                b += 2
            }
        }
    }
}

/// Output element types of the process samplers.
protocol ProcessOutputScalar {
    /// Copies `rows` rows of `lanes` (≤ 16) values from `src` (row stride 16) to `dst` (row stride `stride`).
    static func copyRows(_ src: UnsafeMutablePointer<Self>, lanes: Int, rows: Int, to dst: UnsafeMutablePointer<Self>, stride: Int)
    /// Stores the eight values (re lanes 0–3, im lanes 0–3) or the first `lanes` of them.
    static func store(_ re: SIMD4<Double>, _ im: SIMD4<Double>, lanes: Int, to p: UnsafeMutablePointer<Self>)
}

extension Float: ProcessOutputScalar {
    @inline(__always)
    static func copyRows(_ src: UnsafeMutablePointer<Float>, lanes: Int, rows: Int, to dst: UnsafeMutablePointer<Float>, stride: Int) {
        if lanes == 16 {
            for k in 0..<rows {
                let v = UnsafeRawPointer(src + 16 * k).load(as: SIMD16<Float>.self)
                UnsafeMutableRawPointer(dst + stride * k).storeBytes(of: v, as: SIMD16<Float>.self)
            }
        } else {
            for k in 0..<rows { (dst + stride * k).update(from: src + 16 * k, count: lanes) }
        }
    }

    @inline(__always)
    static func store(_ re: SIMD4<Double>, _ im: SIMD4<Double>, lanes: Int, to p: UnsafeMutablePointer<Float>) {
        let v = SIMD8<Float>(Float(re[0]), Float(re[1]), Float(re[2]), Float(re[3]),
                             Float(im[0]), Float(im[1]), Float(im[2]), Float(im[3]))
        if lanes == 8 {
            UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
        } else {
            for c in 0..<lanes { p[c] = v[c] }
        }
    }
}

extension Double: ProcessOutputScalar {
    static func copyRows(_ src: UnsafeMutablePointer<Double>, lanes: Int, rows: Int, to dst: UnsafeMutablePointer<Double>, stride: Int) {
        for k in 0..<rows { (dst + stride * k).update(from: src + 16 * k, count: lanes) }
    }

    @inline(__always)
    static func store(_ re: SIMD4<Double>, _ im: SIMD4<Double>, lanes: Int, to p: UnsafeMutablePointer<Double>) {
        if lanes == 8 {
            let raw = UnsafeMutableRawPointer(p)
            raw.storeBytes(of: re, as: SIMD4<Double>.self)
            raw.storeBytes(of: im, toByteOffset: 32, as: SIMD4<Double>.self)
        } else {
            for c in 0..<lanes { p[c] = c < 4 ? re[c] : im[c - 4] }
        }
    }
}
