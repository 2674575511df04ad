// Discrete Fourier transforms of any length in Double: mixed-radix Stockham (radices 4, 2,
// 3, 5 and a generic odd radix) and Bluestein's chirp-z algorithm for lengths with a large
// prime factor. One code path serves single sequences (`Double` lanes) and batches of four
// independent sequences (`SIMD4<Double>` lanes, one sequence per lane).

import Foundation

/// A precomputed plan for the discrete Fourier transform of length `n`:
///
///     forward:  X_k = Σ_{j=0}^{n−1} x_j · e^{−2πi·jk/n},        k = 0 … n−1
///     inverse:  x_j = s · Σ_{k=0}^{n−1} X_k · e^{+2πi·jk/n},    s = 1/n (normalized) or 1
///
/// Data are complex sequences stored as split arrays (real parts and imaginary parts).
///
/// ## Algorithm
/// If every prime factor of `n` is at most ``maximumDirectRadix``, the transform runs as a
/// self-sorting mixed-radix Stockham FFT: `n = p₁·p₂·…·p_m` (fours first, then a two, then
/// threes, fives and other odd primes); stage `s` with radix `p`, `l = p₁⋯p_{s−1}` and
/// `r = n/(l·p)` maps
///
///     Y'[k + r·j + r·l·m] = Σ_{q<p} e^{−2πi·mq/p} · (e^{−2πi·jq/(l·p)} · Y[k + r·q + r·p·j])
///
/// for `k < r`, `j < l`, `m < p`, ping-ponging between the data and a work buffer of the same
/// size; the result is in natural order. Radices 2, 3, 4, 5 have hand-written butterflies,
/// other odd primes an O(p²) butterfly. Twiddle factors are computed once, in Double, from
/// `cos`/`sin` of exactly reduced angles (`2π·(jq mod lp)/(lp)`).
///
/// Otherwise (a prime factor above ``maximumDirectRadix``) the plan uses Bluestein's identity
/// `jk = (j² + k² − (k − j)²)/2`: with the chirp `w_j = e^{−iπ·j²/n}` (exponent reduced mod 2n),
/// `X_k = w_k · Σ_j (x_j w_j) · conj(w_{k−j})`, a cyclic convolution of length `m ≥ 2n − 1`
/// (the smallest 2,3,5-smooth such `m`) evaluated with two FFTs of length `m` and the
/// precomputed transform of the chirp.
///
/// The inverse transform is the forward transform with real and imaginary parts exchanged
/// (`IDFT(x) = swap(DFT(swap(x)))/n`), so it costs the same and shares the plan.
///
/// Round-off: relative error ‖X̂ − X‖/‖X‖ of a few 1e-16 · log n (tested ≤ 1e-10 against an
/// O(n²) Double DFT for many lengths).
public struct FFTPlan: Sendable {
    /// Largest prime radix handled directly; longer prime factors use Bluestein's algorithm.
    public static let maximumDirectRadix = 37

    /// The transform length n ≥ 1.
    public let length: Int
    /// Radices of the Stockham stages in execution order (empty when ``usesBluestein``).
    public let radices: [Int]
    /// Per stage: (p, l, r, offset of its twiddles in `twiddles`).
    let stages: [Stage]
    /// For each stage and j < l, q = 1 … p−1: cos and sin of −2π·jq/(l·p) (interleaved re, im).
    let twiddles: [Double]
    /// For the generic odd radix p: cos/sin of −2π·t/p, t < p, per radix (keyed by p).
    let rootTables: [Int: [Double]]
    /// The Bluestein machinery (nil for directly factored lengths).
    let bluestein: BluesteinData?

    struct Stage: Sendable {
        var p: Int, l: Int, r: Int, twiddleOffset: Int
    }

    /// Bluestein's chirp and the transformed, pre-scaled convolution kernel.
    final class BluesteinData: Sendable {
        let inner: FFTPlan
        /// w_j = e^{−iπ j²/n}, j < n.
        let chirpRe: [Double], chirpIm: [Double]
        /// FFT_m(b)/m with b_j = conj(w_j) for j < n, b_{m−j} = conj(w_j) for 0 < j < n.
        let kernelRe: [Double], kernelIm: [Double]

