// Small always-inlined SIMD helpers shared by the kernels.

/// Unaligned load of 8 consecutive floats.
@inline(__always)
func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}

@inline(__always)
func load8(_ p: UnsafeMutablePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}

/// Unaligned store of 8 consecutive floats.
@inline(__always)
func store8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
}

/// `acc + a * b`, fused on builds with `RESNET_FMA` (AVX2/FMA code generation).
/// On a baseline build `.addingProduct` on SIMD types would become one libm `fmaf`
/// call per lane, so the plain multiply-add is used instead.
@inline(__always)
func madd(_ acc: SIMD8<Float>, _ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
    #if RESNET_FMA
    return acc.addingProduct(a, b)
    #else
    return acc + a * b
    #endif
}

/// Horizontal sums of eight vectors: lane `r` of the result is `v_r.sum()`
/// (a shuffle tree of three levels).
@inline(__always)
func reduce8(_ v0: SIMD8<Float>, _ v1: SIMD8<Float>, _ v2: SIMD8<Float>, _ v3: SIMD8<Float>,
             _ v4: SIMD8<Float>, _ v5: SIMD8<Float>, _ v6: SIMD8<Float>, _ v7: SIMD8<Float>) -> SIMD8<Float> {
    let u01 = SIMD8(lowHalf: v0.lowHalf + v0.highHalf, highHalf: v1.lowHalf + v1.highHalf)
    let u23 = SIMD8(lowHalf: v2.lowHalf + v2.highHalf, highHalf: v3.lowHalf + v3.highHalf)
    let u45 = SIMD8(lowHalf: v4.lowHalf + v4.highHalf, highHalf: v5.lowHalf + v5.highHalf)
    let u67 = SIMD8(lowHalf: v6.lowHalf + v6.highHalf, highHalf: v7.lowHalf + v7.highHalf)
    let w0 = SIMD8(lowHalf: u01.evenHalf + u01.oddHalf, highHalf: u23.evenHalf + u23.oddHalf)
    let w1 = SIMD8(lowHalf: u45.evenHalf + u45.oddHalf, highHalf: u67.evenHalf + u67.oddHalf)
    return SIMD8(lowHalf: w0.evenHalf + w0.oddHalf, highHalf: w1.evenHalf + w1.oddHalf)
}

/// Horizontal sum of one vector.
@inline(__always)
func hsum(_ v: SIMD8<Float>) -> Float {
    let h = v.lowHalf + v.highHalf
    let q = h.lowHalf + h.highHalf
    return q[0] + q[1]
}

/// Transposes the 8×8 block whose rows are `src + r * lds` (r = 0..<8) into
/// `dst + c * ldd` (c = 0..<8): `dst[c * ldd + r] = src[r * lds + c]`.
/// Three rounds of a perfect unshuffle of the 64 elements.
@inline(__always)
func transpose8x8(_ src: UnsafePointer<Float>, _ lds: Int, _ dst: UnsafeMutablePointer<Float>, _ ldd: Int) {
    var v0 = load8(src), v1 = load8(src + lds), v2 = load8(src + 2 &* lds), v3 = load8(src + 3 &* lds)
    var v4 = load8(src + 4 &* lds), v5 = load8(src + 5 &* lds), v6 = load8(src + 6 &* lds), v7 = load8(src + 7 &* lds)
    for _ in 0..<3 {
        let n0 = SIMD8(lowHalf: v0.evenHalf, highHalf: v1.evenHalf)
        let n1 = SIMD8(lowHalf: v2.evenHalf, highHalf: v3.evenHalf)
        let n2 = SIMD8(lowHalf: v4.evenHalf, highHalf: v5.evenHalf)
        let n3 = SIMD8(lowHalf: v6.evenHalf, highHalf: v7.evenHalf)
        let n4 = SIMD8(lowHalf: v0.oddHalf, highHalf: v1.oddHalf)
        let n5 = SIMD8(lowHalf: v2.oddHalf, highHalf: v3.oddHalf)
        let n6 = SIMD8(lowHalf: v4.oddHalf, highHalf: v5.oddHalf)
        let n7 = SIMD8(lowHalf: v6.oddHalf, highHalf: v7.oddHalf)
        v0 = n0; v1 = n1; v2 = n2; v3 = n3; v4 = n4; v5 = n5; v6 = n6; v7 = n7
    }
    store8(v0, dst); store8(v1, dst + ldd); store8(v2, dst + 2 &* ldd); store8(v3, dst + 3 &* ldd)
    store8(v4, dst + 4 &* ldd); store8(v5, dst + 5 &* ldd); store8(v6, dst + 6 &* ldd); store8(v7, dst + 7 &* ldd)
}
