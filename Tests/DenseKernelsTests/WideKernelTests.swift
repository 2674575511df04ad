import XCTest
@testable import DenseKernels

/// The AVX-512 6×32 kernel gives the AVX2 kernels' numbers bit for bit.
final class WideKernelTests: XCTestCase {
    /// `GEMM.blocked` with and without the wide kernel on the shapes that take it and around
    /// them: B in place (A read in place for n ≤ 64, packed above) and B transposed (packed 32
    /// wide, with and without σ applied while packing: the weight gradients s·σ(h)ᵀ), training's
    /// 30×30·30×64 and 30×64·64×30, row panels of fewer than 6 rows, column remainders, several
    /// K blocks, accumulation, padded leading dimensions. C must be the same bits, its padding
    /// untouched, and the product right (one entry against a Double sum).
    func testWideKernelMatchesTheAVX2KernelsBitForBit() throws {
        try XCTSkipUnless(WideKernels.cpuSupports, "this CPU has no AVX-512: only the AVX2 kernels run here")
        let shapes: [(m: Int, n: Int, k: Int)] = [(30, 64, 30), (30, 30, 64), (40, 64, 40), (40, 40, 64), (30, 48, 30),
                                                   (7, 33, 5), (100, 64, 300), (6, 32, 1), (13, 63, 257), (30, 40, 30),
                                                   (12, 25, 17), (31, 57, 9), (5, 26, 100),
                                                   // A packed (n > 64): figure 7's and the evaluation's shapes
                                                   (40, 700, 40), (30, 250, 30), (100, 96, 100), (10, 130, 300)]
        var rng = TestRandom(seed: 12)
        for (m, n, k) in shapes {
            for transA in [false, true] {
                for (transB, slope) in [(false, nil), (true, nil), (true, Float(0)), (true, Float(0.1))] as [(Bool, Float?)] {
                    for accumulate in [false, true] {
                        let lda = (transA ? m : k) + 3, ldb = (transB ? k : n) + 5, ldc = n + 2
                        let a = (0..<((transA ? k : m) * lda)).map { _ in rng.float() }
                        let b = (0..<((transB ? n : k) * ldb)).map { _ in rng.float() }
                        let c0 = (0..<(m * ldc)).map { _ in rng.float() }
                        func product(wide: Bool) -> [Float] {
                            var c = c0
                            a.withUnsafeBufferPointer { ap in
                                b.withUnsafeBufferPointer { bp in
                                    c.withUnsafeMutableBufferPointer { cp in
                                        GEMM.blocked(transA: transA, transB: transB, m: m, n: n, k: k, a: ap.baseAddress!, lda: lda,
                                                     b: bp.baseAddress!, ldb: ldb, c: cp.baseAddress!, ldc: ldc,
                                                     accumulate: accumulate, rectifyB: slope, wide: wide)
                                    }
                                }
                            }
                            return c
                        }
                        let wide = product(wide: true), narrow = product(wide: false)
                        let what = "m \(m) n \(n) k \(k) transA \(transA) transB \(transB) slope \(String(describing: slope)) accumulate \(accumulate)"
                        XCTAssertEqual(wide.map(\.bitPattern), narrow.map(\.bitPattern), what)
                        for i in 0..<m { for j in n..<ldc { XCTAssertEqual(wide[i * ldc + j].bitPattern, c0[i * ldc + j].bitPattern, what) } }
                        // C[m-1, n-1] against a Double sum.
                        var s = accumulate ? Double(c0[(m - 1) * ldc + n - 1]) : 0
                        for p in 0..<k {
                            let x = Double(transA ? a[p * lda + m - 1] : a[(m - 1) * lda + p])
                            var y = Double(transB ? b[(n - 1) * ldb + p] : b[p * ldb + n - 1])
                            if let slope, y <= 0 { y *= Double(slope) }
                            s += x * y
                        }
                        XCTAssertEqual(Double(wide[(m - 1) * ldc + n - 1]), s, accuracy: 1e-5 * Double(k + 1), what)
                    }
                }
            }
        }
    }
}
