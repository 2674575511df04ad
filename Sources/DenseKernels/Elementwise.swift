/// Fused elementwise operations and reductions on raw `Float` storage (SIMD8 loops with a
/// scalar tail). Vectors are contiguous; matrices are row-major with an explicit row
/// stride. Output pointers may alias inputs where stated.
public enum Elementwise {
    /// `y[i] += alpha · x[i]` for `i < count` (AXPY).
    public static func axpy(count: Int, alpha: Float, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
        let a = SIMD8<Float>(repeating: alpha)
        var i = 0
        while i &+ 16 <= count {
            store8(madd(load8(y + i), a, load8(x + i)), y + i)
            store8(madd(load8(y + i + 8), a, load8(x + i + 8)), y + i + 8)
            i &+= 16
        }
        while i &+ 8 <= count {
            store8(madd(load8(y + i), a, load8(x + i)), y + i)
            i &+= 8
        }
        while i < count {
            y[i] += alpha * x[i]
            i &+= 1
        }
    }

    /// `x[i] = alpha · x[i]` for `i < count` (in place).
    public static func scale(count: Int, alpha: Float, x: UnsafeMutablePointer<Float>) {
        scale(count: count, alpha: alpha, x: UnsafePointer(x), into: x)
    }

    /// `y[i] = alpha · x[i]` for `i < count` (`y` may equal `x`).
    public static func scale(count: Int, alpha: Float, x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>) {
        let a = SIMD8<Float>(repeating: alpha)
        var i = 0
        while i &+ 8 <= count {
            store8(a * load8(x + i), y + i)
            i &+= 8
        }
        while i < count {
            y[i] = alpha * x[i]
            i &+= 1
        }
    }

    /// Per-column scaled update of a row-major `rows × columns` matrix:
    /// `H[i, j] += s[j] · U[i, j]` for `i < rows`, `j < columns`, where
    /// `H[i, j] = h[i·ldh + j]`, `U[i, j] = u[i·ldu + j]` and `s` has `columns` entries.
    /// (In a d×B batch, column j is one input and `s[j]` its own scaling factor.)
    public static func addScaledColumns(rows: Int, columns: Int, scales s: UnsafePointer<Float>,
                                        u: UnsafePointer<Float>, ldu: Int,
                                        h: UnsafeMutablePointer<Float>, ldh: Int) {
        precondition(rows >= 0 && columns >= 0 && ldu >= columns && ldh >= columns)
        for i in 0..<rows {
            let ur = u + i * ldu
            let hr = h + i * ldh
            var j = 0
            while j &+ 8 <= columns {
                store8(madd(load8(hr + j), load8(s + j), load8(ur + j)), hr + j)
                j &+= 8
            }
            while j < columns {
                hr[j] += s[j] * ur[j]
                j &+= 1
            }
        }
    }

    /// Hadamard (elementwise) product `out[i] = x[i] · y[i]` for `i < count`
    /// (`out` may equal `x` or `y`).
    public static func hadamard(count: Int, x: UnsafePointer<Float>, y: UnsafePointer<Float>,
                                into out: UnsafeMutablePointer<Float>) {
        var i = 0
        while i &+ 8 <= count {
            store8(load8(x + i) * load8(y + i), out + i)
            i &+= 8
        }
        while i < count {
            out[i] = x[i] * y[i]
            i &+= 1
        }
    }

    /// Accumulating Hadamard product `out[i] += x[i] · y[i]` for `i < count`.
    public static func addHadamard(count: Int, x: UnsafePointer<Float>, y: UnsafePointer<Float>,
                                   into out: UnsafeMutablePointer<Float>) {
        var i = 0
        while i &+ 8 <= count {
            store8(madd(load8(out + i), load8(x + i), load8(y + i)), out + i)
            i &+= 8
        }
        while i < count {
            out[i] += x[i] * y[i]
            i &+= 1
        }
    }

    /// Dot product `Σ_{i<count} x[i] · y[i]`, accumulated in Float by four SIMD8 chains
    /// (error grows like `count/32 · ε·Σ|x·y|`); the partial sums are added in Double.
    public static func dot(count: Int, x: UnsafePointer<Float>, y: UnsafePointer<Float>) -> Float {
        var s0 = SIMD8<Float>(), s1 = SIMD8<Float>(), s2 = SIMD8<Float>(), s3 = SIMD8<Float>()
        var i = 0
        while i &+ 32 <= count {
            s0 = madd(s0, load8(x + i), load8(y + i))
            s1 = madd(s1, load8(x + i + 8), load8(y + i + 8))
            s2 = madd(s2, load8(x + i + 16), load8(y + i + 16))
            s3 = madd(s3, load8(x + i + 24), load8(y + i + 24))
            i &+= 32
        }
        while i &+ 8 <= count {
            s0 = madd(s0, load8(x + i), load8(y + i))
            i &+= 8
        }
        var total = sumInDouble((s0 + s1) + (s2 + s3))
        while i < count {
            total += Double(x[i]) * Double(y[i])
            i &+= 1
        }
        return Float(total)
    }