        init(n: Int) {
            let m = FFTPlan.smoothLength(atLeast: 2 * n - 1)
            inner = FFTPlan(directLength: m)
            var cr = [Double](repeating: 0, count: n), ci = cr
            let twoN = UInt64(2 * n)
            for j in 0..<n {
                let e = (UInt64(j) * UInt64(j)) % twoN   // j² mod 2n (exact for n < 2³¹)
                let angle = -Double.pi * Double(e) / Double(n)
                cr[j] = cos(angle)
                ci[j] = sin(angle)
            }
            chirpRe = cr
            chirpIm = ci
            var br = [Double](repeating: 0, count: m), bi = br
            for j in 0..<n {
                br[j] = cr[j]; bi[j] = -ci[j]
                if j > 0 { br[m - j] = cr[j]; bi[m - j] = -ci[j] }
            }
            inner.forward(real: &br, imag: &bi)
            let s = 1.0 / Double(m)
            kernelRe = br.map { $0 * s }
            kernelIm = bi.map { $0 * s }
        }
    }

    /// A plan for transforms of length `length` (≥ 1).
    public init(length: Int) {
        precondition(length >= 1, "FFTPlan: length must be at least 1 (got \(length))")
        let factors = FFTPlan.primeFactors(length)
        if (factors.max() ?? 1) > FFTPlan.maximumDirectRadix {
            self.init(bluesteinLength: length)
        } else {
            self.init(directLength: length)
        }
    }

    init(bluesteinLength n: Int) {
        length = n
        radices = []
        stages = []
        twiddles = []
        rootTables = [:]
        bluestein = BluesteinData(n: n)
    }

    /// A Stockham plan; requires every prime factor ≤ maximumDirectRadix.
    init(directLength n: Int) {
        var primes = FFTPlan.primeFactors(n)
        var rad: [Int] = []
        var twos = primes.filter { $0 == 2 }.count
        primes.removeAll { $0 == 2 }
        while twos >= 2 { rad.append(4); twos -= 2 }
        if twos == 1 { rad.append(2) }
        rad += primes
        self.init(length: n, radices: rad)
    }

    /// A Stockham plan with the given stage radices (in execution order); their product must
    /// be `length` and each must be 2, 4 or a prime ≤ ``maximumDirectRadix``. (For tuning;
    /// ``init(length:)`` chooses fours first, then a two, then odd primes in increasing order.)
    public init(length n: Int, radices rad: [Int]) {
        precondition(rad.reduce(1, *) == n && rad.allSatisfy { $0 == 4 || ($0 <= FFTPlan.maximumDirectRadix && FFTPlan.primeFactors($0) == [$0]) },
                     "FFTPlan: radices must multiply to the length and be 4 or primes ≤ \(FFTPlan.maximumDirectRadix)")
        length = n
        bluestein = nil
        radices = rad
        var st: [Stage] = []
        var tw: [Double] = []
        var tables: [Int: [Double]] = [:]
        var l = 1
        for p in rad {
            let r = n / (l * p)
            st.append(Stage(p: p, l: l, r: r, twiddleOffset: tw.count))
            let lp = l * p
            for j in 0..<l {
                for q in 1..<p {
                    let e = (j * q) % lp
                    let angle = -2 * Double.pi * Double(e) / Double(lp)
                    tw.append(cos(angle))
                    tw.append(sin(angle))
                }
            }
            if p > 5 && tables[p] == nil {
                var t: [Double] = []
                for s in 0..<p {
                    let angle = -2 * Double.pi * Double(s) / Double(p)
                    t.append(cos(angle)); t.append(sin(angle))
                }
                tables[p] = t
            }
            l = lp
        }
        stages = st
        twiddles = tw
        rootTables = tables
    }

    /// True when the plan evaluates the transform by Bluestein's algorithm.
    public var usesBluestein: Bool { bluestein != nil }

    /// Prime factors of n in nondecreasing order (empty for n = 1).
    static func primeFactors(_ n: Int) -> [Int] {
        var out: [Int] = []
        var m = n
        var f = 2
        while f * f <= m {
            while m % f == 0 { out.append(f); m /= f }
            f += 1
        }
        if m > 1 { out.append(m) }
        return out
    }

    /// The smallest integer ≥ `n` (and ≥ 1) whose prime factors are all 2, 3 or 5.
    public static func smoothLength(atLeast n: Int) -> Int {
        var m = max(1, n)
        while true {
            var k = m
            for p in [2, 3, 5] { while k % p == 0 { k /= p } }
            if k == 1 { return m }
            m += 1
        }
    }

