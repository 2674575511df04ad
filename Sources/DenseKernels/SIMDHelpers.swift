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

/// `[a.lowHalf + a.highHalf | b.lowHalf + b.highHalf]` (two `vperm2f128` and an add).
@inline(__always)
func halfSums(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
    SIMD8(lowHalf: a.lowHalf, highHalf: b.lowHalf) + SIMD8(lowHalf: a.highHalf, highHalf: b.highHalf)
}

/// Pairwise sums within 128-bit lanes (like `vhaddps`):
/// `[a0+a1, a2+a3, b0+b1, b2+b3, a4+a5, a6+a7, b4+b5, b6+b7]`, two in-lane shuffles and an add.
@inline(__always)
func pairSums(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
    let even = SIMD8(a[0], a[2], b[0], b[2], a[4], a[6], b[4], b[6])
    let odd = SIMD8(a[1], a[3], b[1], b[3], a[5], a[7], b[5], b[7])
    return even + odd
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
/// The classic three stages (interleave pairs, shuffle quads, swap 128-bit halves),
/// written as element shuffles that LLVM lowers to unpck/shufps/perm2f128.
@inline(__always)
func transpose8x8(_ src: UnsafePointer<Float>, _ lds: Int, _ dst: UnsafeMutablePointer<Float>, _ ldd: Int) {
    transpose8x8(load8(src), load8(src + lds), load8(src + 2 &* lds), load8(src + 3 &* lds),
                 load8(src + 4 &* lds), load8(src + 5 &* lds), load8(src + 6 &* lds), load8(src + 7 &* lds), dst, ldd)
}

/// Stores the transpose of the 8×8 block whose rows are `r0…r7`: `dst[c·ldd + r] = r_r[c]`.
@inline(__always)
func transpose8x8(_ r0: SIMD8<Float>, _ r1: SIMD8<Float>, _ r2: SIMD8<Float>, _ r3: SIMD8<Float>,
                  _ r4: SIMD8<Float>, _ r5: SIMD8<Float>, _ r6: SIMD8<Float>, _ r7: SIMD8<Float>,
                  _ dst: UnsafeMutablePointer<Float>, _ ldd: Int) {
    @inline(__always) func lo(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
        SIMD8(a[0], b[0], a[1], b[1], a[4], b[4], a[5], b[5])
    }
    @inline(__always) func hi(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
        SIMD8(a[2], b[2], a[3], b[3], a[6], b[6], a[7], b[7])
    }
    @inline(__always) func s44(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
        SIMD8(a[0], a[1], b[0], b[1], a[4], a[5], b[4], b[5])
    }
    @inline(__always) func sEE(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
        SIMD8(a[2], a[3], b[2], b[3], a[6], a[7], b[6], b[7])
    }
    let t0 = lo(r0, r1), t1 = hi(r0, r1), t2 = lo(r2, r3), t3 = hi(r2, r3)
    let t4 = lo(r4, r5), t5 = hi(r4, r5), t6 = lo(r6, r7), t7 = hi(r6, r7)
    let u0 = s44(t0, t2), u1 = sEE(t0, t2), u2 = s44(t1, t3), u3 = sEE(t1, t3)
    let u4 = s44(t4, t6), u5 = sEE(t4, t6), u6 = s44(t5, t7), u7 = sEE(t5, t7)
    // The 128-bit halves joined by element shuffles: `lowHalf`/`highHalf` were left as calls
    // to generic accessors in some callers (measured: 2 % of a training step).
    @inline(__always) func lows(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
        SIMD8(a[0], a[1], a[2], a[3], b[0], b[1], b[2], b[3])
    }
    @inline(__always) func highs(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
        SIMD8(a[4], a[5], a[6], a[7], b[4], b[5], b[6], b[7])
    }
    store8(lows(u0, u4), dst)
    store8(lows(u1, u5), dst + ldd)
    store8(lows(u2, u6), dst + 2 &* ldd)
    store8(lows(u3, u7), dst + 3 &* ldd)
    store8(highs(u0, u4), dst + 4 &* ldd)
    store8(highs(u1, u5), dst + 5 &* ldd)
    store8(highs(u2, u6), dst + 6 &* ldd)
    store8(highs(u3, u7), dst + 7 &* ldd)
}
