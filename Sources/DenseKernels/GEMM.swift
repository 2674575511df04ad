#if RESNET_FMA && arch(x86_64)
import DenseKernelsAVX512
#endif

/// Single-precision matrix products on raw row-major storage.
///
/// All matrices are **row-major**; a leading dimension (`lda`, `ldb`, `ldc`) is the
/// distance in elements between the starts of two consecutive rows of the matrix *as
/// stored*. Products are computed with an AVX2/FMA register-blocked micro-kernel
/// (6×16 tiles, 12 SIMD8 accumulators, K blocked by 256) when the package is built with
/// `RESNET_FMA`, and with the same code using separate multiply and add otherwise.
/// Matrix–vector shapes (`n == 1` or `m == 1`) take a dedicated matrix–vector path.
///
/// The hot path does not allocate: packing buffers (at most `(96 + 16) · 256 + 144` floats)
/// and the dot-product panels of `A·Bᵀ` live in a per-thread scratch block that is reused
/// across calls (`withScratch`; `withUnsafeTemporaryAllocation` cost a malloc/free pair per
/// call above 1 KB on Linux).
///
/// `A·Bᵀ` with long k and few columns (weight gradients such as 30×128·128×30) takes a
/// dot-product form that reads both operands in place along k (`dotProductTransposedB`).
///
/// Shapes with `m == 0` or `n == 0` do nothing; `k == 0` sets `C = 0` (or leaves C
/// unchanged when accumulating). Pointers to empty operands are never dereferenced.
public enum GEMM {
    /// Depth of a K block (the B strip of `kcMax × 16` floats stays in L1).
    static let kcMax = 256

    // MARK: - Public matrix–matrix products

    /// `C = A·B`, or `C += A·B` when `accumulate` is true.
    ///
    /// `C[i, j] (+)= Σ_{p<k} A[i, p] · B[p, j]` for `i < m`, `j < n`, where
    /// `A[i, p] = a[i·lda + p]` (m×k), `B[p, j] = b[p·ldb + j]` (k×n),
    /// `C[i, j] = c[i·ldc + j]` (m×n). Requires `lda ≥ k`, `ldb ≥ n`, `ldc ≥ n`.
    public static func multiply(m: Int, n: Int, k: Int,
                                a: UnsafePointer<Float>, lda: Int,
                                b: UnsafePointer<Float>, ldb: Int,
                                c: UnsafeMutablePointer<Float>, ldc: Int,
                                accumulate: Bool = false) {
        precondition(m >= 0 && n >= 0 && k >= 0, "GEMM: negative dimension")
        precondition(lda >= k && ldb >= n && ldc >= n, "GEMM.multiply: leading dimension too small")
        if handleDegenerate(m: m, n: n, k: k, c: c, ldc: ldc, accumulate: accumulate) { return }
        if n == 1 {
            // y[m] = A · x with x[p] = b[p·ldb]
            matvecStrided(rows: m, cols: k, a: a, lda: lda, x: b, incx: ldb, y: c, incy: ldc, accumulate: accumulate)
        } else if m == 1 {
            // c[0, :] = Bᵀ · a  (B is k×n)
            matvecTransposedStrided(rows: k, cols: n, a: b, lda: ldb, x: a, incx: 1, y: c, incy: 1, accumulate: accumulate)
        } else {
            blocked(transA: false, transB: false, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb,
                    c: c, ldc: ldc, accumulate: accumulate)
        }
    }

    /// `C = Aᵀ·B`, or `C += Aᵀ·B` when `accumulate` is true, with A stored k×m.
    ///
    /// `C[i, j] (+)= Σ_{p<k} A[p, i] · B[p, j]` for `i < m`, `j < n`, where
    /// `A[p, i] = a[p·lda + i]` (stored k×m), `B[p, j] = b[p·ldb + j]` (k×n),
    /// `C[i, j] = c[i·ldc + j]` (m×n). Requires `lda ≥ m`, `ldb ≥ n`, `ldc ≥ n`.
    public static func multiplyTransposedA(m: Int, n: Int, k: Int,
                                           a: UnsafePointer<Float>, lda: Int,
                                           b: UnsafePointer<Float>, ldb: Int,
                                           c: UnsafeMutablePointer<Float>, ldc: Int,
                                           accumulate: Bool = false) {
        precondition(m >= 0 && n >= 0 && k >= 0, "GEMM: negative dimension")
        precondition(lda >= m && ldb >= n && ldc >= n, "GEMM.multiplyTransposedA: leading dimension too small")
        if handleDegenerate(m: m, n: n, k: k, c: c, ldc: ldc, accumulate: accumulate) { return }
        if n == 1 {
            // y[m] = Aᵀ · x with A stored k×m, x[p] = b[p·ldb]
            matvecTransposedStrided(rows: k, cols: m, a: a, lda: lda, x: b, incx: ldb, y: c, incy: ldc, accumulate: accumulate)
        } else if m == 1 {
            // c[0, :] = Bᵀ · x with x[p] = a[p·lda]
            matvecTransposedStrided(rows: k, cols: n, a: b, lda: ldb, x: a, incx: lda, y: c, incy: 1, accumulate: accumulate)
        } else {
            blocked(transA: true, transB: false, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb,
                    c: c, ldc: ldc, accumulate: accumulate)
        }
    }

