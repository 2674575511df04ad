/// Straightforward (naive-loop) matrix products for any `BinaryFloatingPoint` type, used
/// as the test oracle of `GEMM` and for Double-precision models. Row-major storage with
/// leading dimensions, the same conventions as `GEMM`; accumulation is in `T`.
public enum ReferenceKernels {
    /// `C[i, j] (+)= Σ_{p<k} A[i, p] · B[p, j]` with `A[i, p] = a[i·lda + p]`,
    /// `B[p, j] = b[p·ldb + j]`, `C[i, j] = c[i·ldc + j]` (m×k · k×n).
    public static func multiply<T: BinaryFloatingPoint>(m: Int, n: Int, k: Int,
                                                        a: UnsafePointer<T>, lda: Int,
                                                        b: UnsafePointer<T>, ldb: Int,
                                                        c: UnsafeMutablePointer<T>, ldc: Int,
                                                        accumulate: Bool = false) {
        for i in 0..<m {
            let ci = c + i * ldc
            if !accumulate { for j in 0..<n { ci[j] = 0 } }
            for p in 0..<k {
                let aip = a[i * lda + p]
                let bp = b + p * ldb
                for j in 0..<n { ci[j] += aip * bp[j] }
            }
        }
    }

    /// `C[i, j] (+)= Σ_{p<k} A[p, i] · B[p, j]` (Aᵀ·B) with A stored k×m:
    /// `A[p, i] = a[p·lda + i]`, `B[p, j] = b[p·ldb + j]`, `C[i, j] = c[i·ldc + j]`.
    public static func multiplyTransposedA<T: BinaryFloatingPoint>(m: Int, n: Int, k: Int,
                                                                   a: UnsafePointer<T>, lda: Int,
                                                                   b: UnsafePointer<T>, ldb: Int,
                                                                   c: UnsafeMutablePointer<T>, ldc: Int,
                                                                   accumulate: Bool = false) {
        for i in 0..<m {
            let ci = c + i * ldc
            if !accumulate { for j in 0..<n { ci[j] = 0 } }
            for p in 0..<k {
                let api = a[p * lda + i]
                let bp = b + p * ldb
                for j in 0..<n { ci[j] += api * bp[j] }
            }
        }
    }

    /// `C[i, j] (+)= Σ_{p<k} A[i, p] · B[j, p]` (A·Bᵀ) with B stored n×k:
    /// `A[i, p] = a[i·lda + p]`, `B[j, p] = b[j·ldb + p]`, `C[i, j] = c[i·ldc + j]`.
    public static func multiplyTransposedB<T: BinaryFloatingPoint>(m: Int, n: Int, k: Int,
                                                                   a: UnsafePointer<T>, lda: Int,
                                                                   b: UnsafePointer<T>, ldb: Int,
                                                                   c: UnsafeMutablePointer<T>, ldc: Int,
                                                                   accumulate: Bool = false) {
        for i in 0..<m {
            let ai = a + i * lda
            for j in 0..<n {
                let bj = b + j * ldb
                var s: T = 0
                for p in 0..<k { s += ai[p] * bj[p] }
                c[i * ldc + j] = accumulate ? c[i * ldc + j] + s : s
            }
        }
    }

    /// `y[i] (+)= Σ_{j<n} A[i, j] · x[j]` for `i < m`, `A[i, j] = a[i·lda + j]`.
    public static func matvec<T: BinaryFloatingPoint>(m: Int, n: Int, a: UnsafePointer<T>, lda: Int,
                                                      x: UnsafePointer<T>, y: UnsafeMutablePointer<T>,
                                                      accumulate: Bool = false) {
        for i in 0..<m {
            var s: T = 0
            for j in 0..<n { s += a[i * lda + j] * x[j] }
            y[i] = accumulate ? y[i] + s : s
        }
    }

    /// `y[j] (+)= Σ_{i<m} A[i, j] · x[i]` for `j < n` (Aᵀ·x), `A[i, j] = a[i·lda + j]`.
    public static func matvecTransposed<T: BinaryFloatingPoint>(m: Int, n: Int, a: UnsafePointer<T>, lda: Int,
                                                                x: UnsafePointer<T>, y: UnsafeMutablePointer<T>,
                                                                accumulate: Bool = false) {
        if !accumulate { for j in 0..<n { y[j] = 0 } }
        for i in 0..<m {
            let xi = x[i]
            let row = a + i * lda
            for j in 0..<n { y[j] += row[j] * xi }
        }
    }

    // MARK: Array conveniences (dense, minimal leading dimensions)

    /// `op(A)·op(B)` for dense row-major arrays, returning the m×n product:
    /// `result[i·n + j] = Σ_{p<k} op(A)[i, p] · op(B)[p, j]`, where A is stored m×k (k×m
    /// if `transposeA`) and B is stored k×n (n×k if `transposeB`).
    public static func multiply<T: BinaryFloatingPoint>(_ a: [T], _ b: [T], m: Int, n: Int, k: Int,
                                                        transposeA: Bool = false,
                                                        transposeB: Bool = false) -> [T] {
        precondition(a.count == m * k && b.count == k * n, "ReferenceKernels.multiply: size mismatch")
        var c = [T](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var s: T = 0
                for p in 0..<k {
                    let aip = transposeA ? a[p * m + i] : a[i * k + p]
                    let bpj = transposeB ? b[j * k + p] : b[p * n + j]
                    s += aip * bpj
                }
                c[i * n + j] = s
            }
        }
        return c
    }

    /// `A·x` (or `Aᵀ·x` when `transpose`) for a dense row-major m×n array A:
    /// `result[i] = Σ_j A[i, j]·x[j]` (length m), or `result[j] = Σ_i A[i, j]·x[i]` (length n).
    public static func matvec<T: BinaryFloatingPoint>(_ a: [T], _ x: [T], m: Int, n: Int,
                                                      transpose: Bool = false) -> [T] {
        precondition(a.count == m * n && x.count == (transpose ? m : n), "ReferenceKernels.matvec: size mismatch")
        if transpose {
            var y = [T](repeating: 0, count: n)
            for i in 0..<m { for j in 0..<n { y[j] += a[i * n + j] * x[i] } }
            return y
        }
        var y = [T](repeating: 0, count: m)
        for i in 0..<m {
            var s: T = 0
            for j in 0..<n { s += a[i * n + j] * x[j] }
            y[i] = s
        }
        return y
    }
}
