// Vectorized elementary functions used by the samplers: natural logarithm on (0, 1] and
// sine/cosine of a reduced angle, for SIMD8<Float> and SIMD4<Double>. Polynomials are the
// (truncated, not minimax) series in the reduced argument, with enough terms that the
// truncation error is below the working precision.

/// a·b + c, fused when the build targets FMA hardware (`RESNET_FMA`), plain otherwise
/// (on a baseline x86-64 build `.addingProduct` on SIMD would become a libm call per lane).
@inline(__always)
func mulAdd(_ a: SIMD8<Float>, _ b: SIMD8<Float>, _ c: SIMD8<Float>) -> SIMD8<Float> {
    #if RESNET_FMA
    return c.addingProduct(a, b)
    #else
    return a * b + c
    #endif
}

@inline(__always)
func mulAdd(_ a: SIMD4<Double>, _ b: SIMD4<Double>, _ c: SIMD4<Double>) -> SIMD4<Double> {
    #if RESNET_FMA
    return c.addingProduct(a, b)
    #else
    return a * b + c
    #endif
}

/// Lane-wise Int32 → Float (written per lane so that LLVM emits one `vcvtdq2ps`; the generic
/// SIMD conversion initializer is an out-of-line call).
@inline(__always)
func toFloat(_ x: SIMD8<Int32>) -> SIMD8<Float> {
    SIMD8(Float(x[0]), Float(x[1]), Float(x[2]), Float(x[3]), Float(x[4]), Float(x[5]), Float(x[6]), Float(x[7]))
}

@inline(__always)
func splat(_ x: Float) -> SIMD8<Float> { SIMD8(repeating: x) }

@inline(__always)
func splat(_ x: Double) -> SIMD4<Double> { SIMD4(repeating: x) }

// MARK: Float

/// Natural logarithm of positive normal Floats, relative error ≈ 1e-7.
/// x = 2ᵏ·m with m ∈ [√½, √2); ln m = 2 atanh(s) = 2(s + s³/3 + … + s¹¹/11), s = (m−1)/(m+1).
@inline(__always)
func simdLog(_ x: SIMD8<Float>) -> SIMD8<Float> {
    let bits = unsafeBitCast(x, to: SIMD8<UInt32>.self)
    let ix = bits &+ SIMD8(repeating: 0x3F80_0000 &- 0x3F35_04F3)
    let k = toFloat(unsafeBitCast(ix &>> 23, to: SIMD8<Int32>.self) &- 127)
    let m = unsafeBitCast((ix & 0x007F_FFFF) &+ 0x3F35_04F3, to: SIMD8<Float>.self)
    let f = m - 1
    let s = f / (f + 2)
    let z = s * s
    var p = splat(Float(1.0 / 11.0))
    p = mulAdd(p, z, splat(Float(1.0 / 9.0)))
    p = mulAdd(p, z, splat(Float(1.0 / 7.0)))
    p = mulAdd(p, z, splat(Float(1.0 / 5.0)))
    p = mulAdd(p, z, splat(Float(1.0 / 3.0)))
    let t = s + s
    let logm = mulAdd(t * z, p, t)
    return mulAdd(k, splat(0.693_145_751_953_125), mulAdd(k, splat(1.428_606_765_330_187e-6), logm))
}

/// sin x and cos x for |x| ≤ π/4 (Taylor series to x¹¹ / x¹², error < 2e-9 absolute).
@inline(__always)
func simdSinCosReduced(_ x: SIMD8<Float>) -> (sin: SIMD8<Float>, cos: SIMD8<Float>) {
    let x2 = x * x
    var s = splat(Float(1.0 / 362_880.0))
    s = mulAdd(s, x2, splat(Float(-1.0 / 5040.0)))
    s = mulAdd(s, x2, splat(Float(1.0 / 120.0)))
    s = mulAdd(s, x2, splat(Float(-1.0 / 6.0)))
    s = mulAdd(s, x2 * x, x)
    var c = splat(Float(-1.0 / 3_628_800.0))
    c = mulAdd(c, x2, splat(Float(1.0 / 40320.0)))
    c = mulAdd(c, x2, splat(Float(-1.0 / 720.0)))
    c = mulAdd(c, x2, splat(Float(1.0 / 24.0)))
    c = mulAdd(c, x2, splat(Float(-0.5)))
    c = mulAdd(c, x2, splat(Float(1)))
    return (s, c)
}