    /// `C = A·Bᵀ`, or `C += A·Bᵀ` when `accumulate` is true, with B stored n×k.
    ///
    /// `C[i, j] (+)= Σ_{p<k} A[i, p] · B[j, p]` for `i < m`, `j < n`, where
    /// `A[i, p] = a[i·lda + p]` (m×k), `B[j, p] = b[j·ldb + p]` (stored n×k),
    /// `C[i, j] = c[i·ldc + j]` (m×n). Requires `lda ≥ k`, `ldb ≥ k`, `ldc ≥ n`.
    public static func multiplyTransposedB(m: Int, n: Int, k: Int,
                                           a: UnsafePointer<Float>, lda: Int,
                                           b: UnsafePointer<Float>, ldb: Int,
                                           c: UnsafeMutablePointer<Float>, ldc: Int,
                                           accumulate: Bool = false) {
        precondition(m >= 0 && n >= 0 && k >= 0, "GEMM: negative dimension")
        precondition(lda >= k && ldb >= k && ldc >= n, "GEMM.multiplyTransposedB: leading dimension too small")
        if handleDegenerate(m: m, n: n, k: k, c: c, ldc: ldc, accumulate: accumulate) { return }
        if n == 1 {
            // y[m] = A · x with x = B's single row
            matvecStrided(rows: m, cols: k, a: a, lda: lda, x: b, incx: 1, y: c, incy: ldc, accumulate: accumulate)
        } else if m == 1 {
            // c[0, :] = B · a  (B is n×k)
            matvecStrided(rows: n, cols: k, a: b, lda: ldb, x: a, incx: 1, y: c, incy: 1, accumulate: accumulate)
        } else if useDotProductForm(m: m, n: n, k: k) {
            dotProductTransposedB(m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb,
                                  c: c, ldc: ldc, accumulate: accumulate)
        } else {
            blocked(transA: false, transB: true, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb,
                    c: c, ldc: ldc, accumulate: accumulate)
        }
    }

    /// `C = A·σ(B)ᵀ`, or `C += A·σ(B)ᵀ` when `accumulate` is true, with B stored n×k and
    /// σ(x) = x for x > 0, `slope`·x otherwise (ReLU: slope 0), applied to B as it is packed:
    /// the weight gradient `s·σ(h)ᵀ` of a ResNet layer without materializing σ(h).
    ///
    /// `C[i, j] (+)= Σ_{p<k} A[i, p] · σ(B[j, p])` with the layouts of `multiplyTransposedB`.
    /// The same sums, in the same order, as `multiplyTransposedB` on σ(B) materialized: shapes
    /// that take the blocked path apply σ while packing B; the others (matrix–vector, dot-product
    /// form) materialize σ(B) in `scratch` (n·k floats) when given, else in a temporary buffer.
    public static func multiplyTransposedBRectified(m: Int, n: Int, k: Int,
                                                    a: UnsafePointer<Float>, lda: Int,
                                                    b: UnsafePointer<Float>, ldb: Int,
                                                    slope: Float,
                                                    c: UnsafeMutablePointer<Float>, ldc: Int,
                                                    accumulate: Bool = false,
                                                    scratch: UnsafeMutablePointer<Float>? = nil) {
        precondition(m >= 0 && n >= 0 && k >= 0, "GEMM: negative dimension")
        precondition(lda >= k && ldb >= k && ldc >= n, "GEMM.multiplyTransposedBRectified: leading dimension too small")
        if handleDegenerate(m: m, n: n, k: k, c: c, ldc: ldc, accumulate: accumulate) { return }
        if m == 1 || n == 1 || useDotProductForm(m: m, n: n, k: k) {
            func rectify(into buffer: UnsafeMutablePointer<Float>) {
                for j in 0..<n {
                    for p in 0..<k {
                        let x = b[j * ldb + p]
                        buffer[j * k + p] = x > 0 ? x : slope * x
                    }
                }
                multiplyTransposedB(m: m, n: n, k: k, a: a, lda: lda, b: buffer, ldb: k,
                                    c: c, ldc: ldc, accumulate: accumulate)
            }
            if let scratch {
                rectify(into: scratch)
            } else {
                let buffer = UnsafeMutablePointer<Float>.allocate(capacity: n * k)
                defer { buffer.deallocate() }
                rectify(into: buffer)
            }
            return
        }
        blocked(transA: false, transB: true, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb,
                c: c, ldc: ldc, accumulate: accumulate, rectifyB: slope)
    }