    // MARK: Public transforms

    /// In-place forward DFT of the complex sequence `real + i·imag` (arrays of length ``length``).
    public func forward(real: inout [Double], imag: inout [Double]) {
        precondition(real.count == length && imag.count == length, "FFTPlan.forward: arrays must have the plan's length")
        real.withUnsafeMutableBufferPointer { re in
            imag.withUnsafeMutableBufferPointer { im in
                transformAllocating(re.baseAddress!, im.baseAddress!)
            }
        }
    }

    /// In-place inverse DFT; divides by n when `normalized` (the default), so that
    /// `inverse(forward(x)) == x` up to round-off.
    public func inverse(real: inout [Double], imag: inout [Double], normalized: Bool = true) {
        // IDFT(x) = swap(DFT(swap(x))): pass the imaginary part as the real one.
        forward(real: &imag, imag: &real)
        if normalized {
            let s = 1.0 / Double(length)
            for i in 0..<length { real[i] *= s; imag[i] *= s }
        }
    }

    /// In-place forward DFT on raw storage (`length` values each) with caller-provided work
    /// buffers of `length` values each (contents on return unspecified). Allocation-free for
    /// Stockham plans; Bluestein plans allocate a temporary of their inner length.
    public func forward(real: UnsafeMutablePointer<Double>, imag: UnsafeMutablePointer<Double>,
                        workReal: UnsafeMutablePointer<Double>, workImag: UnsafeMutablePointer<Double>) {
        transform(real, imag, workReal, workImag)
    }

    /// In-place inverse DFT on raw storage (see ``forward(real:imag:workReal:workImag:)``),
    /// divided by n when `normalized`.
    public func inverse(real: UnsafeMutablePointer<Double>, imag: UnsafeMutablePointer<Double>,
                        workReal: UnsafeMutablePointer<Double>, workImag: UnsafeMutablePointer<Double>,
                        normalized: Bool = true) {
        transform(imag, real, workImag, workReal)
        if normalized {
            let s = 1.0 / Double(length)
            for i in 0..<length { real[i] *= s; imag[i] *= s }
        }
    }

    /// Four independent forward DFTs at once: lane `c` of `real[j]`, `imag[j]` is element `j`
    /// of sequence `c`. Work buffers of `length` vectors each. This is the batched path used by
    /// the process samplers (each SIMD operation serves four sequences).
    public func forward(real: UnsafeMutablePointer<SIMD4<Double>>, imag: UnsafeMutablePointer<SIMD4<Double>>,
                        workReal: UnsafeMutablePointer<SIMD4<Double>>, workImag: UnsafeMutablePointer<SIMD4<Double>>) {
        transform(real, imag, workReal, workImag)
    }

    /// Four independent inverse DFTs at once (see the batched ``forward(real:imag:workReal:workImag:)``).
    public func inverse(real: UnsafeMutablePointer<SIMD4<Double>>, imag: UnsafeMutablePointer<SIMD4<Double>>,
                        workReal: UnsafeMutablePointer<SIMD4<Double>>, workImag: UnsafeMutablePointer<SIMD4<Double>>,
                        normalized: Bool = true) {
        transform(imag, real, workImag, workReal)
        if normalized {
            let s = 1.0 / Double(length)
            for i in 0..<length { real[i] *= s; imag[i] *= s }
        }
    }

    // MARK: Drivers

    func transformAllocating<T: FFTLane>(_ re: UnsafeMutablePointer<T>, _ im: UnsafeMutablePointer<T>) {
        let work = UnsafeMutablePointer<T>.allocate(capacity: 2 * length)
        defer { work.deallocate() }
        transform(re, im, work, work + length)
    }

    /// Forward transform in place in (re, im), using (wr, wi) as work space.
    @_specialize(where T == Double)
    @_specialize(where T == SIMD4<Double>)
    func transform<T: FFTLane>(_ re: UnsafeMutablePointer<T>, _ im: UnsafeMutablePointer<T>,
                               _ wr: UnsafeMutablePointer<T>, _ wi: UnsafeMutablePointer<T>) {
        if let b = bluestein {
            bluesteinTransform(b, re, im)
            return
        }
        let inWork = runStages(re, im, wr, wi, firstStage: 0)
        if inWork {
            re.update(from: wr, count: length)
            im.update(from: wi, count: length)
        }
    }