    /// Dot product `Σ_{i<count} x[i] · y[i]` with every product accumulated in Double.
    public static func dotDouble(count: Int, x: UnsafePointer<Float>, y: UnsafePointer<Float>) -> Double {
        var s0 = SIMD4<Double>(), s1 = SIMD4<Double>()
        var i = 0
        while i &+ 8 <= count {
            let a = load8(x + i), b = load8(y + i)
            s0 += SIMD4<Double>(a.lowHalf) * SIMD4<Double>(b.lowHalf)
            s1 += SIMD4<Double>(a.highHalf) * SIMD4<Double>(b.highHalf)
            i &+= 8
        }
        var total = (s0 + s1).sum()
        while i < count {
            total += Double(x[i]) * Double(y[i])
            i &+= 1
        }
        return total
    }

    /// Sum `Σ_{i<count} x[i]`, accumulated in Double.
    public static func sum(count: Int, x: UnsafePointer<Float>) -> Double {
        var s0 = SIMD4<Double>(), s1 = SIMD4<Double>()
        var i = 0
        while i &+ 8 <= count {
            let a = load8(x + i)
            s0 += SIMD4<Double>(a.lowHalf)
            s1 += SIMD4<Double>(a.highHalf)
            i &+= 8
        }
        var total = (s0 + s1).sum()
        while i < count {
            total += Double(x[i])
            i &+= 1
        }
        return total
    }

    /// Sum of squares `Σ_{i<count} x[i]²`, accumulated in Double (squares exact in Double).
    /// Non-finite inputs propagate (inf or NaN).
    public static func sumOfSquares(count: Int, x: UnsafePointer<Float>) -> Double {
        var s0 = SIMD4<Double>(), s1 = SIMD4<Double>()
        var i = 0
        while i &+ 8 <= count {
            let a = load8(x + i)
            let lo = SIMD4<Double>(a.lowHalf), hi = SIMD4<Double>(a.highHalf)
            s0 += lo * lo
            s1 += hi * hi
            i &+= 8
        }
        var total = (s0 + s1).sum()
        while i < count {
            let v = Double(x[i])
            total += v * v
            i &+= 1
        }
        return total
    }

    /// Per-column squared norms of a row-major `rows × columns` matrix X:
    /// `out[j] = Σ_{i<rows} X[i, j]²` for `j < columns`, with `X[i, j] = x[i·ldx + j]`,
    /// accumulated in Double. (For a d×B batch: the squared norm of every input.)
    public static func columnSquaredNorms(rows: Int, columns: Int, x: UnsafePointer<Float>, ldx: Int,
                                          into out: UnsafeMutablePointer<Double>) {
        precondition(rows >= 0 && columns >= 0 && ldx >= columns)
        out.update(repeating: 0, count: columns)
        for i in 0..<rows {
            let row = x + i * ldx
            var j = 0
            while j &+ 8 <= columns {
                let a = load8(row + j)
                let lo = SIMD4<Double>(a.lowHalf), hi = SIMD4<Double>(a.highHalf)
                let o = UnsafeMutableRawPointer(out + j)
                let olo = o.loadUnaligned(as: SIMD4<Double>.self)
                let ohi = o.loadUnaligned(fromByteOffset: 32, as: SIMD4<Double>.self)
                o.storeBytes(of: olo + lo * lo, as: SIMD4<Double>.self)
                o.storeBytes(of: ohi + hi * hi, toByteOffset: 32, as: SIMD4<Double>.self)
                j &+= 8
            }
            while j < columns {
                let v = Double(row[j])
                out[j] += v * v
                j &+= 1
            }
        }
    }

    /// Per-column squared norms of a row-major matrix, returned as an array:
    /// `result[j] = Σ_i M[i, j]²` (Double accumulation).
    public static func columnSquaredNorms(_ m: Matrix) -> [Double] {
        var out = [Double](repeating: 0, count: m.columns)
        if m.rows == 0 || m.columns == 0 { return out }
        m.elements.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { o in
                columnSquaredNorms(rows: m.rows, columns: m.columns, x: x.baseAddress!, ldx: m.columns,
                                   into: o.baseAddress!)
            }
        }
        return out
    }

    @inline(__always)
    static func sumInDouble(_ v: SIMD8<Float>) -> Double {
        (SIMD4<Double>(v.lowHalf) + SIMD4<Double>(v.highHalf)).sum()
    }
}
