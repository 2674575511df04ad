import XCTest
@testable import DenseKernels

final class MatrixTests: XCTestCase {
    func testBasics() {
        var m = Matrix(rows: 2, columns: 3, elements: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(m[1, 0], 4)
        XCTAssertEqual(m[0, 2], 3)
        m[1, 2] = 9
        XCTAssertEqual(m.elements, [1, 2, 3, 4, 5, 9])
        XCTAssertEqual(Matrix.zeros(rows: 2, columns: 2), Matrix(rows: 2, columns: 2, repeating: 0))
        XCTAssertNotEqual(Matrix.zeros(rows: 2, columns: 3), Matrix.zeros(rows: 3, columns: 2))
        XCTAssertEqual(m.transposed().transposed(), m)
        XCTAssertEqual(m.transposed()[2, 1], 9)
        XCTAssertEqual(Matrix.identity(3)[1, 1], 1)
        XCTAssertEqual(Matrix(rows: 2, columns: 2) { i, j in Float(10 * i + j) }.elements, [0, 1, 10, 11])
    }

    func testMatmulWrappers() {
        var rng = TestRandom(seed: 11)
        let a = Matrix(rows: 7, columns: 5, elements: rng.floats(35))
        let b = Matrix(rows: 5, columns: 9, elements: rng.floats(45))
        let c = a * b
        let ref = ReferenceKernels.multiply(a.elements.map(Double.init), b.elements.map(Double.init), m: 7, n: 9, k: 5)
        for i in 0..<63 { XCTAssertEqual(Double(c.elements[i]), ref[i], accuracy: 1e-5) }
        // Transposed variants agree with explicit transposes.
        let at = a.transposed(), bt = b.transposed()
        XCTAssertEqual(matmul(at, b, transposeA: true).elements.map { ($0 * 1e4).rounded() },
                       c.elements.map { ($0 * 1e4).rounded() })
        let viaBt = matmul(a, bt, transposeB: true)
        let viaBoth = matmul(at, bt, transposeA: true, transposeB: true)
        for i in 0..<63 {
            XCTAssertEqual(viaBt.elements[i], c.elements[i], accuracy: 1e-5)
            XCTAssertEqual(viaBoth.elements[i], c.elements[i], accuracy: 1e-5)
        }
        var acc = c
        matmul(a, b, into: &acc, accumulate: true)
        for i in 0..<63 { XCTAssertEqual(acc.elements[i], 2 * c.elements[i], accuracy: 1e-5) }
        // Matrix–vector wrappers.
        let x = rng.floats(5)
        let y = a * x
        let yref = ReferenceKernels.matvec(a.elements.map(Double.init), x.map(Double.init), m: 7, n: 5)
        for i in 0..<7 { XCTAssertEqual(Double(y[i]), yref[i], accuracy: 1e-5) }
        let z = rng.floats(7)
        let yt = a.transposedTimes(z)
        let ytref = ReferenceKernels.matvec(a.elements.map(Double.init), z.map(Double.init), m: 7, n: 5, transpose: true)
        for j in 0..<5 { XCTAssertEqual(Double(yt[j]), ytref[j], accuracy: 1e-5) }
    }

    func testEmptyMatmul() {
        let a = Matrix.zeros(rows: 3, columns: 0), b = Matrix.zeros(rows: 0, columns: 4)
        XCTAssertEqual(a * b, Matrix.zeros(rows: 3, columns: 4))
        XCTAssertEqual((b * Matrix.zeros(rows: 4, columns: 2)).rows, 0)
        var c = Matrix(rows: 3, columns: 4, repeating: 2)
        matmul(a, b, into: &c, accumulate: true)
        XCTAssertEqual(c, Matrix(rows: 3, columns: 4, repeating: 2))
        XCTAssertEqual(a * [Float](), [0, 0, 0])
    }

    func testReferenceKernelsAgreeAcrossOrientations() {
        // The generic reference: Float and Double, pointer and array forms, all orientations.
        var rng = TestRandom(seed: 5)
        let m = 4, n = 6, k = 5
        let a = rng.floats(m * k).map(Double.init), b = rng.floats(k * n).map(Double.init)
        let c = ReferenceKernels.multiply(a, b, m: m, n: n, k: k)
        // Transposed storage.
        var at = [Double](repeating: 0, count: k * m), bt = [Double](repeating: 0, count: n * k)
        for i in 0..<m { for p in 0..<k { at[p * m + i] = a[i * k + p] } }
        for p in 0..<k { for j in 0..<n { bt[j * k + p] = b[p * n + j] } }
        let c1 = ReferenceKernels.multiply(at, b, m: m, n: n, k: k, transposeA: true)
        let c2 = ReferenceKernels.multiply(a, bt, m: m, n: n, k: k, transposeB: true)
        var c3 = [Double](repeating: 1, count: m * n), c4 = c3, c5 = c3
        at.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { bp in c3.withUnsafeMutableBufferPointer { cp in
            ReferenceKernels.multiplyTransposedA(m: m, n: n, k: k, a: ap.baseAddress!, lda: m, b: bp.baseAddress!, ldb: n,
                                                 c: cp.baseAddress!, ldc: n)
        } } }
        a.withUnsafeBufferPointer { ap in bt.withUnsafeBufferPointer { bp in c4.withUnsafeMutableBufferPointer { cp in
            ReferenceKernels.multiplyTransposedB(m: m, n: n, k: k, a: ap.baseAddress!, lda: k, b: bp.baseAddress!, ldb: k,
                                                 c: cp.baseAddress!, ldc: n)
        } } }
        a.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { bp in c5.withUnsafeMutableBufferPointer { cp in
            ReferenceKernels.multiply(m: m, n: n, k: k, a: ap.baseAddress!, lda: k, b: bp.baseAddress!, ldb: n,
                                      c: cp.baseAddress!, ldc: n, accumulate: true)
        } } }
        for i in 0..<(m * n) {
            XCTAssertEqual(c1[i], c[i], accuracy: 1e-12)
            XCTAssertEqual(c2[i], c[i], accuracy: 1e-12)
            XCTAssertEqual(c3[i], c[i], accuracy: 1e-12)
            XCTAssertEqual(c4[i], c[i], accuracy: 1e-12)
            XCTAssertEqual(c5[i], c[i] + 1, accuracy: 1e-12)
        }
        // Matrix–vector reference, pointer forms, against the array forms.
        let x = rng.floats(k).map(Double.init), xt = rng.floats(m).map(Double.init)
        var y = [Double](repeating: 0, count: m), yt = [Double](repeating: 0, count: k)
        a.withUnsafeBufferPointer { ap in
            x.withUnsafeBufferPointer { xp in y.withUnsafeMutableBufferPointer { yp in
                ReferenceKernels.matvec(m: m, n: k, a: ap.baseAddress!, lda: k, x: xp.baseAddress!, y: yp.baseAddress!)
            } }
            xt.withUnsafeBufferPointer { xp in yt.withUnsafeMutableBufferPointer { yp in
                ReferenceKernels.matvecTransposed(m: m, n: k, a: ap.baseAddress!, lda: k, x: xp.baseAddress!, y: yp.baseAddress!)
            } }
        }
        XCTAssertEqual(y, ReferenceKernels.matvec(a, x, m: m, n: k))
        let ytRef = ReferenceKernels.matvec(a, xt, m: m, n: k, transpose: true)
        for j in 0..<k { XCTAssertEqual(yt[j], ytRef[j], accuracy: 1e-12) }
        // Float instantiation of the generic reference.
        let af = a.map(Float.init), bf = b.map(Float.init)
        let cf = ReferenceKernels.multiply(af, bf, m: m, n: n, k: k)
        for i in 0..<(m * n) { XCTAssertEqual(Double(cf[i]), c[i], accuracy: 1e-5) }
    }
}
