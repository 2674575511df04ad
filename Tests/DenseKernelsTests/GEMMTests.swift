import XCTest
import Dispatch
@testable import DenseKernels

final class GEMMTests: XCTestCase {
    /// Runs one product through `GEMM` with padded leading dimensions (padding filled
    /// with NaN, so any read of it shows up) and compares with the Double reference:
    /// max |C − C_ref| ≤ 1e-5·√k · max (|A|·|B|). Also checks that C's padding is untouched.
    /// With `forceDotForm`, `A·Bᵀ` calls the dot-product form directly (whatever the shape
    /// selection would pick; needs k ≥ 8).
    func check(_ o: Orientation, m: Int, n: Int, k: Int, padA: Int = 0, padB: Int = 0, padC: Int = 0,
               accumulate: Bool = false, seed: UInt64 = 1, forceDotForm: Bool = false,
               file: StaticString = #filePath, line: UInt = #line) {
        var rng = TestRandom(seed: seed &+ UInt64(m * 1_000_003 + n * 1009 + k))
        // Stored shapes.
        let (aRows, aCols) = o == .atb ? (k, m) : (m, k)
        let (bRows, bCols) = o == .abt ? (n, k) : (k, n)
        let lda = aCols + padA, ldb = bCols + padB, ldc = n + padC
        var a = [Float](repeating: .nan, count: max(1, aRows * lda))
        var b = [Float](repeating: .nan, count: max(1, bRows * ldb))
        var c = [Float](repeating: .nan, count: max(1, m * ldc))
        for i in 0..<aRows { for j in 0..<aCols { a[i * lda + j] = rng.float() } }
        for i in 0..<bRows { for j in 0..<bCols { b[i * ldb + j] = rng.float() } }
        let sentinel: Float = 12345
        for i in 0..<m { for j in 0..<ldc { c[i * ldc + j] = j < n ? (accumulate ? rng.float() : .nan) : sentinel } }
        let c0 = c
        // Reference in Double on dense copies: op(A) m×k, op(B) k×n.
        var opA = [Double](repeating: 0, count: m * k), opB = [Double](repeating: 0, count: k * n)
        for i in 0..<m { for p in 0..<k { opA[i * k + p] = Double(o == .atb ? a[p * lda + i] : a[i * lda + p]) } }
        for p in 0..<k { for j in 0..<n { opB[p * n + j] = Double(o == .abt ? b[j * ldb + p] : b[p * ldb + j]) } }
        var ref = [Double](repeating: 0, count: m * n)
        var bound = [Double](repeating: 0, count: m * n)
        let absA = opA.map { abs($0) }, absB = opB.map { abs($0) }
        if m > 0 && n > 0 {
            ref.withUnsafeMutableBufferPointer { r in
                opA.withUnsafeBufferPointer { pa in opB.withUnsafeBufferPointer { pb in
                    ReferenceKernels.multiply(m: m, n: n, k: k, a: pa.baseAddress!, lda: max(k, 1),
                                              b: pb.baseAddress!, ldb: n, c: r.baseAddress!, ldc: n)
                } }
            }
            bound.withUnsafeMutableBufferPointer { r in
                absA.withUnsafeBufferPointer { pa in absB.withUnsafeBufferPointer { pb in
                    ReferenceKernels.multiply(m: m, n: n, k: k, a: pa.baseAddress!, lda: max(k, 1),
                                              b: pb.baseAddress!, ldb: n, c: r.baseAddress!, ldc: n)
                } }
            }
        }
        a.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { bp in c.withUnsafeMutableBufferPointer { cp in
            let pa = ap.baseAddress!, pb = bp.baseAddress!, pc = cp.baseAddress!
            switch o {
            case .ab: GEMM.multiply(m: m, n: n, k: k, a: pa, lda: lda, b: pb, ldb: ldb, c: pc, ldc: ldc, accumulate: accumulate)
            case .atb: GEMM.multiplyTransposedA(m: m, n: n, k: k, a: pa, lda: lda, b: pb, ldb: ldb, c: pc, ldc: ldc, accumulate: accumulate)
            case .abt:
                if forceDotForm {
                    GEMM.dotProductTransposedB(m: m, n: n, k: k, a: pa, lda: lda, b: pb, ldb: ldb, c: pc, ldc: ldc,
                                               accumulate: accumulate)
                } else {
                    GEMM.multiplyTransposedB(m: m, n: n, k: k, a: pa, lda: lda, b: pb, ldb: ldb, c: pc, ldc: ldc,
                                             accumulate: accumulate)
                }
            }
        } } }
        let scale = max(bound.max() ?? 0, 1e-30)
        let tolerance = 1e-5 * Double(max(k, 1)).squareRoot() * scale + 1e-7
        var worst = 0.0
        for i in 0..<m {
            for j in 0..<ldc {
                let got = c[i * ldc + j]
                if j >= n {
                    XCTAssertEqual(got, sentinel, "\(o) \(m)×\(k)·\(k)×\(n): padding of C modified", file: file, line: line)
                    continue
                }
                let expected = ref[i * n + j] + (accumulate ? Double(c0[i * ldc + j]) : 0)
                let err = abs(Double(got) - expected)
                if !(err <= tolerance) { worst = max(worst, err.isNaN ? .infinity : err) }
            }
        }
        XCTAssertEqual(worst, 0, "\(o)\(forceDotForm ? " (dot form)" : "") m=\(m) n=\(n) k=\(k) pads=(\(padA),\(padB),\(padC)) acc=\(accumulate): "
                       + "max error beyond tolerance \(tolerance)", file: file, line: line)
    }

    static let edgeShapes: [(m: Int, n: Int, k: Int)] = [
        (1, 1, 1), (7, 5, 13), (2, 2, 1), (6, 16, 8), (6, 8, 3), (12, 32, 5), (13, 17, 9), (5, 23, 11),
        (7, 9, 300), (31, 33, 257), (3, 40, 513), (40, 1, 40), (1, 40, 40), (1, 1, 77), (2, 1, 9), (1, 2, 9),
        (25, 24, 7), (97, 19, 10), (100, 41, 3), (11, 15, 16), (23, 7, 260),
        // A training weight gradient per column block (d = 30, 64 columns): a partial strip of 14.
        (30, 30, 64), (30, 30, 67),
        // n > 64: A is packed into panels (smaller n reads A in place).
        (13, 70, 9), (7, 129, 300), (6, 72, 1), (20, 65, 33),
    ]

    func testAllOrientationsOnEdgeShapes() {
        for o in Orientation.allCases {
            for s in Self.edgeShapes {
                check(o, m: s.m, n: s.n, k: s.k)
                check(o, m: s.m, n: s.n, k: s.k, accumulate: true)
            }
        }
    }

    func testPaddedLeadingDimensions() {
        for o in Orientation.allCases {
            for s in Self.edgeShapes {
                check(o, m: s.m, n: s.n, k: s.k, padA: 3, padB: 5, padC: 2)
                check(o, m: s.m, n: s.n, k: s.k, padA: 1, padB: 8, padC: 7, accumulate: true)
            }
        }
    }

    func testRandomShapes() {
        var rng = TestRandom(seed: 42)
        for trial in 0..<60 {
            let m = rng.int(1...50), n = rng.int(1...70), k = rng.int(1...90)
            let o = Orientation.allCases[trial % 3]
            check(o, m: m, n: n, k: k, padA: rng.int(0...4), padB: rng.int(0...4), padC: rng.int(0...4),
                  accumulate: trial % 2 == 0, seed: UInt64(trial))
        }
    }

    func testLargeKIsBlocked() {
        // k > 256 exercises K blocking (several blocks, the later ones accumulating).
        for o in Orientation.allCases {
            check(o, m: 30, n: 40, k: 784)
            check(o, m: 14, n: 20, k: 600, padA: 2, padB: 2, padC: 2, accumulate: true)
        }
    }

    func testLargeMIsBlocked() {
        // m > 96 exercises row blocking of the packed A.
        for o in Orientation.allCases {
            check(o, m: 200, n: 21, k: 17)
            check(o, m: 103, n: 9, k: 40, padC: 1, accumulate: true)
            check(o, m: 200, n: 100, k: 17, padA: 1)
            check(o, m: 103, n: 85, k: 270, padB: 3, padC: 1, accumulate: true)
        }
    }

    func testEmptyShapes() {
        for o in Orientation.allCases {
            check(o, m: 0, n: 5, k: 3)
            check(o, m: 5, n: 0, k: 3)
            check(o, m: 0, n: 0, k: 0)
            check(o, m: 4, n: 6, k: 0)               // C = 0
            check(o, m: 4, n: 6, k: 0, accumulate: true)  // C unchanged
            check(o, m: 3, n: 1, k: 0, padC: 2)
        }
        var c: [Float] = [1, 2, 3, 4]
        let dummy: [Float] = [0]
        dummy.withUnsafeBufferPointer { d in c.withUnsafeMutableBufferPointer { cp in
            GEMM.multiply(m: 2, n: 2, k: 0, a: d.baseAddress!, lda: 0, b: d.baseAddress!, ldb: 2,
                          c: cp.baseAddress!, ldc: 2)
        } }
        XCTAssertEqual(c, [0, 0, 0, 0])
    }

    func testMatrixVectorPaths() {
        // n == 1 and m == 1 take the matrix-vector path, with strided x / y where needed.
        for o in Orientation.allCases {
            for size in [1, 3, 7, 8, 9, 15, 16, 31, 32, 33, 40, 65, 130] {
                check(o, m: size, n: 1, k: 37)
                check(o, m: size, n: 1, k: size, padA: 1, padB: 2, padC: 3, accumulate: true)
                check(o, m: 1, n: size, k: 29, padA: 2, padB: 1, padC: 1)
                check(o, m: 1, n: size, k: size, padA: 3, accumulate: true)
            }
        }
    }

    func testPublicMatvec() {
        var rng = TestRandom(seed: 7)
        for (m, n) in [(1, 1), (8, 8), (40, 40), (13, 29), (33, 7), (0, 4), (4, 0), (70, 45)] {
            let lda = n + 3
            let a = rng.floats(max(1, m * lda)), x = rng.floats(max(1, n)), xt = rng.floats(max(1, m))
            var y = rng.floats(max(1, m)), yt = rng.floats(max(1, n))
            let y0 = y, yt0 = yt
            for accumulate in [false, true] {
                y = y0; yt = yt0
                a.withUnsafeBufferPointer { ap in
                    x.withUnsafeBufferPointer { xp in y.withUnsafeMutableBufferPointer { yp in
                        GEMM.matvec(m: m, n: n, a: ap.baseAddress!, lda: lda, x: xp.baseAddress!, y: yp.baseAddress!,
                                    accumulate: accumulate)
                    } }
                    xt.withUnsafeBufferPointer { xp in yt.withUnsafeMutableBufferPointer { yp in
                        GEMM.matvecTransposed(m: m, n: n, a: ap.baseAddress!, lda: lda, x: xp.baseAddress!,
                                              y: yp.baseAddress!, accumulate: accumulate)
                    } }
                }
                for i in 0..<m {
                    var s = accumulate ? Double(y0[i]) : 0, bound = 0.0
                    for j in 0..<n { s += Double(a[i * lda + j]) * Double(x[j]); bound += abs(Double(a[i * lda + j] * x[j])) }
                    XCTAssertEqual(Double(y[i]), s, accuracy: 1e-5 * (bound + 1), "matvec \(m)×\(n) row \(i)")
                }
                for j in 0..<n {
                    var s = accumulate ? Double(yt0[j]) : 0, bound = 0.0
                    for i in 0..<m { s += Double(a[i * lda + j]) * Double(xt[i]); bound += abs(Double(a[i * lda + j] * xt[i])) }
                    XCTAssertEqual(Double(yt[j]), s, accuracy: 1e-5 * (bound + 1), "matvecTransposed \(m)×\(n) col \(j)")
                }
            }
        }
    }

    func testStridedMatvec() {
        var rng = TestRandom(seed: 9)
        let m = 11, n = 19
        let a = rng.floats(m * n), x = rng.floats(3 * n)
        var y = [Float](repeating: 5, count: 2 * m)
        a.withUnsafeBufferPointer { ap in x.withUnsafeBufferPointer { xp in y.withUnsafeMutableBufferPointer { yp in
            GEMM.matvec(m: m, n: n, a: ap.baseAddress!, lda: n, x: xp.baseAddress!, incx: 3, y: yp.baseAddress!, incy: 2)
        } } }
        for i in 0..<m {
            var s = 0.0
            for j in 0..<n { s += Double(a[i * n + j]) * Double(x[3 * j]) }
            XCTAssertEqual(Double(y[2 * i]), s, accuracy: 1e-5)
            XCTAssertEqual(y[2 * i + 1], 5)
        }
    }

    func testBothTransposed() {
        var rng = TestRandom(seed: 3)
        let m = 9, n = 14, k = 11
        let a = rng.floats(k * m), b = rng.floats(n * k)   // A stored k×m, B stored n×k
        var c = [Float](repeating: 0, count: m * n)
        a.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { bp in c.withUnsafeMutableBufferPointer { cp in
            GEMM.multiply(transposeA: true, transposeB: true, m: m, n: n, k: k, a: ap.baseAddress!, lda: m,
                          b: bp.baseAddress!, ldb: k, c: cp.baseAddress!, ldc: n)
        } } }
        for i in 0..<m { for j in 0..<n {
            var s = 0.0
            for p in 0..<k { s += Double(a[p * m + i]) * Double(b[j * k + p]) }
            XCTAssertEqual(Double(c[i * n + j]), s, accuracy: 1e-5)
        } }
    }

    func testTranspose8x8Helper() {
        let src = (0..<(8 * 11)).map { Float($0) }
        var dst = [Float](repeating: -1, count: 8 * 10)
        src.withUnsafeBufferPointer { s in dst.withUnsafeMutableBufferPointer { d in
            transpose8x8(s.baseAddress!, 11, d.baseAddress!, 10)
        } }
        for r in 0..<8 { for c in 0..<8 { XCTAssertEqual(dst[c * 10 + r], src[r * 11 + c]) } }
        for c in 0..<8 { XCTAssertEqual(dst[c * 10 + 8], -1); XCTAssertEqual(dst[c * 10 + 9], -1) }
    }

    func testNonFiniteValuesPropagate() {
        // inf/NaN are data: they must flow through, not crash.
        var a = [Float](repeating: 1, count: 12 * 20), b = [Float](repeating: 1, count: 20 * 18)
        a[5] = .infinity
        b[3 * 18 + 4] = .nan
        var c = [Float](repeating: 0, count: 12 * 18)
        a.withUnsafeMutableBufferPointer { ap in b.withUnsafeMutableBufferPointer { bp in c.withUnsafeMutableBufferPointer { cp in
            GEMM.multiply(m: 12, n: 18, k: 20, a: ap.baseAddress!, lda: 20, b: bp.baseAddress!, ldb: 18, c: cp.baseAddress!, ldc: 18)
        } } }
        XCTAssertEqual(c[0], .infinity)
        XCTAssertTrue(c[4].isNaN)
        XCTAssertEqual(c[18 + 1], 20)
    }

    // MARK: - Dot-product form of A·Bᵀ

    func testDotProductFormIsChosenForWeightGradientShapes() {
        XCTAssertTrue(GEMM.useDotProductForm(m: 30, n: 30, k: 128))    // training ∂V = S·Uᵀ
        XCTAssertTrue(GEMM.useDotProductForm(m: 40, n: 40, k: 700))
        XCTAssertFalse(GEMM.useDotProductForm(m: 40, n: 40, k: 132))   // blocked path measured faster
        XCTAssertFalse(GEMM.useDotProductForm(m: 64, n: 64, k: 64))
        XCTAssertFalse(GEMM.useDotProductForm(m: 30, n: 30, k: 8))
        XCTAssertFalse(GEMM.useDotProductForm(m: 100, n: 30, k: 700))
    }

    func testDotProductFormThroughThePublicEntryPoint() {
        // Shapes the selection sends to the dot-product form: every remainder of m mod 6
        // (r×2 / r×1 kernels), odd n and n mod 8 ≠ 0 (padding columns of the panel),
        // k multiple of 8 or not (overlapped masked tail).
        let shapes: [(m: Int, n: Int, k: Int)] = [
            (30, 30, 128), (40, 40, 700), (1, 2, 96), (2, 3, 100), (3, 5, 127), (4, 7, 129), (5, 9, 130),
            (7, 30, 131), (11, 47, 97), (13, 17, 256), (64, 45, 263), (6, 8, 256), (2, 16, 257), (1, 48, 300),
        ]
        for s in shapes {
            XCTAssertTrue(GEMM.useDotProductForm(m: s.m, n: s.n, k: s.k), "\(s)")
            check(.abt, m: s.m, n: s.n, k: s.k)
            check(.abt, m: s.m, n: s.n, k: s.k, accumulate: true)
            check(.abt, m: s.m, n: s.n, k: s.k, padA: 3, padB: 5, padC: 2)
            check(.abt, m: s.m, n: s.n, k: s.k, padA: 8, padB: 1, padC: 9, accumulate: true)
        }
    }

    func testDotProductFormAllTilesAndTails() {
        // Called directly: all 12 kernels (rows 1...6 × cols 1...2) and every k mod 8,
        // including the smallest k (8 ... 17) where the tail overlaps most.
        for m in 1...13 {
            for n in [1, 2, 3, 8, 9, 17] {
                for k in [8, 9, 12, 15, 16, 17, 23, 40] {
                    check(.abt, m: m, n: n, k: k, padA: (m + k) % 3, padB: n % 4, padC: m % 2,
                          accumulate: (m + n + k) % 2 == 0, seed: UInt64(m * 100 + n), forceDotForm: true)
                }
            }
        }
        check(.abt, m: 70, n: 65, k: 33, forceDotForm: true)        // several groups of 8 columns
        check(.abt, m: 100, n: 130, k: 1001, padC: 3, accumulate: true, forceDotForm: true)
    }

    func testDotProductFormNonFiniteValues() {
        // k = 100: the last 8 values (92..<100) are re-read with lanes 92..<96 masked. An
        // infinity in a masked lane must not become 0·∞ = NaN; NaN must propagate.
        let m = 7, n = 5, k = 100
        var a = [Float](repeating: 0.5, count: m * k), b = [Float](repeating: 1, count: n * k)
        a[0 * k + 93] = .infinity          // row 0: +∞ in an overlapped, masked lane
        a[1 * k + 97] = -.infinity         // row 1: −∞ in the tail
        a[2 * k + 10] = .nan               // row 2: NaN in the body
        b[3 * k + 94] = .nan               // column 3: NaN in a masked lane
        var c = [Float](repeating: 7, count: m * n)
        a.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { bp in c.withUnsafeMutableBufferPointer { cp in
            GEMM.dotProductTransposedB(m: m, n: n, k: k, a: ap.baseAddress!, lda: k, b: bp.baseAddress!, ldb: k,
                                       c: cp.baseAddress!, ldc: n, accumulate: false)
        } } }
        for j in 0..<n {
            if j == 3 {
                for i in 0..<m { XCTAssertTrue(c[i * n + j].isNaN, "C[\(i), 3]") }
                continue
            }
            XCTAssertEqual(c[0 * n + j], .infinity, "C[0, \(j)]")
            XCTAssertEqual(c[1 * n + j], -.infinity, "C[1, \(j)]")
            XCTAssertTrue(c[2 * n + j].isNaN, "C[2, \(j)]")
            for i in 3..<m { XCTAssertEqual(c[i * n + j], 50, "C[\(i), \(j)]") }
        }
        // The same through the public entry point (k = 256 selects the dot-product form).
        let k2 = 256
        var a2 = [Float](repeating: 1, count: 3 * k2), b2 = [Float](repeating: 1, count: 2 * k2)
        a2[k2 + 255] = .infinity
        b2[k2 + 3] = .nan
        var c2 = [Float](repeating: 0, count: 3 * 2)
        XCTAssertTrue(GEMM.useDotProductForm(m: 3, n: 2, k: k2))
        a2.withUnsafeBufferPointer { ap in b2.withUnsafeBufferPointer { bp in c2.withUnsafeMutableBufferPointer { cp in
            GEMM.multiplyTransposedB(m: 3, n: 2, k: k2, a: ap.baseAddress!, lda: k2, b: bp.baseAddress!, ldb: k2,
                                     c: cp.baseAddress!, ldc: 2)
        } } }
        XCTAssertEqual(c2[0], 256)
        XCTAssertTrue(c2[1].isNaN)
        XCTAssertEqual(c2[2], .infinity)
        XCTAssertTrue(c2[3].isNaN)
        XCTAssertEqual(c2[4], 256)
    }

    func testDotProductFormEmptyAndDegenerateShapes() {
        // Empty shapes never reach the kernels; k == 0 clears C (or leaves it when accumulating).
        for (m, n, k) in [(0, 30, 128), (30, 0, 128), (0, 0, 256)] {
            check(.abt, m: m, n: n, k: k)
            check(.abt, m: m, n: n, k: k, accumulate: true)
        }
        check(.abt, m: 30, n: 30, k: 0)
        check(.abt, m: 30, n: 30, k: 0, accumulate: true)
        check(.abt, m: 30, n: 1, k: 128)   // matrix–vector paths keep priority
        check(.abt, m: 1, n: 30, k: 128)
    }

    func testScratchIsPerThreadAndGrows() {
        // Concurrent products on several threads (each thread owns its scratch) and a
        // product larger than the initial scratch block.
        let results = UnsafeMutableBufferPointer<Bool>.allocate(capacity: 8)
        results.initialize(repeating: false)
        defer { results.deallocate() }
        DispatchQueue.concurrentPerform(iterations: 8) { t in
            var ok = true
            let m = 20 + t, n = 30 + t, k = 300
            var rng = TestRandom(seed: UInt64(t))
            let a = rng.floats(m * k), b = rng.floats(n * k)
            var c = [Float](repeating: 0, count: m * n)
            for _ in 0..<20 {
                a.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { bp in c.withUnsafeMutableBufferPointer { cp in
                    GEMM.multiplyTransposedB(m: m, n: n, k: k, a: ap.baseAddress!, lda: k, b: bp.baseAddress!, ldb: k,
                                             c: cp.baseAddress!, ldc: n)
                } } }
                for i in 0..<m { for j in 0..<n {
                    var s = 0.0
                    for p in 0..<k { s += Double(a[i * k + p]) * Double(b[j * k + p]) }
                    if abs(Double(c[i * n + j]) - s) > 1e-4 { ok = false }
                } }
            }
            results[t] = ok
        }
        XCTAssertEqual(Array(results), Array(repeating: true, count: 8))
        GEMM.withScratch(floats: 100_000) { p in
            p[0] = 1; p[99_999] = 2
            XCTAssertEqual(p[0] + p[99_999], 3)
            XCTAssertEqual(Int(bitPattern: p) & 63, 0, "scratch is 64-byte aligned")
        }
        check(.abt, m: 64, n: 47, k: 2000, forceDotForm: true)
    }
}
