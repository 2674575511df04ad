/// SIMD8 paths for the hottest elementwise passes of the Float engine (activations,
/// column scalings, sums). The generic loops
/// are correct for every type but the compiler does not vectorize their selects (possible
/// aliasing of the pointers); these do, and the generic code dispatches here for Float.
@usableFromInline
enum FloatLoops {
    /// g[i, j] = x[i, j] > 0 ? g[i, j]·a[j] : slope·g[i, j]·a[j]   (ReLU: slope 0)
    @inlinable
    static func rectifiedDerivative(_ x: UnsafePointer<Float>, _ g: UnsafeMutablePointer<Float>,
                                    _ a: UnsafePointer<Float>, slope: Float, rows: Int, columns: Int) {
        let vectorEnd = columns & ~7
        let zero = SIMD8<Float>(repeating: 0), s = SIMD8<Float>(repeating: slope)
        for i in 0..<rows {
            let xr = x + i * columns, gr = g + i * columns
            var j = 0
            while j < vectorEnd {
                let xv = UnsafeRawPointer(xr + j).loadUnaligned(as: SIMD8<Float>.self)
                let gv = UnsafeRawPointer(gr + j).loadUnaligned(as: SIMD8<Float>.self)
                let av = UnsafeRawPointer(a + j).loadUnaligned(as: SIMD8<Float>.self)
                let factor = av.replacing(with: av * s, where: xv .<= zero)
                UnsafeMutableRawPointer(gr + j).storeBytes(of: gv * factor, as: SIMD8<Float>.self)
                j += 8
            }
            while j < columns {
                gr[j] *= xr[j] > 0 ? a[j] : slope * a[j]
                j += 1
            }
        }
    }

    /// out[i] = x[i] > 0 ? x[i] : slope·x[i]   (ReLU: slope 0)
    @inlinable
    static func rectify(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, slope: Float, count: Int) {
        let vectorEnd = count & ~7
        let zero = SIMD8<Float>(repeating: 0), s = SIMD8<Float>(repeating: slope)
        var i = 0
        while i < vectorEnd {
            let xv = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(out + i).storeBytes(of: xv.replacing(with: xv * s, where: xv .<= zero), as: SIMD8<Float>.self)
            i += 8
        }
        while i < count {
            out[i] = x[i] > 0 ? x[i] : slope * x[i]
            i += 1
        }
    }

    /// out[i, j] = h[i, j] + α[j]·z[i, j]
    @inlinable
    static func scaledColumnAdd(_ h: UnsafePointer<Float>, _ alpha: UnsafePointer<Float>, _ z: UnsafePointer<Float>,
                                _ out: UnsafeMutablePointer<Float>, rows: Int, columns: Int) {
        let vectorEnd = columns & ~7
        for i in 0..<rows {
            let o = i * columns
            var j = 0
            while j < vectorEnd {
                let hv = UnsafeRawPointer(h + o + j).loadUnaligned(as: SIMD8<Float>.self)
                let zv = UnsafeRawPointer(z + o + j).loadUnaligned(as: SIMD8<Float>.self)
                let av = UnsafeRawPointer(alpha + j).loadUnaligned(as: SIMD8<Float>.self)
                #if RESNET_FMA
                let r = hv.addingProduct(av, zv)
                #else
                let r = hv + av * zv
                #endif
                UnsafeMutableRawPointer(out + o + j).storeBytes(of: r, as: SIMD8<Float>.self)
                j += 8
            }
            while j < columns {
                out[o + j] = h[o + j] + alpha[j] * z[o + j]
                j += 1
            }
        }
    }

    /// out[i, j] = α[j]·p[i, j]
    @inlinable
    static func scaleColumns(_ p: UnsafePointer<Float>, _ alpha: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
                             rows: Int, columns: Int) {
        let vectorEnd = columns & ~7
        for i in 0..<rows {
            let o = i * columns
            var j = 0
            while j < vectorEnd {
                let pv = UnsafeRawPointer(p + o + j).loadUnaligned(as: SIMD8<Float>.self)
                let av = UnsafeRawPointer(alpha + j).loadUnaligned(as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(out + o + j).storeBytes(of: pv * av, as: SIMD8<Float>.self)
                j += 8
            }
            while j < columns {
                out[o + j] = alpha[j] * p[o + j]
                j += 1
            }
        }
    }

    /// y[i] += x[i]
    @inlinable
    static func add(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        let vectorEnd = count & ~7
        var i = 0
        while i < vectorEnd {
            let xv = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
            let yv = UnsafeRawPointer(y + i).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(y + i).storeBytes(of: xv + yv, as: SIMD8<Float>.self)
            i += 8
        }
        while i < count {
            y[i] += x[i]
            i += 1
        }
    }

    /// out[i] = Σ_j x[i, j]
    @inlinable
    static func sumRows(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, rows: Int, columns: Int) {
        let vectorEnd = columns & ~7
        for i in 0..<rows {
            let row = x + i * columns
            var acc = SIMD8<Float>(repeating: 0)
            var j = 0
            while j < vectorEnd {
                acc += UnsafeRawPointer(row + j).loadUnaligned(as: SIMD8<Float>.self)
                j += 8
            }
            var total = acc.sum()
            while j < columns {
                total += row[j]
                j += 1
            }
            out[i] = total
        }
    }
}