/// sin(2πt) and cos(2πt) for t = n·2⁻²⁴, n a 24-bit integer (one per lane).
/// Exact reduction in turns: n = q·2²² + r, |r| ≤ 2²¹, so 2πt = q·π/2 + 2π·r·2⁻²⁴.
@inline(__always)
func simdSinCosTurns(_ n: SIMD8<UInt32>) -> (sin: SIMD8<Float>, cos: SIMD8<Float>) {
    let q = (n &+ (1 << 21)) &>> 22
    let r = unsafeBitCast(n &- (q &<< 22), to: SIMD8<Int32>.self)
    let x = toFloat(r) * Float(2 * Double.pi * 0x1p-24)
    let (s, c) = simdSinCosReduced(x)
    let sb = unsafeBitCast(s, to: SIMD8<UInt32>.self)
    let cb = unsafeBitCast(c, to: SIMD8<UInt32>.self)
    let swap = SIMD8<UInt32>.zero &- (q & 1)
    let sinBits = ((cb & swap) | (sb & ~swap)) ^ ((q & 2) &<< 30)
    let cosBits = ((sb & swap) | (cb & ~swap)) ^ (((q &+ 1) & 2) &<< 30)
    return (unsafeBitCast(sinBits, to: SIMD8<Float>.self), unsafeBitCast(cosBits, to: SIMD8<Float>.self))
}

/// Square root of non-negative Floats without libm: three Newton steps on 1/√x from the
/// classic bit-level first guess, then one residual correction s + (y/2)(x − s²).
/// Inputs below 1e-30 (only exact zeros occur here) are treated as 1e-30.
/// (`Float.squareRoot()` on Linux keeps an errno branch that calls `sqrtf` lane by lane.)
@inline(__always)
func simdSquareRoot(_ x0: SIMD8<Float>) -> SIMD8<Float> {
    let x = x0.replacing(with: 1e-30, where: x0 .< 1e-30)
    let bits = unsafeBitCast(x, to: SIMD8<UInt32>.self)
    var y = unsafeBitCast(SIMD8<UInt32>(repeating: 0x5F37_5A86) &- (bits &>> 1), to: SIMD8<Float>.self)
    let hx = x * 0.5
    y = y * mulAdd(-hx * y, y, splat(1.5))
    y = y * mulAdd(-hx * y, y, splat(1.5))
    y = y * mulAdd(-hx * y, y, splat(1.5))
    let s = x * y
    return mulAdd(y * 0.5, mulAdd(-s, s, x), s)
}

// MARK: Double

/// 2⁵² as the bit pattern and value used for exact integer → Double conversions.
@inline(__always) var magic52Bits: SIMD4<UInt64> { SIMD4(repeating: 0x4330_0000_0000_0000) }

/// Exact conversion of integers below 2⁵² to Double (AVX2 has no 64-bit integer converts).
@inline(__always)
func exactDouble(_ n: SIMD4<UInt64>) -> SIMD4<Double> {
    unsafeBitCast(n | magic52Bits, to: SIMD4<Double>.self) - 0x1p52
}

/// Exact conversion of 53-bit integers to Double.
@inline(__always)
func exactDouble53(_ n: SIMD4<UInt64>) -> SIMD4<Double> {
    mulAdd(exactDouble(n &>> 32), splat(0x1p32), exactDouble(n & 0xFFFF_FFFF))
}

/// Natural logarithm of positive normal Doubles, relative error of a few ulp.
/// Same reduction as the Float version, series to s²¹/21.
@inline(__always)
func simdLog(_ x: SIMD4<Double>) -> SIMD4<Double> {
    let bits = unsafeBitCast(x, to: SIMD4<UInt64>.self)
    let ix = bits &+ SIMD4(repeating: 0x3FF0_0000_0000_0000 &- 0x3FE6_A09E_667F_3BCD)
    let k = exactDouble(ix &>> 52) - 1023
    let m = unsafeBitCast((ix & 0x000F_FFFF_FFFF_FFFF) &+ 0x3FE6_A09E_667F_3BCD, to: SIMD4<Double>.self)
    let f = m - 1
    let s = f / (f + 2)
    let z = s * s
    var p = splat(1.0 / 21.0)
    p = mulAdd(p, z, splat(1.0 / 19.0))
    p = mulAdd(p, z, splat(1.0 / 17.0))
    p = mulAdd(p, z, splat(1.0 / 15.0))
    p = mulAdd(p, z, splat(1.0 / 13.0))
    p = mulAdd(p, z, splat(1.0 / 11.0))
    p = mulAdd(p, z, splat(1.0 / 9.0))
    p = mulAdd(p, z, splat(1.0 / 7.0))
    p = mulAdd(p, z, splat(1.0 / 5.0))
    p = mulAdd(p, z, splat(1.0 / 3.0))
    let t = s + s
    let logm = mulAdd(t * z, p, t)
    return mulAdd(k, splat(6.931_471_803_691_238_164_90e-01), mulAdd(k, splat(1.908_214_929_270_587_700_02e-10), logm))
}

