/// SIMD8 Float bodies of the fused elementwise passes of `FusedPasses.swift`: each does in
/// one sweep over a d × batch matrix what the unfused code did in two to four, with the same
/// operations in the same order per element (bit-identical results).
extension FloatLoops {
    /// out[i, j] = h[i, j] + α[j]·(z[i, j] + b[i]) (b = 0 when nil) and, when `activated` is
    /// given, activated[i, j] = σ(out[i, j]) with σ(x) = x > 0 ? x : slope·x.
    @inlinable
    static func residualStep(_ h: UnsafePointer<Float>, _ alpha: UnsafePointer<Float>, _ z: UnsafePointer<Float>,
                             bias: UnsafePointer<Float>?, _ out: UnsafeMutablePointer<Float>,
                             activated: UnsafeMutablePointer<Float>?, slope: Float, rows: Int, columns: Int) {
        // One loop per case, each with its flags constant (the branches leave the loop body).
        switch (bias, activated) {
        case let (b?, u?): residualLoop(h, alpha, z, b, true, out, u, true, slope, rows, columns)
        case let (b?, nil): residualLoop(h, alpha, z, b, true, out, out, false, slope, rows, columns)
        case let (nil, u?): residualLoop(h, alpha, z, alpha, false, out, u, true, slope, rows, columns)
        case (nil, nil): residualLoop(h, alpha, z, alpha, false, out, out, false, slope, rows, columns)
        }
    }

    @inline(__always) @usableFromInline
    static func residualLoop(_ h: UnsafePointer<Float>, _ alpha: UnsafePointer<Float>, _ z: UnsafePointer<Float>,
                             _ bias: UnsafePointer<Float>, _ hasBias: Bool, _ out: UnsafeMutablePointer<Float>,
                             _ activated: UnsafeMutablePointer<Float>, _ activates: Bool, _ slope: Float,
                             _ rows: Int, _ columns: Int) {
        let vectorEnd = columns & ~7
        let zero = SIMD8<Float>(repeating: 0), s = SIMD8<Float>(repeating: slope)
        for i in 0..<rows {
            let o = i * columns
            let bi: Float = hasBias ? bias[i] : 0
            let bv = SIMD8<Float>(repeating: bi)
            var j = 0
            while j < vectorEnd {
                let hv = UnsafeRawPointer(h + o + j).loadUnaligned(as: SIMD8<Float>.self)
                var zv = UnsafeRawPointer(z + o + j).loadUnaligned(as: SIMD8<Float>.self)
                if hasBias { zv += bv }
                let av = UnsafeRawPointer(alpha + j).loadUnaligned(as: SIMD8<Float>.self)
                #if RESNET_FMA
                let r = hv.addingProduct(av, zv)
                #else
                let r = hv + av * zv
                #endif
                UnsafeMutableRawPointer(out + o + j).storeBytes(of: r, as: SIMD8<Float>.self)
                if activates {
                    UnsafeMutableRawPointer(activated + o + j).storeBytes(of: r.replacing(with: r * s, where: r .<= zero),
                                                                         as: SIMD8<Float>.self)
                }
                j += 8
            }
            while j < columns {
                var zj = z[o + j]
                if hasBias { zj += bi }
                let r = h[o + j] + alpha[j] * zj
                out[o + j] = r
                if activates { activated[o + j] = r > 0 ? r : slope * r }
                j += 1
            }
        }
    }

    /// p[i, j] += σ'(x[i, j])·t[i, j] (σ' = 1 for x > 0, else `slope`) and, when `scaled` is
    /// given, scaled[i, j] = α[j]·p[i, j] (the new p) and, when `rowSums` is given too,
    /// rowSums[i] = Σ_j scaled[i, j] (summed as `FloatLoops.sumRows` does).
    @inlinable
    static func derivativeAccumulate(at x: UnsafePointer<Float>, _ t: UnsafePointer<Float>, into p: UnsafeMutablePointer<Float>,
                                     slope: Float, alpha: UnsafePointer<Float>, scaled: UnsafeMutablePointer<Float>?,
                                     rowSums: UnsafeMutablePointer<Float>?, rows: Int, columns: Int) {
        let vectorEnd = columns & ~7
        let zero = SIMD8<Float>(repeating: 0), s = SIMD8<Float>(repeating: slope)
        for i in 0..<rows {
            let o = i * columns
            var acc = SIMD8<Float>(repeating: 0)
            var j = 0
            while j < vectorEnd {
                let xv = UnsafeRawPointer(x + o + j).loadUnaligned(as: SIMD8<Float>.self)
                let tv = UnsafeRawPointer(t + o + j).loadUnaligned(as: SIMD8<Float>.self)
                let pv = UnsafeRawPointer(p + o + j).loadUnaligned(as: SIMD8<Float>.self)
                let np = tv.replacing(with: tv * s, where: xv .<= zero) + pv
                UnsafeMutableRawPointer(p + o + j).storeBytes(of: np, as: SIMD8<Float>.self)
                if let scaled {
                    let av = UnsafeRawPointer(alpha + j).loadUnaligned(as: SIMD8<Float>.self)
                    let sv = np * av
                    UnsafeMutableRawPointer(scaled + o + j).storeBytes(of: sv, as: SIMD8<Float>.self)
                    acc += sv
                }
                j += 8
            }
            var total = acc.sum()
            while j < columns {
                let np = (x[o + j] > 0 ? t[o + j] : slope * t[o + j]) + p[o + j]
                p[o + j] = np
                if let scaled {
                    let sv = alpha[j] * np
                    scaled[o + j] = sv
                    total += sv
                }
                j += 1
            }
            if let rowSums { rowSums[i] = total }
        }
    }

