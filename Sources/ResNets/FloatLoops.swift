/// SIMD8 paths for the hottest elementwise passes of the Float engine (activations,
/// column scalings, sums). The generic loops
/// are correct for every type but the compiler does not vectorize their selects (possible
/// aliasing of the pointers); these do, and the generic code dispatches here for Float.
@usableFromInline
enum FloatLoops {
    /// The scaffold of every pass below: for each row i of a rows × columns row-major matrix
    /// (`state(i)` computed once per row, o = i·columns the row's offset), `vector(state, o, j)`
    /// on the SIMD8 chunks j = 0, 8, … below columns & ~7, then `scalar(state, o, j)` on each
    /// remaining column. Always inlined, so each pass compiles to the loop it spells out.
    @inline(always) @inlinable
    static func sweep<Row>(rows: Int, columns: Int, state: (_ i: Int) -> Row,
                           vector: (_ row: Row, _ o: Int, _ j: Int) -> Void,
                           scalar: (_ row: Row, _ o: Int, _ j: Int) -> Void) {
        let vectorEnd = columns & ~7
        for i in 0..<rows {
            let o = i * columns
            let row = state(i)
            var j = 0
            while j < vectorEnd {
                vector(row, o, j)
                j += 8
            }
            while j < columns {
                scalar(row, o, j)
                j += 1
            }
        }
    }

    /// `sweep` without per-row state.
    @inline(always) @inlinable
    static func sweep(rows: Int, columns: Int, vector: (_ o: Int, _ j: Int) -> Void, scalar: (_ o: Int, _ j: Int) -> Void) {
        sweep(rows: rows, columns: columns, state: { _ in () }, vector: { _, o, j in vector(o, j) },
              scalar: { _, o, j in scalar(o, j) })
    }

    /// `sweep` that also sums, per row, what `vector` and `scalar` return: lane-wise over the
    /// chunks, then the lanes (`SIMD8.sum()`), then the remaining columns one by one (the order
    /// of `sumRows`), and hands the row's total to `rowEnd(i, total)`.
    @inline(always) @inlinable
    static func summingSweep(rows: Int, columns: Int,
                             vector: (_ o: Int, _ j: Int) -> SIMD8<Float>, scalar: (_ o: Int, _ j: Int) -> Float,
                             rowEnd: (_ i: Int, _ total: Float) -> Void) {
        let vectorEnd = columns & ~7
        for i in 0..<rows {
            let o = i * columns
            var acc = SIMD8<Float>(repeating: 0)
            var j = 0
            while j < vectorEnd {
                acc += vector(o, j)
                j += 8
            }
            var total = acc.sum()
            while j < columns {
                total += scalar(o, j)
                j += 1
            }
            rowEnd(i, total)
        }
    }

    /// g[i, j] = x[i, j] > 0 ? g[i, j]·a[j] : slope·g[i, j]·a[j]   (ReLU: slope 0)
    @inlinable
    static func rectifiedDerivative(_ x: UnsafePointer<Float>, _ g: UnsafeMutablePointer<Float>,
                                    _ a: UnsafePointer<Float>, slope: Float, rows: Int, columns: Int) {
        let zero = SIMD8<Float>(repeating: 0), s = SIMD8<Float>(repeating: slope)
        sweep(rows: rows, columns: columns, vector: { o, j in
            let xv = load(x + o + j), gv = load(g + o + j), av = load(a + j)
            let factor = av.replacing(with: av * s, where: xv .<= zero)
            store(gv * factor, g + o + j)
        }, scalar: { o, j in
            g[o + j] *= x[o + j] > 0 ? a[j] : slope * a[j]
        })
    }

    /// out[i] = x[i] > 0 ? x[i] : slope·x[i]   (ReLU: slope 0)
    @inlinable
    static func rectify(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, slope: Float, count: Int) {
        let zero = SIMD8<Float>(repeating: 0), s = SIMD8<Float>(repeating: slope)
        sweep(rows: 1, columns: count, vector: { _, i in
            let xv = load(x + i)
            store(xv.replacing(with: xv * s, where: xv .<= zero), out + i)
        }, scalar: { _, i in
            out[i] = x[i] > 0 ? x[i] : slope * x[i]
        })
    }

    /// out[i, j] = h[i, j] + α[j]·z[i, j]
    @inlinable
    static func scaledColumnAdd(_ h: UnsafePointer<Float>, _ alpha: UnsafePointer<Float>, _ z: UnsafePointer<Float>,
                                _ out: UnsafeMutablePointer<Float>, rows: Int, columns: Int) {
        sweep(rows: rows, columns: columns, vector: { o, j in
            store(multiplyAdd(load(h + o + j), load(alpha + j), load(z + o + j)), out + o + j)
        }, scalar: { o, j in
            out[o + j] = h[o + j] + alpha[j] * z[o + j]
        })
    }

    /// out[i, j] = α[j]·p[i, j]
    @inlinable
    static func scaleColumns(_ p: UnsafePointer<Float>, _ alpha: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
                             rows: Int, columns: Int) {
        sweep(rows: rows, columns: columns, vector: { o, j in
            store(load(p + o + j) * load(alpha + j), out + o + j)
        }, scalar: { o, j in
            out[o + j] = alpha[j] * p[o + j]
        })
    }

    /// y[i] += x[i]
    @inlinable
    static func add(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        sweep(rows: 1, columns: count, vector: { _, i in
            store(load(x + i) + load(y + i), y + i)
        }, scalar: { _, i in
            y[i] += x[i]
        })
    }

    /// out[i] = Σ_j x[i, j]
    @inlinable
    static func sumRows(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, rows: Int, columns: Int) {
        summingSweep(rows: rows, columns: columns, vector: { o, j in load(x + o + j) }, scalar: { o, j in x[o + j] },
                     rowEnd: { i, total in out[i] = total })
    }

    /// The SIMD8 at `p` (any alignment).
    @inline(__always) @usableFromInline
    static func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always) @usableFromInline
    static func load(_ p: UnsafeMutablePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    /// Stores `v` at `p` (any alignment).
    @inline(__always) @usableFromInline
    static func store(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
    }

    /// h + a·z: one fused multiply-add per lane with RESNET_FMA (x86-64-v3), else a product
    /// and a sum (`.addingProduct` on a baseline build is a libm call per lane).
    @inline(__always) @usableFromInline
    static func multiplyAdd(_ h: SIMD8<Float>, _ a: SIMD8<Float>, _ z: SIMD8<Float>) -> SIMD8<Float> {
        #if RESNET_FMA
        return h.addingProduct(a, z)
        #else
        return h + a * z
        #endif
    }
}
