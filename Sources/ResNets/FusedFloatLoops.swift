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
        let zero = SIMD8<Float>(repeating: 0), s = SIMD8<Float>(repeating: slope)
        sweep(rows: rows, columns: columns, state: { i -> Float in hasBias ? bias[i] : 0 }, vector: { bi, o, j in
            var zv = load(z + o + j)
            if hasBias { zv += SIMD8<Float>(repeating: bi) }
            let r = multiplyAdd(load(h + o + j), load(alpha + j), zv)
            store(r, out + o + j)
            if activates { store(r.replacing(with: r * s, where: r .<= zero), activated + o + j) }
        }, scalar: { bi, o, j in
            var zj = z[o + j]
            if hasBias { zj += bi }
            let r = h[o + j] + alpha[j] * zj
            out[o + j] = r
            if activates { activated[o + j] = r > 0 ? r : slope * r }
        })
    }

    /// p[i, j] += σ'(x[i, j])·t[i, j] (σ' = 1 for x > 0, else `slope`) and, when `scaled` is
    /// given, scaled[i, j] = α[j]·p[i, j] (the new p) and, when `rowSums` is given too,
    /// rowSums[i] = Σ_j scaled[i, j] (summed as `FloatLoops.sumRows` does).
    @inlinable
    static func derivativeAccumulate(at x: UnsafePointer<Float>, _ t: UnsafePointer<Float>, into p: UnsafeMutablePointer<Float>,
                                     slope: Float, alpha: UnsafePointer<Float>, scaled: UnsafeMutablePointer<Float>?,
                                     rowSums: UnsafeMutablePointer<Float>?, rows: Int, columns: Int) {
        let zero = SIMD8<Float>(repeating: 0), s = SIMD8<Float>(repeating: slope)
        summingSweep(rows: rows, columns: columns, vector: { o, j in
            let xv = load(x + o + j), tv = load(t + o + j)
            let np = tv.replacing(with: tv * s, where: xv .<= zero) + load(p + o + j)
            store(np, p + o + j)
            guard let scaled else { return zero }
            let sv = np * load(alpha + j)
            store(sv, scaled + o + j)
            return sv
        }, scalar: { o, j in
            let np = (x[o + j] > 0 ? t[o + j] : slope * t[o + j]) + p[o + j]
            p[o + j] = np
            guard let scaled else { return 0 }
            let sv = alpha[j] * np
            scaled[o + j] = sv
            return sv
        }, rowEnd: { i, total in
            if let rowSums { rowSums[i] = total }
        })
    }

    /// t[i, j] *= σ'(x[i, j]) (σ' = 1 for x > 0, else `slope`) and, when `rowSums` is given,
    /// rowSums[i] = Σ_j t[i, j] after the product (as `FloatLoops.sumRows`).
    @inlinable
    static func multiplyByDerivative(at x: UnsafePointer<Float>, _ t: UnsafeMutablePointer<Float>, slope: Float,
                                     rowSums: UnsafeMutablePointer<Float>?, rows: Int, columns: Int) {
        let zero = SIMD8<Float>(repeating: 0), s = SIMD8<Float>(repeating: slope)
        summingSweep(rows: rows, columns: columns, vector: { o, j in
            let xv = load(x + o + j), tv = load(t + o + j)
            let d = tv.replacing(with: tv * s, where: xv .<= zero)
            store(d, t + o + j)
            return d
        }, scalar: { o, j in
            let d = x[o + j] > 0 ? t[o + j] : slope * t[o + j]
            t[o + j] = d
            return d
        }, rowEnd: { i, total in
            if let rowSums { rowSums[i] = total }
        })
    }

    /// p[i, j] += b[i] and out[i, j] = σ(p[i, j]) with σ(x) = x > 0 ? x : slope·x.
    @inlinable
    static func biasRectify(_ p: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>?, _ out: UnsafeMutablePointer<Float>,
                            slope: Float, rows: Int, columns: Int) {
        let zero = SIMD8<Float>(repeating: 0), s = SIMD8<Float>(repeating: slope)
        sweep(rows: rows, columns: columns, state: { i -> Float in bias?[i] ?? 0 }, vector: { bi, o, j in
            var xv = load(p + o + j)
            if bias != nil {
                xv += SIMD8<Float>(repeating: bi)
                store(xv, p + o + j)
            }
            store(xv.replacing(with: xv * s, where: xv .<= zero), out + o + j)
        }, scalar: { bi, o, j in
            var x = p[o + j]
            if bias != nil { x += bi; p[o + j] = x }
            out[o + j] = x > 0 ? x : slope * x
        })
    }
}

extension FloatLoops {
    /// p[i, j] += t[i, j]·f[i, j] with f = α[j] for x[i, j] > 0, else slope·α[j] (the chain
    /// rule through σ fused with the column scaling α, as `rectifiedDerivative`, then the add).
    @inlinable
    static func scaledDerivativeAccumulate(at x: UnsafePointer<Float>, _ t: UnsafePointer<Float>,
                                           into p: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>,
                                           slope: Float, rows: Int, columns: Int) {
        let zero = SIMD8<Float>(repeating: 0), s = SIMD8<Float>(repeating: slope)
        sweep(rows: rows, columns: columns, vector: { o, j in
            let xv = load(x + o + j), av = load(a + j)
            let factor = av.replacing(with: av * s, where: xv .<= zero)
            store(load(t + o + j) * factor + load(p + o + j), p + o + j)
        }, scalar: { o, j in
            p[o + j] = t[o + j] * (x[o + j] > 0 ? a[j] : slope * a[j]) + p[o + j]
        })
    }
}
