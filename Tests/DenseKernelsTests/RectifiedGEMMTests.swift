import XCTest
@testable import DenseKernels

/// `multiplyTransposedBRectified` computes C (+)= A·σ(B)ᵀ, σ(x) = x > 0 ? x : slope·x, checked
/// against an independent oracle: a Double triple loop that applies σ itself, within the
/// forward error bound of a Float sum of k + 1 terms. Every shape class is covered: the ones
/// that materialize σ(B) (matrix–vector, m = 1 or n = 1, and the dot-product form) and the
/// blocked ones that rectify while packing (full and partial strips), the latter also through
/// `GEMM.blocked` directly on the AVX2 kernels and, where the CPU has it, the AVX-512 6×32 path.
final class RectifiedGEMMTests: XCTestCase {
    /// One product: the operands (B with negative entries in every row, so σ(B) ≠ B) and C's
    /// initial value, padded leading dimensions.
    struct Case {
        let m, n, k, lda, ldb, ldc: Int
        let slope: Float, accumulate: Bool
        let a, b, c0: [Float]

        init(m: Int, n: Int, k: Int, slope: Float, accumulate: Bool, rng: inout TestRandom) {
            (self.m, self.n, self.k, self.slope, self.accumulate) = (m, n, k, slope, accumulate)
            (lda, ldb, ldc) = (k + 2, k + 3, n + 1)
            a = rng.floats(m * lda)
            var b = rng.floats(n * ldb)
            for j in 0..<n { b[j * ldb] = -abs(b[j * ldb]) - 0.25 }
            self.b = b
            c0 = rng.floats(m * ldc)
        }

        var label: String { "\(m)×\(k)·(\(n)×\(k))ᵀ slope \(slope) accumulate \(accumulate)" }

        /// The oracle: C[i, j] (+)= Σ_p A[i, p]·f(B[j, p]) in Double, with the bound
        /// (k + 2)·ε_Float·(|C0[i, j]| + Σ_p |A[i, p]·f(B[j, p])|) on a Float evaluation's error
        /// (γ_{k+1} for a sum of k + 1 terms in any order, with or without FMA).
        func reference(_ f: (Float) -> Float) -> (value: [Double], bound: [Double]) {
            var value = [Double](repeating: 0, count: m * n), bound = value
            for i in 0..<m {
                for j in 0..<n {
                    var total = accumulate ? Double(c0[i * ldc + j]) : 0
                    var magnitude = abs(total)
                    for p in 0..<k {
                        let term = Double(a[i * lda + p]) * Double(f(b[j * ldb + p]))
                        total += term
                        magnitude += abs(term)
                    }
                    value[i * n + j] = total
                    bound[i * n + j] = Double(k + 2) * Double(Float.ulpOfOne) * magnitude
                }
            }
            return (value, bound)
        }

        /// The largest |C[i, j] − value[i, j]| / bound[i, j] (≤ 1: within the error bound).
        func worstRatio(_ c: [Float], _ reference: (value: [Double], bound: [Double])) -> Double {
            var worst = 0.0
            for i in 0..<m {
                for j in 0..<n {
                    let error = abs(Double(c[i * ldc + j]) - reference.value[i * n + j])
                    worst = max(worst, error / max(reference.bound[i * n + j], .leastNormalMagnitude))
                }
            }
            return worst
        }
    }

    enum Path: CaseIterable { case entryPoint, blockedAVX2, blockedAVX512 }

    /// C from `multiplyTransposedBRectified` (its own choice of path, scratch given or not) or
    /// from `GEMM.blocked` on the AVX2 or the AVX-512 kernels.
    func product(_ t: Case, path: Path, withScratch: Bool = false) -> [Float] {
        var c = t.c0
        var scratch = [Float](repeating: .nan, count: t.n * t.k)
        t.a.withUnsafeBufferPointer { ap in
            t.b.withUnsafeBufferPointer { bp in
                c.withUnsafeMutableBufferPointer { cp in
                    scratch.withUnsafeMutableBufferPointer { sp in
                        switch path {
                        case .entryPoint:
                            GEMM.multiplyTransposedBRectified(m: t.m, n: t.n, k: t.k, a: ap.baseAddress!, lda: t.lda,
                                                              b: bp.baseAddress!, ldb: t.ldb, slope: t.slope,
                                                              c: cp.baseAddress!, ldc: t.ldc, accumulate: t.accumulate,
                                                              scratch: withScratch ? sp.baseAddress! : nil)
                        case .blockedAVX2, .blockedAVX512:
                            GEMM.blocked(transA: false, transB: true, m: t.m, n: t.n, k: t.k, a: ap.baseAddress!, lda: t.lda,
                                         b: bp.baseAddress!, ldb: t.ldb, c: cp.baseAddress!, ldc: t.ldc,
                                         accumulate: t.accumulate, rectifyB: t.slope, wide: path == .blockedAVX512)
                        }
                    }
                }
            }
        }
        return c
    }

    /// The shapes that materialize σ(B): m = 1 or n = 1 (matrix–vector) and the dot-product form.
    static let materializingShapes: [(m: Int, n: Int, k: Int)] = [
        (1, 1, 1), (1, 1, 77), (40, 1, 40), (1, 40, 40), (2, 1, 9), (1, 2, 9),
        (7, 9, 300), (30, 30, 256), (12, 30, 128), (40, 40, 700), (5, 7, 96),
    ]