    /// Runs the Stockham stages `firstStage…` starting from (re, im), alternating with
    /// (wr, wi). Returns true when the result ended in (wr, wi).
    @_specialize(where T == Double)
    @_specialize(where T == SIMD4<Double>)
    func runStages<T: FFTLane>(_ re: UnsafeMutablePointer<T>, _ im: UnsafeMutablePointer<T>,
                               _ wr: UnsafeMutablePointer<T>, _ wi: UnsafeMutablePointer<T>,
                               firstStage: Int) -> Bool {
        var xr = re, xi = im, yr = wr, yi = wi
        var swapped = false
        twiddles.withUnsafeBufferPointer { twb in
            let tw = twb.baseAddress
            for s in firstStage..<stages.count {
                let st = stages[s]
                let t = tw.map { $0 + st.twiddleOffset }
                switch st.p {
                case 4: FFTKernels.radix4(l: st.l, r: st.r, tw: t, xr, xi, yr, yi)
                case 2: FFTKernels.radix2(l: st.l, r: st.r, tw: t, xr, xi, yr, yi)
                case 3: FFTKernels.radix3(l: st.l, r: st.r, tw: t, xr, xi, yr, yi)
                case 5: FFTKernels.radix5(l: st.l, r: st.r, tw: t, xr, xi, yr, yi)
                default:
                    rootTables[st.p]!.withUnsafeBufferPointer { roots in
                        FFTKernels.radixGeneric(p: st.p, l: st.l, r: st.r, tw: t, roots: roots.baseAddress!, xr, xi, yr, yi)
                    }
                }
                swap(&xr, &yr); swap(&xi, &yi)
                swapped.toggle()
            }
        }
        return swapped
    }

    func bluesteinTransform<T: FFTLane>(_ b: BluesteinData, _ re: UnsafeMutablePointer<T>, _ im: UnsafeMutablePointer<T>) {
        let n = length
        let m = b.inner.length
        let buf = UnsafeMutablePointer<T>.allocate(capacity: 4 * m)
        defer { buf.deallocate() }
        let ar = buf, ai = buf + m, wr = buf + 2 * m, wi = buf + 3 * m
        for j in 0..<n {
            let (cr, ci) = (b.chirpRe[j], b.chirpIm[j])
            ar[j] = T.fma(re[j], cr, im[j] * -ci)
            ai[j] = T.fma(re[j], ci, im[j] * cr)
        }
        for j in n..<m { ar[j] = .zero; ai[j] = .zero }
        b.inner.transform(ar, ai, wr, wi)
        for j in 0..<m {
            let (kr, ki) = (b.kernelRe[j], b.kernelIm[j])
            let (xr, xi) = (ar[j], ai[j])
            // Multiply, then conjugate-swap for the inverse: store as (imag, real).
            ai[j] = T.fma(xr, kr, xi * -ki)
            ar[j] = T.fma(xr, ki, xi * kr)
        }
        // Inverse transform = forward transform with real and imaginary parts exchanged.
        b.inner.transform(ar, ai, wr, wi)
        for j in 0..<n {
            let (cr, ci) = (b.chirpRe[j], b.chirpIm[j])
            let (yr, yi) = (ai[j], ar[j])   // exchange back
            re[j] = T.fma(yr, cr, yi * -ci)
            im[j] = T.fma(yr, ci, yi * cr)
        }
    }
}

// MARK: - Lanes

/// Element type of the FFT kernels: one real number per sequence of a batch.
protocol FFTLane {
    static var zero: Self { get }
    static func + (a: Self, b: Self) -> Self
    static func - (a: Self, b: Self) -> Self
    static func * (a: Self, b: Double) -> Self
    /// c + a·b (fused when RESNET_FMA).
    static func fma(_ a: Self, _ b: Double, _ c: Self) -> Self
}

extension Double: FFTLane {
    @inline(__always)
    static func fma(_ a: Double, _ b: Double, _ c: Double) -> Double {
        #if RESNET_FMA
        return c.addingProduct(a, b)
        #else
        return c + a * b
        #endif
    }
}

extension SIMD4: FFTLane where Scalar == Double {
    @inline(__always)
    static func fma(_ a: SIMD4<Double>, _ b: Double, _ c: SIMD4<Double>) -> SIMD4<Double> {
        #if RESNET_FMA
        return c.addingProduct(a, SIMD4(repeating: b))
        #else
        return c + a * b
        #endif
    }
}

