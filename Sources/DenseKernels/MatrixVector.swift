// Matrix–vector kernels (the n == 1 / m == 1 fast path of the GEMM entry points).

extension GEMM {
    /// `y[i·incy] (+)= Σ_j A[i, j]·x[j·incx]`, A rows×cols with row stride lda; rows, cols ≥ 1.
    /// Non-unit strides go through contiguous scratch copies.
    static func matvecStrided(rows: Int, cols: Int, a: UnsafePointer<Float>, lda: Int,
                              x: UnsafePointer<Float>, incx: Int,
                              y: UnsafeMutablePointer<Float>, incy: Int, accumulate: Bool) {
        if incx == 1 && incy == 1 {
            matvecCore(rows: rows, cols: cols, a: a, lda: lda, x: x, y: y, accumulate: accumulate)
            return
        }
        withUnsafeTemporaryAllocation(of: Float.self, capacity: cols + rows) { buffer in
            let xs = buffer.baseAddress!
            let ys = xs + cols
            let xp: UnsafePointer<Float>
            if incx == 1 { xp = x } else {
                for j in 0..<cols { xs[j] = x[j * incx] }
                xp = UnsafePointer(xs)
            }
            if incy == 1 {
                matvecCore(rows: rows, cols: cols, a: a, lda: lda, x: xp, y: y, accumulate: accumulate)
            } else {
                matvecCore(rows: rows, cols: cols, a: a, lda: lda, x: xp, y: ys, accumulate: false)
                if accumulate {
                    for i in 0..<rows { y[i * incy] += ys[i] }
                } else {
                    for i in 0..<rows { y[i * incy] = ys[i] }
                }
            }
        }
    }

    /// `y[j·incy] (+)= Σ_i A[i, j]·x[i·incx]`, A rows×cols with row stride lda; rows, cols ≥ 1.
    static func matvecTransposedStrided(rows: Int, cols: Int, a: UnsafePointer<Float>, lda: Int,
                                        x: UnsafePointer<Float>, incx: Int,
                                        y: UnsafeMutablePointer<Float>, incy: Int, accumulate: Bool) {
        if incx == 1 && incy == 1 {
            matvecTransposedCore(rows: rows, cols: cols, a: a, lda: lda, x: x, y: y, accumulate: accumulate)
            return
        }
        withUnsafeTemporaryAllocation(of: Float.self, capacity: cols + rows) { buffer in
            let xs = buffer.baseAddress!
            let ys = xs + rows
            let xp: UnsafePointer<Float>
            if incx == 1 { xp = x } else {
                for i in 0..<rows { xs[i] = x[i * incx] }
                xp = UnsafePointer(xs)
            }
            if incy == 1 {
                matvecTransposedCore(rows: rows, cols: cols, a: a, lda: lda, x: xp, y: y, accumulate: accumulate)
            } else {
                matvecTransposedCore(rows: rows, cols: cols, a: a, lda: lda, x: xp, y: ys, accumulate: false)
                if accumulate {
                    for j in 0..<cols { y[j * incy] += ys[j] }
                } else {
                    for j in 0..<cols { y[j * incy] = ys[j] }
                }
            }
        }
    }

    /// `y[i] (+)= Σ_j A[i, j]·x[j]`: eight rows at a time with eight SIMD8 accumulators
    /// and a shuffle-tree reduction; remaining rows one at a time.
    @inline(never)
    static func matvecCore(rows: Int, cols: Int, a: UnsafePointer<Float>, lda: Int,
                           x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, accumulate: Bool) {
        let colsVec = cols & ~7
        var i = 0
        while i + 8 <= rows {
            let r0 = a + i * lda
            let r1 = r0 + lda, r2 = r1 + lda, r3 = r2 + lda
            let r4 = r3 + lda, r5 = r4 + lda, r6 = r5 + lda, r7 = r6 + lda
            var s0 = SIMD8<Float>(), s1 = SIMD8<Float>(), s2 = SIMD8<Float>(), s3 = SIMD8<Float>()
            var s4 = SIMD8<Float>(), s5 = SIMD8<Float>(), s6 = SIMD8<Float>(), s7 = SIMD8<Float>()
            var j = 0
            while j < colsVec {
                let xv = load8(x + j)
                s0 = madd(s0, load8(r0 + j), xv)
                s1 = madd(s1, load8(r1 + j), xv)
                s2 = madd(s2, load8(r2 + j), xv)
                s3 = madd(s3, load8(r3 + j), xv)
                s4 = madd(s4, load8(r4 + j), xv)
                s5 = madd(s5, load8(r5 + j), xv)
                s6 = madd(s6, load8(r6 + j), xv)
                s7 = madd(s7, load8(r7 + j), xv)
                j += 8
            }
            var result = reduce8(s0, s1, s2, s3, s4, s5, s6, s7)
            while j < cols {
                let xs = x[j]
                let column = SIMD8<Float>(r0[j], r1[j], r2[j], r3[j], r4[j], r5[j], r6[j], r7[j])
                result = madd(result, column, SIMD8(repeating: xs))
                j += 1
            }
            if accumulate { result += load8(y + i) }
            store8(result, y + i)
            i += 8
        }
        while i < rows {
            let r = a + i * lda
            var s0 = SIMD8<Float>(), s1 = SIMD8<Float>()
            var j = 0
            while j + 16 <= colsVec {
                s0 = madd(s0, load8(r + j), load8(x + j))
                s1 = madd(s1, load8(r + j + 8), load8(x + j + 8))
                j += 16
            }
            if j < colsVec {
                s0 = madd(s0, load8(r + j), load8(x + j))
                j += 8
            }
            var total = hsum(s0 + s1)
            while j < cols {
                total += r[j] * x[j]
                j += 1
            }
            y[i] = accumulate ? y[i] + total : total
            i += 1
        }
    }

