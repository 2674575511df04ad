// Word → normal value transforms (vectorized Box–Muller) used by `RandomStream.fillNormal`.

/// Box–Muller in Float on a 16-word unit (a, b): u₁ = (a >> 1)·2⁻³¹ + 2⁻³² ∈ (0, 1],
/// θ = 2π·(b >> 8)·2⁻²⁴; writes mean + sd·r·cos θ (8 values) then mean + sd·r·sin θ (8 values).
struct NormalFloatTransform: WordTransform {
    static var wordsPerValue: Int { 1 }
    let mean: SIMD8<Float>
    let standardDeviation: SIMD8<Float>

    init(mean: Float, standardDeviation: Float) {
        self.mean = SIMD8(repeating: mean)
        self.standardDeviation = SIMD8(repeating: standardDeviation)
    }

    @inline(__always)
    func writeUnit(_ a: SIMD8<UInt32>, _ b: SIMD8<UInt32>, to out: UnsafeMutablePointer<Float>) {
        let u1 = mulAdd(toFloat(unsafeBitCast(a &>> 1, to: SIMD8<Int32>.self)), splat(0x1p-31), splat(0x1p-32))
        let r = simdSquareRoot(simdLog(u1) * -2) * standardDeviation
        let (s, c) = simdSinCosTurns(b &>> 8)
        let raw = UnsafeMutableRawPointer(out)
        raw.storeBytes(of: mulAdd(r, c, mean), as: SIMD8<Float>.self)
        raw.storeBytes(of: mulAdd(r, s, mean), toByteOffset: 32, as: SIMD8<Float>.self)
    }
}

/// Box–Muller in Double on a 16-word unit: the four 64-bit values of `a` give
/// u₁ = n·2⁻⁵³ + 2⁻⁵⁴ ∈ (0, 1] (n = top 53 bits), those of `b` give θ = 2π·n·2⁻⁵³; writes
/// mean + sd·r·cos θ (4 values) then mean + sd·r·sin θ (4 values).
struct NormalDoubleTransform: WordTransform {
    static var wordsPerValue: Int { 2 }
    let mean: SIMD4<Double>
    let standardDeviation: SIMD4<Double>

    init(mean: Double, standardDeviation: Double) {
        self.mean = SIMD4(repeating: mean)
        self.standardDeviation = SIMD4(repeating: standardDeviation)
    }

    @inline(__always)
    func writeUnit(_ a: SIMD8<UInt32>, _ b: SIMD8<UInt32>, to out: UnsafeMutablePointer<Double>) {
        let n1 = unsafeBitCast(a, to: SIMD4<UInt64>.self) &>> 11
        let u1 = mulAdd(exactDouble53(n1), splat(0x1p-53), splat(0x1p-54))
        let r = simdSquareRoot(simdLog(u1) * -2) * standardDeviation
        let (s, c) = simdSinCosTurns(unsafeBitCast(b, to: SIMD4<UInt64>.self) &>> 11)
        let raw = UnsafeMutableRawPointer(out)
        raw.storeBytes(of: mulAdd(r, c, mean), as: SIMD4<Double>.self)
        raw.storeBytes(of: mulAdd(r, s, mean), toByteOffset: 32, as: SIMD4<Double>.self)
    }
}
