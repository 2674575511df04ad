#if RESNET_AVX512
extension MicroKernels512 {
    /// 12 independent chains of 16-lane fused multiply-adds, `iterations` times (the FMA peak
    /// of a core with AVX-512: 12 · 32 floating-point operations per iteration).
    @inline(never)
    public static func fmaChains(iterations: Int, seed: Float) -> Float {
        let m = SIMD16<Float>(repeating: 0.999_999)
        let d = SIMD16<Float>(repeating: 1e-7 + seed * 1e-30)
        var v0 = d, v1 = d + 1, v2 = d + 2, v3 = d + 3, v4 = d + 4, v5 = d + 5
        var v6 = d + 6, v7 = d + 7, v8 = d + 8, v9 = d + 9, v10 = d + 10, v11 = d + 11
        for _ in 0..<iterations {
            v0 = d.addingProduct(v0, m); v1 = d.addingProduct(v1, m); v2 = d.addingProduct(v2, m)
            v3 = d.addingProduct(v3, m); v4 = d.addingProduct(v4, m); v5 = d.addingProduct(v5, m)
            v6 = d.addingProduct(v6, m); v7 = d.addingProduct(v7, m); v8 = d.addingProduct(v8, m)
            v9 = d.addingProduct(v9, m); v10 = d.addingProduct(v10, m); v11 = d.addingProduct(v11, m)
        }
        let s = ((v0 + v1) + (v2 + v3)) + ((v4 + v5) + (v6 + v7)) + ((v8 + v9) + (v10 + v11))
        return s.sum()
    }
}
#endif