    /// The shapes that rectify while packing: full 16-column strips, partial strips (n mod 16
    /// ≠ 0, fewer than 8 rows of B left in a group), 25–32-column strips (the AVX-512 6×32
    /// path: training's 30×30 weight gradients), row panels of fewer than 6 rows, several K
    /// blocks, A packed (n > 64).
    static let blockedShapes: [(m: Int, n: Int, k: Int)] = [
        (2, 2, 1), (6, 16, 8), (6, 8, 3), (7, 5, 13), (13, 17, 9), (5, 23, 11), (12, 32, 5), (25, 24, 7),
        (30, 30, 64), (30, 30, 67), (12, 25, 17), (31, 57, 9), (5, 26, 90), (31, 33, 90), (3, 40, 95),
        (13, 70, 9), (7, 129, 300), (20, 65, 33), (40, 64, 40), (40, 56, 300),
    ]

    func testShapeClassesTakeTheirPaths() {
        for s in Self.materializingShapes {
            XCTAssertTrue(s.m == 1 || s.n == 1 || GEMM.useDotProductForm(m: s.m, n: s.n, k: s.k), "\(s)")
        }
        for s in Self.blockedShapes {
            XCTAssertFalse(s.m == 1 || s.n == 1 || GEMM.useDotProductForm(m: s.m, n: s.n, k: s.k), "\(s)")
        }
        XCTAssertTrue(Self.blockedShapes.contains { $0.n % 16 != 0 && $0.n % 32 >= 25 }, "a 25–32-column strip")
        XCTAssertTrue(Self.blockedShapes.contains { $0.n % 16 != 0 && $0.n % 16 < 8 }, "a partial strip")
    }

    func testMatchesTheDoubleOracleOnEveryShapeClassAndPath() {
        var rng = TestRandom(seed: 7)
        let wideAvailable = WideKernels.cpuSupports
        var wideCases = 0
        for (shapes, blocked) in [(Self.materializingShapes, false), (Self.blockedShapes, true)] {
            for (m, n, k) in shapes {
                for slope: Float in [0, 0.1] {
                    for accumulate in [false, true] {
                        let t = Case(m: m, n: n, k: k, slope: slope, accumulate: accumulate, rng: &rng)
                        let oracle = t.reference { $0 > 0 ? $0 : slope * $0 }
                        var results: [(String, [Float])] = [("entry point", product(t, path: .entryPoint)),
                                                            ("entry point with scratch", product(t, path: .entryPoint, withScratch: true))]
                        if blocked {
                            results.append(("blocked AVX2", product(t, path: .blockedAVX2)))
                            if wideAvailable {
                                results.append(("blocked AVX-512", product(t, path: .blockedAVX512)))
                                wideCases += 1
                            }
                        }
                        for (name, c) in results {
                            XCTAssertLessThanOrEqual(t.worstRatio(c, oracle), 1, "\(name): \(t.label)")
                            // Padding columns of C are left alone.
                            for i in 0..<m { XCTAssertEqual(c[i * t.ldc + n].bitPattern, t.c0[i * t.ldc + n].bitPattern, "\(name): \(t.label)") }
                        }
                        // This oracle tells σ apart: a kernel that multiplied by B itself, or by the
                        // other slope's σ, would be outside the bound somewhere.
                        let identity = t.reference { $0 }
                        let otherSlope: Float = slope == 0 ? 0.1 : 0
                        let wrongSlope = t.reference { $0 > 0 ? $0 : otherSlope * $0 }
                        XCTAssertGreaterThan(t.worstRatio(results[0].1, identity), 1, "B instead of σ(B) undetected: \(t.label)")
                        XCTAssertGreaterThan(t.worstRatio(results[0].1, wrongSlope), 1, "slope \(otherSlope) undetected: \(t.label)")
                        // The paths agree bit for bit (σ while packing = σ materialized, AVX-512 = AVX2).
                        for (name, c) in results.dropFirst() {
                            XCTAssertEqual(c.map(\.bitPattern), results[0].1.map(\.bitPattern), "\(name): \(t.label)")
                        }
                    }
                }
            }
        }
        if wideAvailable { XCTAssertGreaterThan(wideCases, 0) }
    }

    /// The oracle check itself fails a kernel that ignores σ: `multiplyTransposedB` on B (not σ(B)).
    func testTheOracleRejectsAProductWithoutSigma() {
        var rng = TestRandom(seed: 11)
        for (m, n, k) in [(1, 1, 1), (30, 30, 64), (12, 30, 128), (1, 40, 40)] {
            let t = Case(m: m, n: n, k: k, slope: 0, accumulate: false, rng: &rng)
            var c = t.c0
            t.a.withUnsafeBufferPointer { ap in
                t.b.withUnsafeBufferPointer { bp in
                    c.withUnsafeMutableBufferPointer { cp in
                        GEMM.multiplyTransposedB(m: m, n: n, k: k, a: ap.baseAddress!, lda: t.lda, b: bp.baseAddress!, ldb: t.ldb,
                                                 c: cp.baseAddress!, ldc: t.ldc, accumulate: false)
                    }
                }
            }
            XCTAssertGreaterThan(t.worstRatio(c, t.reference { max(0, $0) }), 1, t.label)
            XCTAssertLessThanOrEqual(t.worstRatio(c, t.reference { $0 }), 1, t.label)
        }
    }
}