    /// `y[j] (+)= Σ_i A[i, j]·x[i]`: column chunks of 32 (eight accumulators over even
    /// and odd rows), then chunks of 8, then single columns.
    @inline(never)
    static func matvecTransposedCore(rows: Int, cols: Int, a: UnsafePointer<Float>, lda: Int,
                                     x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, accumulate: Bool) {
        var j = 0
        while j + 32 <= cols {
            var e0 = SIMD8<Float>(), e1 = SIMD8<Float>(), e2 = SIMD8<Float>(), e3 = SIMD8<Float>()
            var o0 = SIMD8<Float>(), o1 = SIMD8<Float>(), o2 = SIMD8<Float>(), o3 = SIMD8<Float>()
            var p = a + j
            var i = 0
            while i + 2 <= rows {
                let xe = SIMD8<Float>(repeating: x[i])
                let xo = SIMD8<Float>(repeating: x[i + 1])
                let q = p + lda
                e0 = madd(e0, load8(p), xe)
                e1 = madd(e1, load8(p + 8), xe)
                e2 = madd(e2, load8(p + 16), xe)
                e3 = madd(e3, load8(p + 24), xe)
                o0 = madd(o0, load8(q), xo)
                o1 = madd(o1, load8(q + 8), xo)
                o2 = madd(o2, load8(q + 16), xo)
                o3 = madd(o3, load8(q + 24), xo)
                p = q + lda
                i += 2
            }
            if i < rows {
                let xe = SIMD8<Float>(repeating: x[i])
                e0 = madd(e0, load8(p), xe)
                e1 = madd(e1, load8(p + 8), xe)
                e2 = madd(e2, load8(p + 16), xe)
                e3 = madd(e3, load8(p + 24), xe)
            }
            e0 += o0; e1 += o1; e2 += o2; e3 += o3
            if accumulate {
                e0 += load8(y + j); e1 += load8(y + j + 8); e2 += load8(y + j + 16); e3 += load8(y + j + 24)
            }
            store8(e0, y + j); store8(e1, y + j + 8); store8(e2, y + j + 16); store8(e3, y + j + 24)
            j += 32
        }
        while j + 8 <= cols {
            var s0 = SIMD8<Float>(), s1 = SIMD8<Float>(), s2 = SIMD8<Float>(), s3 = SIMD8<Float>()
            var p = a + j
            var i = 0
            while i + 4 <= rows {
                s0 = madd(s0, load8(p), SIMD8(repeating: x[i]))
                s1 = madd(s1, load8(p + lda), SIMD8(repeating: x[i + 1]))
                s2 = madd(s2, load8(p + 2 * lda), SIMD8(repeating: x[i + 2]))
                s3 = madd(s3, load8(p + 3 * lda), SIMD8(repeating: x[i + 3]))
                p += 4 * lda
                i += 4
            }
            while i < rows {
                s0 = madd(s0, load8(p), SIMD8(repeating: x[i]))
                p += lda
                i += 1
            }
            var s = (s0 + s1) + (s2 + s3)
            if accumulate { s += load8(y + j) }
            store8(s, y + j)
            j += 8
        }
        while j < cols {
            var total: Float = 0
            var p = a + j
            for i in 0..<rows {
                total += p.pointee * x[i]
                p += lda
            }
            y[j] = accumulate ? y[j] + total : total
            j += 1
        }
    }
}
