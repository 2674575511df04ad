// Compiled for x86-64-v4 (AVX-512): see Package.swift. Nothing here may run unless
// `resnet_cpu_has_x86_64_v4()` said yes; `Stochastic` calls it only then.

#if RESNET_AVX512
/// The uniform Float fill of `RandomStream` in 16-lane AVX-512 registers: the same words and
/// the same values, bit for bit, as its two sets of eight AVX2 lanes.
///
/// The stream's word `16t + 8s + l` is step t of lane l of set s (see `XoshiroLanes`), so one
/// 16-lane register holding set 0 in lanes 0–7 and set 1 in lanes 8–15 produces words
/// 16t ..< 16t + 16 in order with one step. The transform is the one of
/// `PrescaledUniformFloatTransform`: `min(fma(Float(w >> 8), scaledWidth, low), cap)`
/// (a fused multiply-add, as the FMA build of the portable path; NaN cannot occur).
public enum UniformFill512 {
    @inline(__always)
    static func rotl(_ x: SIMD16<UInt32>, _ k: UInt32) -> SIMD16<UInt32> {
        (x &<< k) | (x &>> (32 - k))
    }

    /// Lane-wise Int32 → Float (per lane, so that LLVM emits one `vcvtdq2ps`).
    @inline(__always)
    static func toFloat(_ x: SIMD16<Int32>) -> SIMD16<Float> {
        SIMD16(Float(x[0]), Float(x[1]), Float(x[2]), Float(x[3]), Float(x[4]), Float(x[5]), Float(x[6]), Float(x[7]),
               Float(x[8]), Float(x[9]), Float(x[10]), Float(x[11]), Float(x[12]), Float(x[13]), Float(x[14]), Float(x[15]))
    }

    // The loop below repeats `XoshiroLanes.step` at 16 lanes: this target cannot import
    // Stochastic (Stochastic imports it), and a generic step would not stay in registers.

    /// Writes `groups · 32` uniform Floats to `out` and advances the generator by as many words.
    ///
    /// `state` holds the eight SIMD8 state vectors of `XoshiroLanes` in the order
    /// a0, a1, a2, a3 (set 0), b0, b1, b2, b3 (set 1); they are updated in place.
    @inline(never)
    public static func fill(state: UnsafeMutablePointer<SIMD8<UInt32>>, _ out: UnsafeMutablePointer<Float>, groups: Int,
                            scaledWidth: Float, low: Float, cap: Float) {
        var s0 = SIMD16(lowHalf: state[0], highHalf: state[4])
        var s1 = SIMD16(lowHalf: state[1], highHalf: state[5])
        var s2 = SIMD16(lowHalf: state[2], highHalf: state[6])
        var s3 = SIMD16(lowHalf: state[3], highHalf: state[7])
        let width = SIMD16<Float>(repeating: scaledWidth), lowV = SIMD16<Float>(repeating: low)
        let capV = SIMD16<Float>(repeating: cap)
        let raw = UnsafeMutableRawPointer(out)
        for i in 0..<(2 * groups) {
            let word = rotl(s0 &+ s3, 7) &+ s0
            let t = s1 &<< 9
            s2 ^= s0
            s3 ^= s1
            s1 ^= s2
            s0 ^= s3
            s2 ^= t
            s3 = rotl(s3, 11)
            var v = lowV.addingProduct(toFloat(unsafeBitCast(word &>> 8, to: SIMD16<Int32>.self)), width)
            v.replace(with: capV, where: v .> capV)
            raw.storeBytes(of: v, toByteOffset: 64 * i, as: SIMD16<Float>.self)
        }
        state[0] = s0.lowHalf; state[4] = s0.highHalf
        state[1] = s1.lowHalf; state[5] = s1.highHalf
        state[2] = s2.lowHalf; state[6] = s2.highHalf
        state[3] = s3.lowHalf; state[7] = s3.highHalf
    }
}
#endif