    /// General entry point: `C (+)= op(A)·op(B)` where `op(X)` is `X` or `Xᵀ`.
    ///
    /// `C[i, j] (+)= Σ_{p<k} op(A)[i, p] · op(B)[p, j]`; op(A) is m×k (A stored m×k, or
    /// k×m when `transposeA`), op(B) is k×n (B stored k×n, or n×k when `transposeB`).
    /// When both are transposed, `Aᵀ·Bᵀ` is computed through a transposed copy of B.
    public static func multiply(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                                a: UnsafePointer<Float>, lda: Int,
                                b: UnsafePointer<Float>, ldb: Int,
                                c: UnsafeMutablePointer<Float>, ldc: Int,
                                accumulate: Bool = false) {
        switch (transposeA, transposeB) {
        case (false, false):
            multiply(m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc, accumulate: accumulate)
        case (true, false):
            multiplyTransposedA(m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc, accumulate: accumulate)
        case (false, true):
            multiplyTransposedB(m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc, accumulate: accumulate)
        case (true, true):
            precondition(m >= 0 && n >= 0 && k >= 0 && lda >= m && ldb >= k && ldc >= n)
            if m == 0 || n == 0 { return }
            // Bᵀ (k×n) materialized, then Aᵀ·(Bᵀ).
            var bt = [Float](repeating: 0, count: k * n)
            bt.withUnsafeMutableBufferPointer { t in
                for j in 0..<n { for p in 0..<k { t[p * n + j] = b[j * ldb + p] } }
            }
            bt.withUnsafeBufferPointer { t in
                multiplyTransposedA(m: m, n: n, k: k, a: a, lda: lda, b: t.baseAddress ?? b, ldb: n,
                                    c: c, ldc: ldc, accumulate: accumulate)
            }
        }
    }

    // MARK: - Public matrix–vector products

    /// Matrix–vector product `y = A·x` (or `y += A·x` when `accumulate`).
    ///
    /// `y[i·incy] (+)= Σ_{j<n} A[i, j] · x[j·incx]` for `i < m`, with
    /// `A[i, j] = a[i·lda + j]` (m×n, `lda ≥ n`).
    public static func matvec(m: Int, n: Int, a: UnsafePointer<Float>, lda: Int,
                              x: UnsafePointer<Float>, incx: Int = 1,
                              y: UnsafeMutablePointer<Float>, incy: Int = 1,
                              accumulate: Bool = false) {
        precondition(m >= 0 && n >= 0 && lda >= n && incx >= 1 && incy >= 1, "GEMM.matvec: bad arguments")
        if m == 0 { return }
        if n == 0 {
            if !accumulate { for i in 0..<m { y[i * incy] = 0 } }
            return
        }
        matvecStrided(rows: m, cols: n, a: a, lda: lda, x: x, incx: incx, y: y, incy: incy, accumulate: accumulate)
    }

    /// Transposed matrix–vector product `y = Aᵀ·x` (or `y += Aᵀ·x` when `accumulate`).
    ///
    /// `y[j·incy] (+)= Σ_{i<m} A[i, j] · x[i·incx]` for `j < n`, with
    /// `A[i, j] = a[i·lda + j]` (m×n, `lda ≥ n`).
    public static func matvecTransposed(m: Int, n: Int, a: UnsafePointer<Float>, lda: Int,
                                        x: UnsafePointer<Float>, incx: Int = 1,
                                        y: UnsafeMutablePointer<Float>, incy: Int = 1,
                                        accumulate: Bool = false) {
        precondition(m >= 0 && n >= 0 && lda >= n && incx >= 1 && incy >= 1, "GEMM.matvecTransposed: bad arguments")
        if n == 0 { return }
        if m == 0 {
            if !accumulate { for j in 0..<n { y[j * incy] = 0 } }
            return
        }
        matvecTransposedStrided(rows: m, cols: n, a: a, lda: lda, x: x, incx: incx, y: y, incy: incy, accumulate: accumulate)
    }

    // MARK: - Internals

    /// Whether `A·Bᵀ` takes the dot-product form (no transposition of B, see
    /// `dotProductTransposedB`) rather than the blocked path (B transposed strip by strip).
    /// Measured (single thread, old/new GFLOP/s): it wins for long k with few columns of C,
    /// and whenever n is not a multiple of 8 (the blocked path then packs a partial strip
    /// element by element): 30×128·128×30 ≈ +10–20 %, 12×128·128×30 ≈ 1.9×,
    /// 40×700·700×40 ≈ +30 %, 40×256·256×40 ≈ +15 %; it loses for moderate k with n a
    /// multiple of 8 (40×132·132×40 −10 %, 32×128·128×32 −15 %) and for n = 64.
    @inline(__always)
    static func useDotProductForm(m: Int, n: Int, k: Int) -> Bool {
        return k >= 96 && m <= 64 && n <= 48 && (n & 7 != 0 || k >= 256)
    }