// MARK: - Stage kernels

/// The Stockham stage kernels; see `FFTPlan` for the index map. `tw` holds, for j < l and
/// q = 1 … p−1, the twiddle e^{−2πi·jq/(lp)} as (re, im) at `tw[2((p−1)j + q − 1)]`.
enum FFTKernels {
    @inline(__always)
    static func cmul<T: FFTLane>(_ ar: T, _ ai: T, _ wr: Double, _ wi: Double) -> (T, T) {
        (T.fma(ar, wr, ai * -wi), T.fma(ar, wi, ai * wr))
    }

    /// First stage of radix 4 (l = 1, r = M/4) whose input x_j = scale·scales[j]·(Z[j][0..<4] + i·Z[j][4..<8])
    /// is read from eight Float normals per index (`z`: 32 bytes per j).
    static func radix4FromNormals(r: Int, z: UnsafeRawPointer, scales: UnsafePointer<Double>, scale: Double,
                                  _ xr: UnsafeMutablePointer<SIMD4<Double>>, _ xi: UnsafeMutablePointer<SIMD4<Double>>,
                                  _ yr: UnsafeMutablePointer<SIMD4<Double>>, _ yi: UnsafeMutablePointer<SIMD4<Double>>) {
        @inline(__always)
        func load(_ j: Int) -> (SIMD4<Double>, SIMD4<Double>) {
            let v = z.loadUnaligned(fromByteOffset: 32 * j, as: SIMD8<Float>.self)
            let f = scales[j] * scale
            return (SIMD4(Double(v[0]), Double(v[1]), Double(v[2]), Double(v[3])) * f,
                    SIMD4(Double(v[4]), Double(v[5]), Double(v[6]), Double(v[7])) * f)
        }
        for k in 0..<r {
            let (a0r, a0i) = load(k), (a1r, a1i) = load(r + k)
            let (a2r, a2i) = load(2 * r + k), (a3r, a3i) = load(3 * r + k)
            let t0r = a0r + a2r, t0i = a0i + a2i
            let t1r = a0r - a2r, t1i = a0i - a2i
            let t2r = a1r + a3r, t2i = a1i + a3i
            let t3r = a1r - a3r, t3i = a1i - a3i
            yr[k] = t0r + t2r; yi[k] = t0i + t2i
            yr[2 * r + k] = t0r - t2r; yi[2 * r + k] = t0i - t2i
            yr[r + k] = t1r + t3i; yi[r + k] = t1i - t3r
            yr[3 * r + k] = t1r - t3i; yi[3 * r + k] = t1i + t3r
        }
    }

    @inline(__always)
    static func radix2<T: FFTLane>(l: Int, r: Int, tw: UnsafePointer<Double>?,
                                   _ xr: UnsafeMutablePointer<T>, _ xi: UnsafeMutablePointer<T>,
                                   _ yr: UnsafeMutablePointer<T>, _ yi: UnsafeMutablePointer<T>) {
        for j in 0..<l {
            let w1r = tw![2 * j], w1i = tw![2 * j + 1]
            let ib = 2 * r * j, ob = r * j
            for k in 0..<r {
                let a0r = xr[ib + k], a0i = xi[ib + k]
                var a1r = xr[ib + r + k], a1i = xi[ib + r + k]
                if j != 0 { (a1r, a1i) = cmul(a1r, a1i, w1r, w1i) }
                yr[ob + k] = a0r + a1r; yi[ob + k] = a0i + a1i
                yr[ob + r * l + k] = a0r - a1r; yi[ob + r * l + k] = a0i - a1i
            }
        }
    }

