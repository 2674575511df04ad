// A reproduction of the fBm sampler of the paper's reference code. It is NOT fractional
// Gaussian noise: use FractionalGaussianNoise for that.

import Foundation

/// The "fGn" of the reference implementation's `utils.generate_fbm(N, H)` (PyTorch code of
/// the paper, PierreMarion23/scaling-resnets), reproduced to measure what it does to the
/// experiments (`--init fbm-reference:<H>`). It is a Davies–Harte variant with three
/// departures from the exact method (see ``FractionalGaussianNoise``):
///
/// 1. The circulant's first row is r = (γ(0), …, γ(N−1), **0**, γ(N−1), …, γ(1)) of size
///    M = 2N (γ(N) replaced by 0), so its eigenvalues λ_j = Σ_k r_k e^{−2πi·jk/M} can be
///    negative (for H = 0.97, L = 1000: 913 of 2000).
/// 2. The term of frequency N uses λ_0 where λ_N is needed: w_N = √(λ_0/M)·V_N.
/// 3. The square roots are complex (`np.sqrt` of the complex eigenvalue array), and the
///    result is the real part of the complex transform `Z = FFT(w)`.
///
/// With w_0 = √(λ_0/M)·V_0, w_j = √(λ_j/(2M))·(V_j + i·V'_j) and w_{M−j} = √(λ_{M−j}/(2M))·(V_j − i·V'_j)
/// for 0 < j < N, a negative λ_j gives the same imaginary square root at j and at M − j
/// (numpy's round-off puts both members of each pair on the same branch: checked for all
/// 456 pairs at H = 0.97, N = 1000), so that pair's contribution to Z is purely imaginary
/// and the real part drops it. Hence the sequence is a stationary Gaussian sequence with
/// autocovariance, for 0 ≤ m < N,
///
///     c(m) = (1/M)·[λ_0 + λ_0·(−1)^m + Σ_{j=1}^{N−1} 2·max(λ_j, 0)·cos(2π·jm/M)]
///
/// instead of γ(m) (which the exact method gives: λ_N in place of the second λ_0 and no
/// negative λ). The variance is 1 + (λ_0 − λ_N)/M + (clipped part), e.g. 1.050 at H = 0.8 and
/// 1.853 at H = 0.97 (L = 1000), with lag-1 correlation 0.443 and 0.124 against γ(1) = 0.516
/// and 0.919; at H = 1/2 every λ_j = 1 and the sequence is white noise, as it should be.
/// ``autocovariance(lag:)`` computes c(m).
///
/// ## Random numbers and cost
/// Sequence s draws 2N standard normal Doubles, in the reference's order: V_0, V_N, then
/// (V_j, V'_j) for j = 1 … N−1. One complex FFT of size 2N per sequence.
public struct ReferenceFractionalNoise: Sendable {
    /// Number of steps L (the reference's N).
    public let length: Int
    /// Hurst index H.
    public let hurst: Double
    /// λ_j, j < 2N, of the circulant with γ(N) replaced by 0.
    public let eigenvalues: [Double]
    let plan: FFTPlan

    /// - Throws: ``RandomProcessError/invalidLength(_:)`` if `length < 1`,
    ///   ``RandomProcessError/invalidHurst(_:)`` unless `0 < hurst < 1`.
    public init(length: Int, hurst: Double) throws {
        guard length >= 1 else { throw RandomProcessError.invalidLength(length) }
        guard hurst > 0 && hurst < 1 else { throw RandomProcessError.invalidHurst(hurst) }
        guard 2 * length <= StationaryGaussianSequence.maximumEmbeddingLength else {
            throw RandomProcessError.embeddingFailed("length \(length) exceeds the supported maximum")
        }
        self.length = length
        self.hurst = hurst
        let n = length, m = 2 * length
        var re = [Double](repeating: 0, count: m), im = re
        for k in 0..<n { re[k] = FractionalGaussianNoise.autocovariance(lag: k, hurst: hurst) }
        for k in 1..<max(1, n) { re[m - k] = re[k] }   // r_N stays 0
        plan = FFTPlan(length: m)
        plan.forward(real: &re, imag: &im)
        eigenvalues = re
    }

    /// c(m), the autocovariance of the produced sequence (see the type documentation).
    public func autocovariance(lag: Int) -> Double {
        let n = length, m = Double(2 * length), k = abs(lag)
        var sum = eigenvalues[0] + eigenvalues[0] * (k % 2 == 0 ? 1 : -1)
        for j in 1..<max(1, n) where eigenvalues[j] > 0 {
            sum += 2 * eigenvalues[j] * cos(2 * Double.pi * Double(j * k % (2 * n)) / m)
        }
        return sum / m
    }

    /// Writes `count` independent sequences times `scale`, layer-major:
    /// `out[k·count + s] = scale · X_k^{(s)}`.
    public func sample(sequences count: Int, scale: Double = 1, from stream: inout RandomStream,
                       into out: UnsafeMutableBufferPointer<Float>) {
        run(count: count, scale: scale, stream: &stream) { k, s, v in out[k * count + s] = Float(v) }
    }

    /// Double-output version (same draws).
    public func sample(sequences count: Int, scale: Double = 1, from stream: inout RandomStream,
                       into out: UnsafeMutableBufferPointer<Double>) {
        run(count: count, scale: scale, stream: &stream) { k, s, v in out[k * count + s] = v }
    }

    /// `count` sequences in a new array (layer-major).
    public func sample(sequences count: Int, scale: Double = 1, from stream: inout RandomStream) -> [Double] {
        [Double](unsafeUninitializedCapacity: length * count) { buf, n in
            sample(sequences: count, scale: scale, from: &stream, into: buf)
            n = length * count
        }
    }

    private func run(count: Int, scale: Double, stream: inout RandomStream, write: (Int, Int, Double) -> Void) {
        precondition(count >= 0)
        let n = length, m = 2 * length
        let md = Double(m)
        // Complex square roots as numpy takes them: a negative real λ gives i·√|λ|.
        func root(_ lambda: Double, _ divisor: Double) -> (re: Double, im: Double) {
            let x = lambda / divisor
            return x >= 0 ? (x.squareRoot(), 0) : (0, (-x).squareRoot())
        }
        let r0 = root(eigenvalues[0], md)
        let roots = (0..<m).map { root(eigenvalues[$0], 2 * md) }
        var re = [Double](repeating: 0, count: m), im = re
        var z = [Double](repeating: 0, count: m)
        for s in 0..<count {
            stream.fillNormal(&z)
            for i in 0..<m { re[i] = 0; im[i] = 0 }
            re[0] = r0.re * z[0]; im[0] = r0.im * z[0]
            re[n] = r0.re * z[1]; im[n] = r0.im * z[1]   // λ_0 where λ_N belongs
            for j in 1..<max(1, n) {
                let a = z[2 * j], b = z[2 * j + 1]
                // w_j = root_j·(a + i b); w_{M−j} = root_{M−j}·(a − i b)
                let p = roots[j], q = roots[m - j]
                re[j] = p.re * a - p.im * b; im[j] = p.re * b + p.im * a
                re[m - j] = q.re * a + q.im * b; im[m - j] = q.im * a - q.re * b
            }
            plan.forward(real: &re, imag: &im)
            for k in 0..<n { write(k, s, scale * re[k]) }
        }
    }
}