    /// `C (+)= A·Bᵀ` in dot-product form. Row panels of 6 rows of C: r×2 (and r×1)
    /// dot-product kernels leave one SIMD8 accumulator per output in a panel buffer
    /// (`[row][column][lane]`, columns padded to a multiple of 8), then `reduceDotPanel`
    /// sums the lanes eight outputs at a time and writes the panel to C.
    /// Requires m, n ≥ 1 and k ≥ 8.
    static func dotProductTransposedB(m: Int, n: Int, k: Int,
                                      a: UnsafePointer<Float>, lda: Int,
                                      b: UnsafePointer<Float>, ldb: Int,
                                      c: UnsafeMutablePointer<Float>, ldc: Int,
                                      accumulate: Bool) {
        let groups = (n + 7) / 8
        let rowFloats = groups * 64
        withScratch(floats: 6 * rowFloats) { panel in
            if n & 7 != 0 {
                // Padding columns: never stored to C, zeroed so that their sums stay finite.
                for r in 0..<6 {
                    (panel + r * rowFloats + n * 8).update(repeating: 0, count: rowFloats - n * 8)
                }
            }
            var i0 = 0
            while i0 < m {
                let rows = min(6, m - i0)
                let ap = a + i0 * lda
                var j0 = 0
                while j0 < n {
                    let cols = min(2, n - j0)
                    dotKernel(rows: rows, cols: cols, k, ap, lda, b + j0 * ldb, ldb, panel + j0 * 8, rowFloats)
                    j0 += 2
                }
                reduceDotPanel(rows: rows, n: n, groups: groups, panel, c: c + i0 * ldc, ldc: ldc, add: accumulate)
                i0 += 6
            }
        }
    }

    /// `C[r, j] (+)= Σ_lanes panel[(r·groups·8 + j)·8 ..< +8]` for `r < rows`, `j < n`.
    /// Each group of eight outputs (v0...v7) goes through three passes over the panel:
    /// `v_i ← halfSums(v_i, v_{i+4})`, then two passes of in-lane `pairSums`, which leave
    /// `[Σv0, ..., Σv7]` in order. Separate passes through memory keep LLVM from merging
    /// the shuffle levels (it would push them through the adds and about double the
    /// instruction count).
    @inline(never)
    static func reduceDotPanel(rows: Int, n: Int, groups: Int, _ panel: UnsafeMutablePointer<Float>,
                               c: UnsafeMutablePointer<Float>, ldc: Int, add: Bool) {
        let count = rows * groups
        var v = panel
        for _ in 0..<count {
            let h0 = halfSums(load8(v), load8(v + 32))
            let h1 = halfSums(load8(v + 8), load8(v + 40))
            let h2 = halfSums(load8(v + 16), load8(v + 48))
            let h3 = halfSums(load8(v + 24), load8(v + 56))
            store8(h0, v); store8(h1, v + 8); store8(h2, v + 16); store8(h3, v + 24)
            v += 64
        }
        v = panel
        for _ in 0..<count {
            let p0 = pairSums(load8(v), load8(v + 8))
            let p1 = pairSums(load8(v + 16), load8(v + 24))
            store8(p0, v); store8(p1, v + 8)
            v += 64
        }
        for r in 0..<rows {
            var g = panel + r * groups * 64
            let cRow = c + r * ldc
            var j = 0
            while j + 8 <= n {
                var sums = pairSums(load8(g), load8(g + 8))
                if add { sums += load8(cRow + j) }
                store8(sums, cRow + j)
                g += 64
                j += 8
            }
            if j < n {
                let sums = pairSums(load8(g), load8(g + 8))
                for t in 0..<(n - j) {
                    cRow[j + t] = add ? cRow[j + t] + sums[t] : sums[t]
                }
            }
        }
    }

