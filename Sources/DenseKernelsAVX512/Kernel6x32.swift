// Compiled for x86-64-v4 (AVX-512): see Package.swift. Nothing here may run unless
// `resnet_cpu_has_x86_64_v4()` said yes; `DenseKernels` calls it only then.

#if RESNET_AVX512
/// GEMM micro-kernels in 16-lane AVX-512 registers.
public enum MicroKernels512 {
    @inline(__always)
    static func load16(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
    }

    @inline(__always)
    static func store16(_ v: SIMD16<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD16<Float>.self)
    }

    /// Register-blocked 6×32 tile, A read in place: `C[r, j] (+)= Σ_{p<kc} a[r·ars + p·aps] · b[p·ldb + j]`
    /// for `r < 6`, `j < 32` (`C[r, j] = c[r·ldc + j]`); with `addToC == false` C is overwritten.
    ///
    /// Exactly the operations of `DenseKernels`' 6×16 kernel on columns 0–15 and 16–31: every
    /// sum starts at 0, takes one fused multiply-add per p in increasing order, and is added to
    /// C at the end, so the two give the same bits.
    @inline(never)
    public static func kernel6x32s(_ kc: Int, _ a: UnsafePointer<Float>, _ ars: Int, _ aps: Int,
                                   _ b: UnsafePointer<Float>, _ ldb: Int,
                                   _ c: UnsafeMutablePointer<Float>, _ ldc: Int, _ addToC: Bool) {
        var c00 = SIMD16<Float>(), c01 = SIMD16<Float>()
        var c10 = SIMD16<Float>(), c11 = SIMD16<Float>()
        var c20 = SIMD16<Float>(), c21 = SIMD16<Float>()
        var c30 = SIMD16<Float>(), c31 = SIMD16<Float>()
        var c40 = SIMD16<Float>(), c41 = SIMD16<Float>()
        var c50 = SIMD16<Float>(), c51 = SIMD16<Float>()
        let o1 = ars, o2 = 2 &* ars, o3 = 3 &* ars, o4 = 4 &* ars, o5 = 5 &* ars
        var pa = a, pb = b
        for _ in 0..<kc {
            let b0 = load16(pb), b1 = load16(pb + 16)
            let a0 = SIMD16<Float>(repeating: pa[0])
            c00 = c00.addingProduct(a0, b0); c01 = c01.addingProduct(a0, b1)
            let a1 = SIMD16<Float>(repeating: pa[o1])
            c10 = c10.addingProduct(a1, b0); c11 = c11.addingProduct(a1, b1)
            let a2 = SIMD16<Float>(repeating: pa[o2])
            c20 = c20.addingProduct(a2, b0); c21 = c21.addingProduct(a2, b1)
            let a3 = SIMD16<Float>(repeating: pa[o3])
            c30 = c30.addingProduct(a3, b0); c31 = c31.addingProduct(a3, b1)
            let a4 = SIMD16<Float>(repeating: pa[o4])
            c40 = c40.addingProduct(a4, b0); c41 = c41.addingProduct(a4, b1)
            let a5 = SIMD16<Float>(repeating: pa[o5])
            c50 = c50.addingProduct(a5, b0); c51 = c51.addingProduct(a5, b1)
            pa += aps
            pb += ldb
        }
        if addToC {
            c00 += load16(c); c01 += load16(c + 16)
            c10 += load16(c + ldc); c11 += load16(c + ldc + 16)
            c20 += load16(c + 2 &* ldc); c21 += load16(c + 2 &* ldc + 16)
            c30 += load16(c + 3 &* ldc); c31 += load16(c + 3 &* ldc + 16)
            c40 += load16(c + 4 &* ldc); c41 += load16(c + 4 &* ldc + 16)
            c50 += load16(c + 5 &* ldc); c51 += load16(c + 5 &* ldc + 16)
        }
        store16(c00, c); store16(c01, c + 16)
        store16(c10, c + ldc); store16(c11, c + ldc + 16)
        store16(c20, c + 2 &* ldc); store16(c21, c + 2 &* ldc + 16)
        store16(c30, c + 3 &* ldc); store16(c31, c + 3 &* ldc + 16)
        store16(c40, c + 4 &* ldc); store16(c41, c + 4 &* ldc + 16)
        store16(c50, c + 5 &* ldc); store16(c51, c + 5 &* ldc + 16)
    }
}
#endif
