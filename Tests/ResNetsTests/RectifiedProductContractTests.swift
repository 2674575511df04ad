import XCTest
@testable import ResNets
import Stochastic

/// `NetworkScalar.gemmRectifiedTransposedB` keeps its contract in both precisions: the same
/// bits as σ(B) materialized (by the test, σ(x) = x > 0 ? x : slope·x) and multiplied with
/// `gemm(transposeB: true)`, with and without accumulation. In Double that is the reference
/// GEMM, which accumulates term by term into C (C + t₀ + t₁ + …), not C + Σ t.
final class RectifiedProductContractTests: XCTestCase {
    func check<T: NetworkScalar>(_: T.Type, m: Int, n: Int, k: Int, slope: T, accumulate: Bool,
                                 stream: inout RandomStream, file: StaticString = #filePath, line: UInt = #line) -> (fused: [T], sum: [T]) {
        let (lda, ldb, ldc) = (k + 1, k + 2, n + 3)
        var a = [T](repeating: 0, count: m * lda), b = [T](repeating: 0, count: n * ldb), c0 = [T](repeating: 0, count: m * ldc)
        a.withUnsafeMutableBufferPointer { T.fillUniform($0, low: -1, high: 1, from: &stream) }
        b.withUnsafeMutableBufferPointer { T.fillUniform($0, low: -1, high: 1, from: &stream) }
        c0.withUnsafeMutableBufferPointer { T.fillUniform($0, low: -1, high: 1, from: &stream) }
        let rectified = b.map { $0 > 0 ? $0 : slope * $0 }
        XCTAssertTrue(zip(b, rectified).contains { $0 != $1 } || slope == 1, "B has negative entries", file: file, line: line)
        var fused = c0, plain = c0
        var scratch = [T](repeating: .nan, count: n * k)
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                fused.withUnsafeMutableBufferPointer { cp in
                    scratch.withUnsafeMutableBufferPointer { sp in
                        T.gemmRectifiedTransposedB(m: m, n: n, k: k, a: ap.baseAddress!, lda: lda, b: bp.baseAddress!, ldb: ldb,
                                                   slope: slope, c: cp.baseAddress!, ldc: ldc, accumulate: accumulate,
                                                   scratch: sp.baseAddress!)
                    }
                }
            }
            rectified.withUnsafeBufferPointer { rp in
                plain.withUnsafeMutableBufferPointer { cp in
                    T.gemm(transposeA: false, transposeB: true, m: m, n: n, k: k, a: ap.baseAddress!, lda: lda,
                           b: rp.baseAddress!, ldb: ldb, c: cp.baseAddress!, ldc: ldc, accumulate: accumulate)
                }
            }
        }
        XCTAssertEqual(fused, plain, "\(T.self) \(m)×\(n)×\(k) slope \(slope) accumulate \(accumulate)", file: file, line: line)
        // C (+)= Σ_p (the sum formed first, then added): what the Double path computed before.
        var sum = c0
        for i in 0..<m {
            for j in 0..<n {
                var total: T = 0
                for p in 0..<k { total += a[i * lda + p] * rectified[j * ldb + p] }
                sum[i * ldc + j] = accumulate ? c0[i * ldc + j] + total : total
            }
        }
        return (fused, sum)
    }

    func testDoubleMatchesTheReferenceGEMMOnRectifiedB() {
        var stream = RandomStream(seed: 41)
        var differsFromSumThenAdd = false
        for (m, n, k) in [(1, 1, 5), (3, 4, 7), (30, 30, 64), (7, 1, 33)] {
            for slope in [0.0, 0.1] {
                for accumulate in [false, true] {
                    let (fused, sum) = check(Double.self, m: m, n: n, k: k, slope: slope, accumulate: accumulate, stream: &stream)
                    if accumulate {
                        differsFromSumThenAdd = differsFromSumThenAdd || fused != sum
                    } else {
                        // Without accumulation both orders are 0 + t₀ + t₁ + …: the same bits.
                        XCTAssertEqual(fused, sum, "\(m)×\(n)×\(k) slope \(slope)")
                    }
                }
            }
        }
        // The cases tell the two accumulation orders apart (the mismatch this contract excludes).
        XCTAssertTrue(differsFromSumThenAdd)
    }

    func testFloatMatchesTheBlockedGEMMOnRectifiedB() {
        var stream = RandomStream(seed: 42)
        // Matrix–vector, dot-product form and blocked shapes (training's 30×30 weight gradient).
        for (m, n, k) in [(1, 7, 40), (9, 1, 40), (30, 30, 256), (30, 30, 64), (13, 17, 9), (7, 129, 30)] {
            for slope: Float in [0, 0.1] {
                for accumulate in [false, true] {
                    _ = check(Float.self, m: m, n: n, k: k, slope: slope, accumulate: accumulate, stream: &stream)
                }
            }
        }
    }
}