    @inline(__always)
    static func radix4<T: FFTLane>(l: Int, r: Int, tw: UnsafePointer<Double>?,
                                   _ xr: UnsafeMutablePointer<T>, _ xi: UnsafeMutablePointer<T>,
                                   _ yr: UnsafeMutablePointer<T>, _ yi: UnsafeMutablePointer<T>) {
        let s = r * l
        for j in 0..<l {
            let w = tw! + 6 * j
            let ib = 4 * r * j, ob = r * j
            let w1r = w[0], w1i = w[1], w2r = w[2], w2i = w[3], w3r = w[4], w3i = w[5]
            for k in 0..<r {
                let a0r = xr[ib + k], a0i = xi[ib + k]
                var a1r = xr[ib + r + k], a1i = xi[ib + r + k]
                var a2r = xr[ib + 2 * r + k], a2i = xi[ib + 2 * r + k]
                var a3r = xr[ib + 3 * r + k], a3i = xi[ib + 3 * r + k]
                if j != 0 {
                    (a1r, a1i) = cmul(a1r, a1i, w1r, w1i)
                    (a2r, a2i) = cmul(a2r, a2i, w2r, w2i)
                    (a3r, a3i) = cmul(a3r, a3i, w3r, w3i)
                }
                let t0r = a0r + a2r, t0i = a0i + a2i
                let t1r = a0r - a2r, t1i = a0i - a2i
                let t2r = a1r + a3r, t2i = a1i + a3i
                let t3r = a1r - a3r, t3i = a1i - a3i
                yr[ob + k] = t0r + t2r; yi[ob + k] = t0i + t2i
                yr[ob + 2 * s + k] = t0r - t2r; yi[ob + 2 * s + k] = t0i - t2i
                yr[ob + s + k] = t1r + t3i; yi[ob + s + k] = t1i - t3r
                yr[ob + 3 * s + k] = t1r - t3i; yi[ob + 3 * s + k] = t1i + t3r
            }
        }
    }

    @inline(__always)
    static func radix3<T: FFTLane>(l: Int, r: Int, tw: UnsafePointer<Double>?,
                                   _ xr: UnsafeMutablePointer<T>, _ xi: UnsafeMutablePointer<T>,
                                   _ yr: UnsafeMutablePointer<T>, _ yi: UnsafeMutablePointer<T>) {
        let s = r * l
        let c = 0.866_025_403_784_438_6 // √3/2
        for j in 0..<l {
            let w = tw! + 4 * j
            let ib = 3 * r * j, ob = r * j
            let w1r = w[0], w1i = w[1], w2r = w[2], w2i = w[3]
            for k in 0..<r {
                let a0r = xr[ib + k], a0i = xi[ib + k]
                var a1r = xr[ib + r + k], a1i = xi[ib + r + k]
                var a2r = xr[ib + 2 * r + k], a2i = xi[ib + 2 * r + k]
                if j != 0 {
                    (a1r, a1i) = cmul(a1r, a1i, w1r, w1i)
                    (a2r, a2i) = cmul(a2r, a2i, w2r, w2i)
                }
                let sr = a1r + a2r, si = a1i + a2i
                let dr = a1r - a2r, di = a1i - a2i
                yr[ob + k] = a0r + sr; yi[ob + k] = a0i + si
                let mr = T.fma(sr, -0.5, a0r), mi = T.fma(si, -0.5, a0i)
                yr[ob + s + k] = T.fma(di, c, mr); yi[ob + s + k] = T.fma(dr, -c, mi)
                yr[ob + 2 * s + k] = T.fma(di, -c, mr); yi[ob + 2 * s + k] = T.fma(dr, c, mi)
            }
        }
    }

