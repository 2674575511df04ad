import XCTest
@testable import DenseKernels

/// `multiplyTransposedBRectified` (σ applied while B is packed) gives bit for bit what
/// `multiplyTransposedB` gives on σ(B) materialized, on every path (blocked, dot-product form,
/// matrix–vector), and agrees with a Double reference.
final class RectifiedGEMMTests: XCTestCase {
    func testMatchesMaterializedRectification() {
        var rng = TestRandom(seed: 7)
        let shapes = GEMMTests.edgeShapes + [(30, 30, 64), (30, 30, 128), (40, 40, 700), (12, 30, 128), (6, 16, 8)]
        for (m, n, k) in shapes {
            for slope: Float in [0, 0.1] {
                for accumulate in [false, true] {
                    let lda = k + 2, ldb = k + 3, ldc = n + 1
                    let a = rng.floats(m * lda), b = rng.floats(n * ldb), c0 = rng.floats(m * ldc)
                    let rb = b.map { $0 > 0 ? $0 : slope * $0 }
                    var fused = c0, plain = c0
                    a.withUnsafeBufferPointer { ap in
                        b.withUnsafeBufferPointer { bp in
                            fused.withUnsafeMutableBufferPointer { cp in
                                GEMM.multiplyTransposedBRectified(m: m, n: n, k: k, a: ap.baseAddress!, lda: lda,
                                                                  b: bp.baseAddress!, ldb: ldb, slope: slope,
                                                                  c: cp.baseAddress!, ldc: ldc, accumulate: accumulate)
                            }
                        }
                        rb.withUnsafeBufferPointer { bp in
                            plain.withUnsafeMutableBufferPointer { cp in
                                GEMM.multiplyTransposedB(m: m, n: n, k: k, a: ap.baseAddress!, lda: lda,
                                                         b: bp.baseAddress!, ldb: ldb, c: cp.baseAddress!, ldc: ldc,
                                                         accumulate: accumulate)
                            }
                        }
                    }
                    XCTAssertEqual(fused.map(\.bitPattern), plain.map(\.bitPattern),
                                   "\(m)×\(k)·\(k)×\(n) slope \(slope) accumulate \(accumulate)")
                    // And the product itself (an independent Double oracle).
                    var worst = 0.0
                    for i in 0..<m {
                        for j in 0..<n {
                            var total = accumulate ? Double(c0[i * ldc + j]) : 0
                            for p in 0..<k { total += Double(a[i * lda + p]) * Double(rb[j * ldb + p]) }
                            worst = max(worst, abs(total - Double(fused[i * ldc + j])))
                        }
                    }
                    XCTAssertLessThan(worst, 1e-5 * Double(k).squareRoot() + 1e-6, "\(m)×\(k)·\(k)×\(n)")
                    // Padding columns of C are left alone.
                    for i in 0..<m where ldc > n { XCTAssertEqual(fused[i * ldc + n], c0[i * ldc + n]) }
                }
            }
        }
    }
}
