import XCTest
@testable import DenseKernels

/// The AVX-512 6×32 kernel gives the AVX2 kernels' numbers bit for bit.
final class WideKernelTests: XCTestCase {
    /// `GEMM.blocked` with and without the wide kernel on the shapes that take it (B not
    /// transposed; A read in place for n ≤ 64, packed above) and around them: training's 30×30·30×64 both ways, row
    /// panels of fewer than 6 rows, a column remainder, several K blocks, accumulation,
    /// padded leading dimensions. C must be the same bits, its padding untouched.
    func testWideKernelMatchesTheAVX2KernelsBitForBit() throws {
        try XCTSkipUnless(WideKernels.cpuSupports, "this CPU has no AVX-512: only the AVX2 kernels run here")
        let shapes: [(m: Int, n: Int, k: Int)] = [(30, 64, 30), (40, 64, 40), (30, 48, 30), (7, 33, 5), (100, 64, 300),
                                                   (6, 32, 1), (13, 63, 257), (30, 40, 30),
                                                   // A packed (n > 64): figure 7's and the evaluation's shapes
                                                   (40, 700, 40), (30, 250, 30), (100, 96, 100), (10, 130, 300)]
        var rng = TestRandom(seed: 12)
        for (m, n, k) in shapes {
            for transA in [false, true] {
                for accumulate in [false, true] {
                    let lda = (transA ? m : k) + 3, ldb = n + 5, ldc = n + 2
                    let a = (0..<((transA ? k : m) * lda)).map { _ in rng.float() }
                    let b = (0..<(k * ldb)).map { _ in rng.float() }
                    let c0 = (0..<(m * ldc)).map { _ in rng.float() }
                    func product(wide: Bool) -> [Float] {
                        var c = c0
                        a.withUnsafeBufferPointer { ap in
                            b.withUnsafeBufferPointer { bp in
                                c.withUnsafeMutableBufferPointer { cp in
                                    GEMM.blocked(transA: transA, transB: false, m: m, n: n, k: k, a: ap.baseAddress!, lda: lda,
                                                 b: bp.baseAddress!, ldb: ldb, c: cp.baseAddress!, ldc: ldc,
                                                 accumulate: accumulate, wide: wide)
                                }
                            }
                        }
                        return c
                    }
                    let wide = product(wide: true), narrow = product(wide: false)
                    XCTAssertEqual(wide.map(\.bitPattern), narrow.map(\.bitPattern),
                                   "m \(m) n \(n) k \(k) transA \(transA) accumulate \(accumulate)")
                    for i in 0..<m { for j in n..<ldc { XCTAssertEqual(wide[i * ldc + j].bitPattern, c0[i * ldc + j].bitPattern) } }
                    if !accumulate {
                        // And it is a product: one entry against a Double sum.
                        var s = 0.0
                        for p in 0..<k { s += Double(transA ? a[p * lda] : a[p]) * Double(b[p * ldb]) }
                        XCTAssertEqual(Double(wide[0]), s, accuracy: 1e-5 * Double(k))
                    }
                }
            }
        }
    }
}