    /// Handles m == 0, n == 0 and k == 0. Returns true when nothing is left to do.
    @inline(__always)
    static func handleDegenerate(m: Int, n: Int, k: Int, c: UnsafeMutablePointer<Float>, ldc: Int,
                                 accumulate: Bool) -> Bool {
        if m == 0 || n == 0 { return true }
        if k == 0 {
            if !accumulate {
                for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) }
            }
            return true
        }
        return false
    }

    /// The blocked driver for `C (+)= op(A)·op(B)` with m, n ≥ 2 and k ≥ 1.
    ///
    /// Loop order: K blocks of ≤ 256 → row blocks of ≤ 96 (A packed into zero-padded
    /// 6-row panels when n > 64, else read in place) → column strips of 16 or 8 (B read
    /// in place when not transposed and cache-friendly, else packed into a contiguous
    /// kc×16 strip, by 8×8 SIMD transposes when B is transposed) → 6×16 micro-tiles
    /// (r×16 / r×8 kernels for partial row panels). Partial column strips go through a
    /// 6×16 scratch tile. Buffers are 64-byte aligned.
    ///
    /// With `wide` (default: where the CPU has AVX-512), pairs of full 16-column strips of a B
    /// read in place, and strips of 25–32 columns of a transposed B (packed 32 wide), go
    /// through the 6×32 AVX-512 kernel (A in place or packed), which computes the same bits as
    /// two 6×16 kernels.
    static func blocked(transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
                        a: UnsafePointer<Float>, lda: Int,
                        b: UnsafePointer<Float>, ldb: Int,
                        c: UnsafeMutablePointer<Float>, ldc: Int,
                        accumulate: Bool, rectifyB: Float? = nil, wide: Bool = WideKernels.isAvailable) {
        let kBlocks = (k + kcMax - 1) / kcMax
        let kcNominal = (k + kBlocks - 1) / kBlocks
        let mBlocks = (m + mcMax - 1) / mcMax
        let mcNominal = ((m + mBlocks - 1) / mBlocks + 5) / 6 * 6
        // With few column strips, packing A (m·k moves) would cost more than it saves:
        // read it in place (A[i, p] = a[i·ars + p·aps]).
        let inPlaceA = n <= inPlaceAMaxColumns
        let ars = transA ? 1 : lda
        let aps = transA ? lda : 1
        let aSize = inPlaceA ? 0 : mcNominal * kcNominal
        // B strips are 16 wide, 32 on the AVX-512 path of a transposed B; the tile of a partial
        // strip is 6 × 16 (6 × 32).
        let bSize = (wide ? 32 : 16) * kcNominal
        let capacity = aSize + bSize + 192 + 48
        withScratch(floats: capacity) { base in
            let misalignment = (Int(bitPattern: base) >> 2) & 15
            let aPack = base + (16 - misalignment) & 15
            let bPack = aPack + (aSize + 15) / 16 * 16
            let tile = bPack + bSize
            var p0 = 0
            while p0 < k {
                let kc = min(kcNominal, k - p0)
                let addC = accumulate || p0 > 0
                var i0 = 0
                while i0 < m {
                    let mc = min(mcNominal, m - i0)
                    let panels = (mc + 5) / 6
                    if !inPlaceA {
                        packA(transA: transA, a: a, lda: lda, i0: i0, mc: mc, p0: p0, kc: kc, into: aPack)
                    }
                    var j0 = 0
                    while j0 < n {
                        #if RESNET_FMA && arch(x86_64)
                        if wide && transB && n - j0 >= 25 {
                            // A transposed B (weight gradients s·σ(h)ᵀ) packed into one strip of 25–32
                            // columns, zero-padded to 32 (packTransposedStrip pads at most one group of 8).
                            let cols = min(32, n - j0)
                            if let slope = rectifyB {
                                packTransposedStrip(b: b + j0 * ldb + p0, ldb: ldb, cols: cols, kc: kc,
                                                    width: 32, into: bPack, rectify: slope)
                            } else {
                                packTransposedStrip(b: b + j0 * ldb + p0, ldb: ldb, cols: cols, kc: kc, width: 32, into: bPack)
                            }
                            let bp = UnsafePointer(bPack)
                            let full = cols == 32
                            for q in 0..<panels {
                                let rows = min(6, mc - q * 6)
                                let cBlock = c + (i0 + q * 6) * ldc + j0
                                let cTarget = full ? cBlock : tile
                                let ldTarget = full ? ldc : 32
                                let add = full ? addC : false
                                let ap = inPlaceA ? a + (i0 + q * 6) * ars + p0 * aps : UnsafePointer(aPack + q * 6 * kc)
                                let (rs, ps) = inPlaceA ? (ars, aps) : (1, 6)
                                if rows == 6 {
                                    MicroKernels512.kernel6x32s(kc, ap, rs, ps, bp, 32, cTarget, ldTarget, add)
                                } else {
                                    microKernelStrided(rows: rows, width: 16, kc, ap, rs, ps, bp, 32, cTarget, ldTarget, add)
                                    microKernelStrided(rows: rows, width: 16, kc, ap, rs, ps, bp + 16, 32, cTarget + 16, ldTarget, add)
                                }
                                if !full {
                                    mergeTile(tile, stride: 32, rows: rows, cols: cols, into: cBlock, ldc: ldc, add: addC)
                                }
                            }
                            j0 += cols
                            continue
                        }
                        if wide && !transB && n - j0 >= 32 && readBInPlace(ldb: ldb, kc: kc) {
                            let bp = b + p0 * ldb + j0
                            for q in 0..<panels {
                                let rows = min(6, mc - q * 6)
                                let cBlock = c + (i0 + q * 6) * ldc + j0
                                if inPlaceA {
                                    let ap = a + (i0 + q * 6) * ars + p0 * aps
                                    if rows == 6 {
                                        MicroKernels512.kernel6x32s(kc, ap, ars, aps, bp, ldb, cBlock, ldc, addC)
                                    } else {
                                        microKernelStrided(rows: rows, width: 16, kc, ap, ars, aps, bp, ldb, cBlock, ldc, addC)
                                        microKernelStrided(rows: rows, width: 16, kc, ap, ars, aps, bp + 16, ldb, cBlock + 16, ldc, addC)
                                    }
                                } else {
                                    // A packed in 6-row panels: a[p·6 + r], the strided kernel with ars 1, aps 6.
                                    let ap = UnsafePointer(aPack + q * 6 * kc)
                                    if rows == 6 {
                                        MicroKernels512.kernel6x32s(kc, ap, 1, 6, bp, ldb, cBlock, ldc, addC)
                                    } else {
                                        microKernel(rows: rows, width: 16, kc, ap, bp, ldb, cBlock, ldc, addC)
                                        microKernel(rows: rows, width: 16, kc, ap, bp + 16, ldb, cBlock + 16, ldc, addC)
                                    }
                                }
                            }
                            j0 += 32
                            continue
                        }
                        #endif
                        let remaining = n - j0
                        let width = remaining > 8 ? 16 : 8
                        let cols = min(remaining, width)
                        let bp: UnsafePointer<Float>
                        let bld: Int
                        if transB {
                            if let slope = rectifyB {
                                packTransposedStrip(b: b + j0 * ldb + p0, ldb: ldb, cols: cols, kc: kc,
                                                    width: width, into: bPack, rectify: slope)
                            } else {
                                packTransposedStrip(b: b + j0 * ldb + p0, ldb: ldb, cols: cols, kc: kc,
                                                    width: width, into: bPack)
                            }
                            bp = UnsafePointer(bPack); bld = width
                        } else if cols == width && readBInPlace(ldb: ldb, kc: kc) {
                            bp = b + p0 * ldb + j0; bld = ldb
                        } else {
                            packStrip(b: b + p0 * ldb + j0, ldb: ldb, cols: cols, kc: kc,
                                      width: width, into: bPack)
                            bp = UnsafePointer(bPack); bld = width
                        }
                        for q in 0..<panels {
                            let rows = min(6, mc - q * 6)
                            let cBlock = c + (i0 + q * 6) * ldc + j0
                            let full = cols == width
                            let cTarget = full ? cBlock : tile
                            let ldTarget = full ? ldc : 16
                            let add = full ? addC : false
                            if inPlaceA {
                                let ap = a + (i0 + q * 6) * ars + p0 * aps
                                microKernelStrided(rows: rows, width: width, kc, ap, ars, aps, bp, bld,
                                                   cTarget, ldTarget, add)
                            } else {
                                let ap = UnsafePointer(aPack + q * 6 * kc)
                                microKernel(rows: rows, width: width, kc, ap, bp, bld, cTarget, ldTarget, add)
                            }
                            if !full {
                                mergeTile(tile, rows: rows, cols: cols, into: cBlock, ldc: ldc, add: addC)
                            }
                        }
                        j0 += cols
                    }
                    i0 += mc
                }
                p0 += kc
            }
        }
    }

    /// Whether a full strip of a non-transposed B is read in place rather than packed:
    /// yes, unless the strip is deep and its row stride is a multiple of 256 bytes (then
    /// its rows map to few L1 sets and would evict each other).
    @inline(__always)
    static func readBInPlace(ldb: Int, kc: Int) -> Bool {
        return kc <= 48 || ldb & 63 != 0
    }

    /// Up to this many columns of C (≤ 4 strips), A is read in place instead of packed
    /// (measured: in place wins clearly for n ≤ 64, packing wins slightly for n ≥ 128).
    /// A variable only so that benchmarks can compare both paths.
    nonisolated(unsafe) static var inPlaceAMaxColumns = 64

    /// Calls the `rows`×`width` micro-kernel reading A in place (rows in 1...6, width 8 or 16).
    @inline(__always)
    static func microKernelStrided(rows: Int, width: Int, _ kc: Int, _ a: UnsafePointer<Float>, _ ars: Int, _ aps: Int,
                                   _ b: UnsafePointer<Float>, _ ldb: Int,
                                   _ c: UnsafeMutablePointer<Float>, _ ldc: Int, _ addToC: Bool) {
        if width == 16 {
            switch rows {
            case 6: kernel6x16s(kc, a, ars, aps, b, ldb, c, ldc, addToC)
            case 5: kernel5x16s(kc, a, ars, aps, b, ldb, c, ldc, addToC)
            case 4: kernel4x16s(kc, a, ars, aps, b, ldb, c, ldc, addToC)
            case 3: kernel3x16s(kc, a, ars, aps, b, ldb, c, ldc, addToC)
            case 2: kernel2x16s(kc, a, ars, aps, b, ldb, c, ldc, addToC)
            default: kernel1x16s(kc, a, ars, aps, b, ldb, c, ldc, addToC)
            }
        } else {
            switch rows {
            case 6: kernel6x8s(kc, a, ars, aps, b, ldb, c, ldc, addToC)
            case 5: kernel5x8s(kc, a, ars, aps, b, ldb, c, ldc, addToC)
            case 4: kernel4x8s(kc, a, ars, aps, b, ldb, c, ldc, addToC)
            case 3: kernel3x8s(kc, a, ars, aps, b, ldb, c, ldc, addToC)
            case 2: kernel2x8s(kc, a, ars, aps, b, ldb, c, ldc, addToC)
            default: kernel1x8s(kc, a, ars, aps, b, ldb, c, ldc, addToC)
            }
        }
    }

    /// Calls the `rows`×`width` micro-kernel (rows in 1...6, width 8 or 16).
    @inline(__always)
    static func microKernel(rows: Int, width: Int, _ kc: Int, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                            _ ldb: Int, _ c: UnsafeMutablePointer<Float>, _ ldc: Int, _ addToC: Bool) {
        if width == 16 {
            switch rows {
            case 6: kernel6x16(kc, a, b, ldb, c, ldc, addToC)
            case 5: kernel5x16(kc, a, b, ldb, c, ldc, addToC)
            case 4: kernel4x16(kc, a, b, ldb, c, ldc, addToC)
            case 3: kernel3x16(kc, a, b, ldb, c, ldc, addToC)
            case 2: kernel2x16(kc, a, b, ldb, c, ldc, addToC)
            default: kernel1x16(kc, a, b, ldb, c, ldc, addToC)
            }
        } else {
            switch rows {
            case 6: kernel6x8(kc, a, b, ldb, c, ldc, addToC)
            case 5: kernel5x8(kc, a, b, ldb, c, ldc, addToC)
            case 4: kernel4x8(kc, a, b, ldb, c, ldc, addToC)
            case 3: kernel3x8(kc, a, b, ldb, c, ldc, addToC)
            case 2: kernel2x8(kc, a, b, ldb, c, ldc, addToC)
            default: kernel1x8(kc, a, b, ldb, c, ldc, addToC)
            }
        }
    }

    /// Rows per packed A block.
    static let mcMax = 96

    /// Packs rows `i0..<i0+mc`, depths `p0..<p0+kc` of op(A) into 6-row panels:
    /// `dst[q·6·kc + p·6 + r] = op(A)[i0 + 6q + r, p0 + p]`, zero for rows ≥ mc.
    @inline(__always)
    static func packA(transA: Bool, a: UnsafePointer<Float>, lda: Int, i0: Int, mc: Int, p0: Int, kc: Int,
                      into dst: UnsafeMutablePointer<Float>) {
        let panels = (mc + 5) / 6
        for q in 0..<panels {
            let panel = dst + q * 6 * kc
            let rows = min(6, mc - q * 6)
            let firstRow = i0 + q * 6
            if transA {
                // op(A)[i, p] = a[p·lda + i]: six contiguous values per depth.
                var src = a + p0 * lda + firstRow
                if rows == 6 {
                    for p in 0..<kc {
                        let d = panel + p * 6
                        d[0] = src[0]; d[1] = src[1]; d[2] = src[2]
                        d[3] = src[3]; d[4] = src[4]; d[5] = src[5]
                        src += lda
                    }
                } else {
                    for p in 0..<kc {
                        let d = panel + p * 6
                        for r in 0..<6 { d[r] = r < rows ? src[r] : 0 }
                        src += lda
                    }
                }
            } else {
                // op(A)[i, p] = a[i·lda + p]: gather one value from each of six rows.
                if rows == 6 {
                    let r0 = a + firstRow * lda + p0
                    let r1 = r0 + lda, r2 = r1 + lda, r3 = r2 + lda, r4 = r3 + lda, r5 = r4 + lda
                    for p in 0..<kc {
                        let d = panel + p * 6
                        d[0] = r0[p]; d[1] = r1[p]; d[2] = r2[p]
                        d[3] = r3[p]; d[4] = r4[p]; d[5] = r5[p]
                    }
                } else {
                    for r in 0..<6 {
                        if r < rows {
                            let src = a + (firstRow + r) * lda + p0
                            for p in 0..<kc { panel[p * 6 + r] = src[p] }
                        } else {
                            for p in 0..<kc { panel[p * 6 + r] = 0 }
                        }
                    }
                }
            }
        }
    }

    /// Packs `dst[p·width + jj] = b[p·ldb + jj]` for `p < kc`, `jj < cols`, zero for
    /// `cols ≤ jj < width` (a k×cols block of a row-major B).
    @inline(__always)
    static func packStrip(b: UnsafePointer<Float>, ldb: Int, cols: Int, kc: Int, width: Int,
                          into dst: UnsafeMutablePointer<Float>) {
        if cols == 16 {
            var src = b
            var d = dst
            for _ in 0..<kc {
                store8(load8(src), d)
                store8(load8(src + 8), d + 8)
                src += ldb
                d += 16
            }
        } else if cols == 8 && width == 8 {
            var src = b
            var d = dst
            for _ in 0..<kc {
                store8(load8(src), d)
                src += ldb
                d += 8
            }
        } else {
            for p in 0..<kc {
                let src = b + p * ldb
                let d = dst + p * width
                for jj in 0..<width { d[jj] = jj < cols ? src[jj] : 0 }
            }
        }
    }

    /// `C[r, j] = tile[r·stride + j]` (or `+=` when `add`) for `r < rows`, `j < cols`.
    @inline(__always)
    static func mergeTile(_ tile: UnsafeMutablePointer<Float>, stride: Int = 16, rows: Int, cols: Int,
                          into c: UnsafeMutablePointer<Float>, ldc: Int, add: Bool) {
        for r in 0..<rows {
            let src = tile + r * stride
            let dst = c + r * ldc
            var j = 0
            while j + 8 <= cols {
                store8(add ? load8(dst + j) + load8(src + j) : load8(src + j), dst + j)
                j += 8
            }
            if add {
                while j < cols { dst[j] += src[j]; j += 1 }
            } else {
                while j < cols { dst[j] = src[j]; j += 1 }
            }
        }
    }

    /// Packs `dst[p·width + jj] = b[jj·ldb + p]` for `p < kc`, `jj < cols`, and zeros for
    /// `cols ≤ jj < width` (a k-block of `cols` rows of a row-major B, transposed).
    @inline(__always)
    static func packTransposedStrip(b: UnsafePointer<Float>, ldb: Int, cols: Int, kc: Int, width: Int,
                                    into dst: UnsafeMutablePointer<Float>) {
        var jj = 0
        while jj + 8 <= cols {
            let src = b + jj * ldb
            var p = 0
            while p + 8 <= kc {
                let q = src + p
                transpose8x8(load8(q), load8(q + ldb), load8(q + 2 &* ldb), load8(q + 3 &* ldb),
                             load8(q + 4 &* ldb), load8(q + 5 &* ldb), load8(q + 6 &* ldb), load8(q + 7 &* ldb),
                             dst + p * width + jj, width)
                p += 8
            }
            while p < kc {
                for t in 0..<8 { dst[p * width + jj + t] = src[t * ldb + p] }
                p += 1
            }
            jj += 8
        }
        if jj < width {
            // One group of 8 columns of which `real` (1...7) exist: 8×8 transposes in which the
            // missing rows of B repeat its last row (never reading past B), their columns then
            // zeroed; a scalar tail of kc mod 8 depths. (Loading zeros for the missing rows under
            // a run-time condition compiled to spills and calls: 15 % of a training step.)
            let real = cols - jj, src = b + jj * ldb
            let r1 = src + min(1, real - 1) &* ldb, r2 = src + min(2, real - 1) &* ldb
            let r3 = src + min(3, real - 1) &* ldb, r4 = src + min(4, real - 1) &* ldb
            let r5 = src + min(5, real - 1) &* ldb, r6 = src + min(6, real - 1) &* ldb
            let r7 = src + min(7, real - 1) &* ldb
            var p = 0
            while p + 8 <= kc {
                transpose8x8(load8(src + p), load8(r1 + p), load8(r2 + p), load8(r3 + p), load8(r4 + p), load8(r5 + p),
                             load8(r6 + p), load8(r7 + p), dst + p * width + jj, width)
                p += 8
            }
            for q in 0..<p {
                for t in real..<(width - jj) { dst[q * width + jj + t] = 0 }
            }
            while p < kc {
                for t in 0..<(width - jj) { dst[p * width + jj + t] = t < real ? src[t * ldb + p] : 0 }
                p += 1
            }
        }
    }

    /// The same with σ(x) = x > 0 ? x : slope·x applied to every value packed: the strip is
    /// packed, then rectified in place while it is in L1 (σ commutes with the transposition;
    /// applying it to the transposes' inputs instead made LLVM spill the 8×8 shuffles).
    @inline(__always)
    static func packTransposedStrip(b: UnsafePointer<Float>, ldb: Int, cols: Int, kc: Int, width: Int,
                                    into dst: UnsafeMutablePointer<Float>, rectify slope: Float) {
        packTransposedStrip(b: b, ldb: ldb, cols: cols, kc: kc, width: width, into: dst)
        let zero = SIMD8<Float>(), s = SIMD8<Float>(repeating: slope)
        var q = dst
        for _ in 0..<(kc * width / 8) {  // width is 8 or 16
            let v = load8(q)
            store8(v.replacing(with: v * s, where: v .<= zero), q)
            q += 8
        }
    }
}