    @inline(__always)
    static func radix5<T: FFTLane>(l: Int, r: Int, tw: UnsafePointer<Double>?,
                                   _ xr: UnsafeMutablePointer<T>, _ xi: UnsafeMutablePointer<T>,
                                   _ yr: UnsafeMutablePointer<T>, _ yi: UnsafeMutablePointer<T>) {
        let s = r * l
        let c1 = 0.309_016_994_374_947_45, c2 = -0.809_016_994_374_947_5
        let s1 = 0.951_056_516_295_153_5, s2 = 0.587_785_252_292_473_1
        for j in 0..<l {
            let w = tw! + 8 * j
            let ib = 5 * r * j, ob = r * j
            let w1r = w[0], w1i = w[1], w2r = w[2], w2i = w[3]
            let w3r = w[4], w3i = w[5], w4r = w[6], w4i = w[7]
            for k in 0..<r {
                let a0r = xr[ib + k], a0i = xi[ib + k]
                var a1r = xr[ib + r + k], a1i = xi[ib + r + k]
                var a2r = xr[ib + 2 * r + k], a2i = xi[ib + 2 * r + k]
                var a3r = xr[ib + 3 * r + k], a3i = xi[ib + 3 * r + k]
                var a4r = xr[ib + 4 * r + k], a4i = xi[ib + 4 * r + k]
                if j != 0 {
                    (a1r, a1i) = cmul(a1r, a1i, w1r, w1i)
                    (a2r, a2i) = cmul(a2r, a2i, w2r, w2i)
                    (a3r, a3i) = cmul(a3r, a3i, w3r, w3i)
                    (a4r, a4i) = cmul(a4r, a4i, w4r, w4i)
                }
                let b1r = a1r + a4r, b1i = a1i + a4i, d1r = a1r - a4r, d1i = a1i - a4i
                let b2r = a2r + a3r, b2i = a2i + a3i, d2r = a2r - a3r, d2i = a2i - a3i
                yr[ob + k] = a0r + b1r + b2r; yi[ob + k] = a0i + b1i + b2i
                let A1r = T.fma(b2r, c2, T.fma(b1r, c1, a0r)), A1i = T.fma(b2i, c2, T.fma(b1i, c1, a0i))
                let A2r = T.fma(b2r, c1, T.fma(b1r, c2, a0r)), A2i = T.fma(b2i, c1, T.fma(b1i, c2, a0i))
                let B1r = T.fma(d2r, s2, d1r * s1), B1i = T.fma(d2i, s2, d1i * s1)
                let B2r = T.fma(d2r, -s1, d1r * s2), B2i = T.fma(d2i, -s1, d1i * s2)
                yr[ob + s + k] = A1r + B1i; yi[ob + s + k] = A1i - B1r
                yr[ob + 4 * s + k] = A1r - B1i; yi[ob + 4 * s + k] = A1i + B1r
                yr[ob + 2 * s + k] = A2r + B2i; yi[ob + 2 * s + k] = A2i - B2r
                yr[ob + 3 * s + k] = A2r - B2i; yi[ob + 3 * s + k] = A2i + B2r
            }
        }
    }

    /// Odd prime radix p: y_m = Σ_q ω^{mq} a_q with ω = e^{−2πi/p}, using the pairs
    /// a_q ± a_{p−q} (O(p²) multiply-adds per butterfly).
    static func radixGeneric<T: FFTLane>(p: Int, l: Int, r: Int, tw: UnsafePointer<Double>?, roots: UnsafePointer<Double>,
                                         _ xr: UnsafeMutablePointer<T>, _ xi: UnsafeMutablePointer<T>,
                                         _ yr: UnsafeMutablePointer<T>, _ yi: UnsafeMutablePointer<T>) {
        let s = r * l
        let h = (p - 1) / 2
        let tmp = UnsafeMutablePointer<T>.allocate(capacity: 2 * p)
        defer { tmp.deallocate() }
        let ar = tmp, ai = tmp + p
        for j in 0..<l {
            let w = tw! + 2 * (p - 1) * j
            let ib = p * r * j, ob = r * j
            for k in 0..<r {
                ar[0] = xr[ib + k]; ai[0] = xi[ib + k]
                for q in 1..<p {
                    let vr = xr[ib + q * r + k], vi = xi[ib + q * r + k]
                    if j != 0 { (ar[q], ai[q]) = cmul(vr, vi, w[2 * (q - 1)], w[2 * (q - 1) + 1]) } else { ar[q] = vr; ai[q] = vi }
                }
                var y0r = ar[0], y0i = ai[0]
                for q in 1...h { y0r = y0r + ar[q] + ar[p - q]; y0i = y0i + ai[q] + ai[p - q] }
                yr[ob + k] = y0r; yi[ob + k] = y0i
                for m in 1...h {
                    var Ar = ar[0], Ai = ai[0], Br = T.zero, Bi = T.zero
                    for q in 1...h {
                        let e = (m * q) % p
                        let c = roots[2 * e], sn = -roots[2 * e + 1]  // ω^{mq} = c − i·sn
                        Ar = T.fma(ar[q] + ar[p - q], c, Ar); Ai = T.fma(ai[q] + ai[p - q], c, Ai)
                        Br = T.fma(ar[q] - ar[p - q], sn, Br); Bi = T.fma(ai[q] - ai[p - q], sn, Bi)
                    }
                    // y_m = A − i·B, y_{p−m} = A + i·B
                    yr[ob + m * s + k] = Ar + Bi; yi[ob + m * s + k] = Ai - Br
                    yr[ob + (p - m) * s + k] = Ar - Bi; yi[ob + (p - m) * s + k] = Ai + Br
                }
            }
        }
    }
}
