// Matrix-level conveniences over `GEMM` (allocate the result; not for the hot path).

/// `op(A)·op(B)` where `op(X)` is `X` or `Xᵀ`: the result has entries
/// `C[i, j] = Σ_p op(A)[i, p] · op(B)[p, j]`.
public func matmul(_ a: Matrix, _ b: Matrix, transposeA: Bool = false, transposeB: Bool = false) -> Matrix {
    let m = transposeA ? a.columns : a.rows
    let k = transposeA ? a.rows : a.columns
    let kb = transposeB ? b.columns : b.rows
    let n = transposeB ? b.rows : b.columns
    precondition(k == kb, "matmul: inner dimensions differ (\(k) vs \(kb))")
    var c = Matrix.zeros(rows: m, columns: n)
    matmul(a, b, transposeA: transposeA, transposeB: transposeB, into: &c, accumulate: false)
    return c
}

/// `C = op(A)·op(B)` or, when `accumulate`, `C += op(A)·op(B)`:
/// `C[i, j] (+)= Σ_p op(A)[i, p] · op(B)[p, j]`. C must already have the product's shape.
public func matmul(_ a: Matrix, _ b: Matrix, transposeA: Bool = false, transposeB: Bool = false,
                   into c: inout Matrix, accumulate: Bool = false) {
    let m = transposeA ? a.columns : a.rows
    let k = transposeA ? a.rows : a.columns
    let kb = transposeB ? b.columns : b.rows
    let n = transposeB ? b.rows : b.columns
    precondition(k == kb, "matmul: inner dimensions differ (\(k) vs \(kb))")
    precondition(c.rows == m && c.columns == n, "matmul: result must be \(m)×\(n), is \(c.rows)×\(c.columns)")
    if m == 0 || n == 0 { return }
    if k == 0 {
        if !accumulate { c.elements.withUnsafeMutableBufferPointer { $0.update(repeating: 0) } }
        return
    }
    a.elements.withUnsafeBufferPointer { ap in
        b.elements.withUnsafeBufferPointer { bp in
            c.elements.withUnsafeMutableBufferPointer { cp in
                GEMM.multiply(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                              a: ap.baseAddress!, lda: a.columns, b: bp.baseAddress!, ldb: b.columns,
                              c: cp.baseAddress!, ldc: n, accumulate: accumulate)
            }
        }
    }
}

/// The matrix product `A·B`: `C[i, j] = Σ_p A[i, p] · B[p, j]`.
public func * (lhs: Matrix, rhs: Matrix) -> Matrix {
    matmul(lhs, rhs)
}

/// The matrix–vector product `A·x`: `y[i] = Σ_j A[i, j] · x[j]` (`x.count == A.columns`).
public func * (lhs: Matrix, rhs: [Float]) -> [Float] {
    precondition(rhs.count == lhs.columns, "Matrix * vector: size mismatch")
    var y = [Float](repeating: 0, count: lhs.rows)
    if lhs.rows == 0 { return y }
    if lhs.columns == 0 { return y }
    lhs.elements.withUnsafeBufferPointer { a in
        rhs.withUnsafeBufferPointer { x in
            y.withUnsafeMutableBufferPointer { yp in
                GEMM.matvec(m: lhs.rows, n: lhs.columns, a: a.baseAddress!, lda: lhs.columns,
                            x: x.baseAddress!, y: yp.baseAddress!)
            }
        }
    }
    return y
}

extension Matrix {
    /// `Aᵀ·x`: `y[j] = Σ_i A[i, j] · x[i]` (`x.count == rows`).
    public func transposedTimes(_ x: [Float]) -> [Float] {
        precondition(x.count == rows, "Matrix.transposedTimes: size mismatch")
        var y = [Float](repeating: 0, count: columns)
        if rows == 0 || columns == 0 { return y }
        elements.withUnsafeBufferPointer { a in
            x.withUnsafeBufferPointer { xp in
                y.withUnsafeMutableBufferPointer { yp in
                    GEMM.matvecTransposed(m: rows, n: columns, a: a.baseAddress!, lda: columns,
                                          x: xp.baseAddress!, y: yp.baseAddress!)
                }
            }
        }
        return y
    }
}