    /// t[i, j] *= σ'(x[i, j]) (σ' = 1 for x > 0, else `slope`) and, when `rowSums` is given,
    /// rowSums[i] = Σ_j t[i, j] after the product (as `FloatLoops.sumRows`).
    @inlinable
    static func multiplyByDerivative(at x: UnsafePointer<Float>, _ t: UnsafeMutablePointer<Float>, slope: Float,
                                     rowSums: UnsafeMutablePointer<Float>?, rows: Int, columns: Int) {
        let vectorEnd = columns & ~7
        let zero = SIMD8<Float>(repeating: 0), s = SIMD8<Float>(repeating: slope)
        for i in 0..<rows {
            let o = i * columns
            var acc = SIMD8<Float>(repeating: 0)
            var j = 0
            while j < vectorEnd {
                let xv = UnsafeRawPointer(x + o + j).loadUnaligned(as: SIMD8<Float>.self)
                let tv = UnsafeRawPointer(t + o + j).loadUnaligned(as: SIMD8<Float>.self)
                let d = tv.replacing(with: tv * s, where: xv .<= zero)
                UnsafeMutableRawPointer(t + o + j).storeBytes(of: d, as: SIMD8<Float>.self)
                acc += d
                j += 8
            }
            var total = acc.sum()
            while j < columns {
                let d = x[o + j] > 0 ? t[o + j] : slope * t[o + j]
                t[o + j] = d
                total += d
                j += 1
            }
            if let rowSums { rowSums[i] = total }
        }
    }

    /// p[i, j] += b[i] and out[i, j] = σ(p[i, j]) with σ(x) = x > 0 ? x : slope·x.
    @inlinable
    static func biasRectify(_ p: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>?, _ out: UnsafeMutablePointer<Float>,
                            slope: Float, rows: Int, columns: Int) {
        let vectorEnd = columns & ~7
        let zero = SIMD8<Float>(repeating: 0), s = SIMD8<Float>(repeating: slope)
        for i in 0..<rows {
            let o = i * columns
            let bi: Float = bias?[i] ?? 0
            let bv = SIMD8<Float>(repeating: bi)
            var j = 0
            while j < vectorEnd {
                var xv = UnsafeRawPointer(p + o + j).loadUnaligned(as: SIMD8<Float>.self)
                if bias != nil {
                    xv += bv
                    UnsafeMutableRawPointer(p + o + j).storeBytes(of: xv, as: SIMD8<Float>.self)
                }
                UnsafeMutableRawPointer(out + o + j).storeBytes(of: xv.replacing(with: xv * s, where: xv .<= zero),
                                                               as: SIMD8<Float>.self)
                j += 8
            }
            while j < columns {
                var x = p[o + j]
                if bias != nil { x += bi; p[o + j] = x }
                out[o + j] = x > 0 ? x : slope * x
                j += 1
            }
        }
    }
}

extension FloatLoops {
    /// p[i, j] += t[i, j]·f[i, j] with f = α[j] for x[i, j] > 0, else slope·α[j] (the chain
    /// rule through σ fused with the column scaling α, as `rectifiedDerivative`, then the add).
    @inlinable
    static func scaledDerivativeAccumulate(at x: UnsafePointer<Float>, _ t: UnsafePointer<Float>,
                                           into p: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>,
                                           slope: Float, rows: Int, columns: Int) {
        let vectorEnd = columns & ~7
        let zero = SIMD8<Float>(repeating: 0), s = SIMD8<Float>(repeating: slope)
        for i in 0..<rows {
            let o = i * columns
            var j = 0
            while j < vectorEnd {
                let xv = UnsafeRawPointer(x + o + j).loadUnaligned(as: SIMD8<Float>.self)
                let tv = UnsafeRawPointer(t + o + j).loadUnaligned(as: SIMD8<Float>.self)
                let av = UnsafeRawPointer(a + j).loadUnaligned(as: SIMD8<Float>.self)
                let pv = UnsafeRawPointer(p + o + j).loadUnaligned(as: SIMD8<Float>.self)
                let factor = av.replacing(with: av * s, where: xv .<= zero)
                UnsafeMutableRawPointer(p + o + j).storeBytes(of: tv * factor + pv, as: SIMD8<Float>.self)
                j += 8
            }
            while j < columns {
                p[o + j] = t[o + j] * (x[o + j] > 0 ? a[j] : slope * a[j]) + p[o + j]
                j += 1
            }
        }
    }
}
