import CPUFeatures
#if RESNET_FMA && arch(x86_64)
import StochasticAVX512
#endif

/// Whether the AVX-512 fill of `StochasticAVX512` may run here (asked once; `RESNET_DISABLE_AVX512` in the environment says no).
enum WideFill {
    static let isAvailable: Bool = resnet_avx512_enabled() != 0
    /// Whether the CPU could run them (whatever the environment says): for the tests.
    static let cpuSupports: Bool = resnet_cpu_has_x86_64_v4() != 0
}

#if RESNET_FMA && arch(x86_64)
extension RandomStream {
    /// `fill(transform, out, count:)` with the whole 32-word groups drawn by the AVX-512 kernel:
    /// the same values (same words, same fused multiply-add and clamp), about twice as fast.
    /// A partial group before and after goes through the portable loop.
    mutating func fillWide(_ transform: PrescaledUniformFloatTransform, _ out: UnsafeMutablePointer<Float>, count: Int) {
        var done = 0
        if position & 31 != 0 {
            done = min(count, 32 - Int(position & 31))
            fill(transform, out, count: done)
        }
        let groups = (count - done) / 32
        if groups > 0 {
            withUnsafeTemporaryAllocation(of: SIMD8<UInt32>.self, capacity: 8) { state in
                let s = state.baseAddress!
                s[0] = lanes.a0; s[1] = lanes.a1; s[2] = lanes.a2; s[3] = lanes.a3
                s[4] = lanes.b0; s[5] = lanes.b1; s[6] = lanes.b2; s[7] = lanes.b3
                UniformFill512.fill(state: s, out + done, groups: groups, scaledWidth: transform.scaledWidth[0],
                                    low: transform.low[0], cap: transform.cap[0])
                lanes.a0 = s[0]; lanes.a1 = s[1]; lanes.a2 = s[2]; lanes.a3 = s[3]
                lanes.b0 = s[4]; lanes.b1 = s[5]; lanes.b2 = s[6]; lanes.b3 = s[7]
            }
            position &+= UInt64(groups) &* 32
            done += groups * 32
        }
        if done < count { fill(transform, out + done, count: count - done) }
    }

    /// The portable fill of uniform Floats (the AVX2 loop), whatever the CPU: for tests that
    /// compare the two paths.
    mutating func fillUniformPortable(_ buffer: UnsafeMutableBufferPointer<Float>, low: Float, high: Float) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        if let prescaled = PrescaledUniformFloatTransform(low: low, high: high) {
            fill(prescaled, base, count: buffer.count)
        } else {
            fill(UniformFloatTransform(low: low, high: high), base, count: buffer.count)
        }
    }
}
#endif