/// Square root of non-negative Doubles without libm (four Newton steps on 1/√x, then a
/// residual correction); inputs below 1e-300 are treated as 1e-300.
@inline(__always)
func simdSquareRoot(_ x0: SIMD4<Double>) -> SIMD4<Double> {
    let x = x0.replacing(with: 1e-300, where: x0 .< 1e-300)
    let bits = unsafeBitCast(x, to: SIMD4<UInt64>.self)
    var y = unsafeBitCast(SIMD4<UInt64>(repeating: 0x5FE6_EB50_C7B5_37A9) &- (bits &>> 1), to: SIMD4<Double>.self)
    let hx = x * 0.5
    y = y * mulAdd(-hx * y, y, splat(1.5))
    y = y * mulAdd(-hx * y, y, splat(1.5))
    y = y * mulAdd(-hx * y, y, splat(1.5))
    y = y * mulAdd(-hx * y, y, splat(1.5))
    let s = x * y
    return mulAdd(y * 0.5, mulAdd(-s, s, x), s)
}

/// sin x and cos x for |x| ≤ π/4 (Taylor series to x¹⁷ / x¹⁸, truncation < 1e-18).
@inline(__always)
func simdSinCosReduced(_ x: SIMD4<Double>) -> (sin: SIMD4<Double>, cos: SIMD4<Double>) {
    let x2 = x * x
    // sin: x − x³/3! + … + x¹⁷/17!
    var s = splat(1.0 / 355_687_428_096_000.0)
    s = mulAdd(s, x2, splat(-1.0 / 1_307_674_368_000.0))
    s = mulAdd(s, x2, splat(1.0 / 6_227_020_800.0))
    s = mulAdd(s, x2, splat(-1.0 / 39_916_800.0))
    s = mulAdd(s, x2, splat(1.0 / 362_880.0))
    s = mulAdd(s, x2, splat(-1.0 / 5040.0))
    s = mulAdd(s, x2, splat(1.0 / 120.0))
    s = mulAdd(s, x2, splat(-1.0 / 6.0))
    s = mulAdd(s, x2 * x, x)
    // cos: 1 − x²/2! + … − x¹⁸/18!
    var c = splat(-1.0 / 6_402_373_705_728_000.0)
    c = mulAdd(c, x2, splat(1.0 / 20_922_789_888_000.0))
    c = mulAdd(c, x2, splat(-1.0 / 87_178_291_200.0))
    c = mulAdd(c, x2, splat(1.0 / 479_001_600.0))
    c = mulAdd(c, x2, splat(-1.0 / 3_628_800.0))
    c = mulAdd(c, x2, splat(1.0 / 40320.0))
    c = mulAdd(c, x2, splat(-1.0 / 720.0))
    c = mulAdd(c, x2, splat(1.0 / 24.0))
    c = mulAdd(c, x2, splat(-0.5))
    c = mulAdd(c, x2, splat(1.0))
    return (s, c)
}

/// sin(2πt) and cos(2πt) for t = n·2⁻⁵³, n a 53-bit integer (one per lane); exact reduction
/// in turns as in the Float version (n = q·2⁵¹ + r, |r| ≤ 2⁵⁰).
@inline(__always)
func simdSinCosTurns(_ n: SIMD4<UInt64>) -> (sin: SIMD4<Double>, cos: SIMD4<Double>) {
    let q = (n &+ (1 << 50)) &>> 51
    let rShifted = n &+ (1 << 51) &- (q &<< 51)      // r + 2⁵¹ ∈ [2⁵⁰, 3·2⁵⁰)
    let r = exactDouble(rShifted) - 0x1p51
    let x = r * (2 * Double.pi * 0x1p-53)
    let (s, c) = simdSinCosReduced(x)
    let sb = unsafeBitCast(s, to: SIMD4<UInt64>.self)
    let cb = unsafeBitCast(c, to: SIMD4<UInt64>.self)
    let swap = SIMD4<UInt64>.zero &- (q & 1)
    let sinBits = ((cb & swap) | (sb & ~swap)) ^ ((q & 2) &<< 62)
    let cosBits = ((sb & swap) | (cb & ~swap)) ^ (((q &+ 1) & 2) &<< 62)
    return (unsafeBitCast(sinBits, to: SIMD4<Double>.self), unsafeBitCast(cosBits, to: SIMD4<Double>.self))
}
