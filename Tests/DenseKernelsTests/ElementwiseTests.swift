import XCTest
@testable import DenseKernels

final class ElementwiseTests: XCTestCase {
    let sizes = [0, 1, 7, 8, 9, 16, 17, 31, 32, 33, 100]

    func testAxpyScaleHadamard() {
        var rng = TestRandom(seed: 21)
        for n in sizes {
            let x = rng.floats(n + 1), y0 = rng.floats(n + 1)
            var y = y0
            x.withUnsafeBufferPointer { xp in y.withUnsafeMutableBufferPointer { yp in
                Elementwise.axpy(count: n, alpha: 0.75, x: xp.baseAddress!, y: yp.baseAddress!)
            } }
            for i in 0..<n { XCTAssertEqual(y[i], y0[i] + 0.75 * x[i], accuracy: 1e-6) }
            XCTAssertEqual(y[n], y0[n], "axpy wrote past count")

            var s = x
            s.withUnsafeMutableBufferPointer { Elementwise.scale(count: n, alpha: -2, x: $0.baseAddress!) }
            for i in 0..<n { XCTAssertEqual(s[i], -2 * x[i]) }
            XCTAssertEqual(s[n], x[n])

            var h = [Float](repeating: 0, count: n + 1)
            x.withUnsafeBufferPointer { xp in y0.withUnsafeBufferPointer { yp in h.withUnsafeMutableBufferPointer { hp in
                Elementwise.hadamard(count: n, x: xp.baseAddress!, y: yp.baseAddress!, into: hp.baseAddress!)
                Elementwise.addHadamard(count: n, x: xp.baseAddress!, y: yp.baseAddress!, into: hp.baseAddress!)
            } } }
            for i in 0..<n { XCTAssertEqual(h[i], 2 * x[i] * y0[i], accuracy: 1e-6) }
            XCTAssertEqual(h[n], 0)
        }
    }

    func testReductions() {
        var rng = TestRandom(seed: 22)
        for n in sizes + [1000, 4099] {
            let x = rng.floats(max(n, 1)), y = rng.floats(max(n, 1))
            var dot = 0.0, sum = 0.0, ss = 0.0, absDot = 0.0
            for i in 0..<n {
                dot += Double(x[i]) * Double(y[i]); absDot += abs(Double(x[i]) * Double(y[i]))
                sum += Double(x[i]); ss += Double(x[i]) * Double(x[i])
            }
            x.withUnsafeBufferPointer { xp in y.withUnsafeBufferPointer { yp in
                let px = xp.baseAddress!, py = yp.baseAddress!
                XCTAssertEqual(Double(Elementwise.dot(count: n, x: px, y: py)), dot, accuracy: 1e-6 * (absDot + 1))
                XCTAssertEqual(Elementwise.dotDouble(count: n, x: px, y: py), dot, accuracy: 1e-12 * (absDot + 1))
                XCTAssertEqual(Elementwise.sum(count: n, x: px), sum, accuracy: 1e-12 * Double(n + 1))
                XCTAssertEqual(Elementwise.sumOfSquares(count: n, x: px), ss, accuracy: 1e-12 * (ss + 1))
            } }
        }
        let big: [Float] = [.greatestFiniteMagnitude, .greatestFiniteMagnitude]
        big.withUnsafeBufferPointer { p in
            // Double accumulation: no overflow where Float would give inf.
            XCTAssertTrue(Elementwise.sumOfSquares(count: 2, x: p.baseAddress!).isFinite)
        }
        let withNaN: [Float] = [1, .nan, 2]
        withNaN.withUnsafeBufferPointer { p in
            XCTAssertTrue(Elementwise.sumOfSquares(count: 3, x: p.baseAddress!).isNaN)
        }
    }

    func testColumnOps() {
        var rng = TestRandom(seed: 23)
        for (rows, cols) in [(1, 1), (3, 7), (5, 8), (4, 19), (40, 33), (0, 5), (6, 0)] {
            let ld = cols + 2
            let u = rng.floats(max(1, rows * ld)), h0 = rng.floats(max(1, rows * ld)), s = rng.floats(max(1, cols))
            var h = h0
            u.withUnsafeBufferPointer { up in s.withUnsafeBufferPointer { sp in h.withUnsafeMutableBufferPointer { hp in
                Elementwise.addScaledColumns(rows: rows, columns: cols, scales: sp.baseAddress!, u: up.baseAddress!, ldu: ld,
                                             h: hp.baseAddress!, ldh: ld)
            } } }
            for i in 0..<rows {
                for j in 0..<ld {
                    if j < cols {
                        XCTAssertEqual(h[i * ld + j], h0[i * ld + j] + s[j] * u[i * ld + j], accuracy: 1e-6)
                    } else {
                        XCTAssertEqual(h[i * ld + j], h0[i * ld + j], "padding modified")
                    }
                }
            }
            var norms = [Double](repeating: -1, count: max(1, cols))
            u.withUnsafeBufferPointer { up in norms.withUnsafeMutableBufferPointer { np in
                Elementwise.columnSquaredNorms(rows: rows, columns: cols, x: up.baseAddress!, ldx: ld, into: np.baseAddress!)
            } }
            for j in 0..<cols {
                var e = 0.0
                for i in 0..<rows { e += Double(u[i * ld + j]) * Double(u[i * ld + j]) }
                XCTAssertEqual(norms[j], e, accuracy: 1e-12 * (e + 1))
            }
        }
        let m = Matrix(rows: 2, columns: 3, elements: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(Elementwise.columnSquaredNorms(m), [17, 29, 45])
        XCTAssertEqual(Elementwise.columnSquaredNorms(Matrix.zeros(rows: 0, columns: 2)), [0, 0])
    }

    func testBenchmarkTableFormatting() {
        let row = KernelBenchmark.measure(shape: .init(m: 6, k: 4, n: 9), orientation: .transposedB,
                                          repetitions: 1, secondsPerRepetition: 1e-5)
        XCTAssertGreaterThan(row.gflops, 0)
        XCTAssertEqual(row.label, "6×4·4×9")
        let table = KernelBenchmark.formattedTable([row])
        XCTAssertTrue(table.contains("6×4·4×9"))
        XCTAssertTrue(table.contains("A·Bᵀ"))
        XCTAssertEqual(table.split(separator: "\n").count, 3)
        XCTAssertEqual(KernelBenchmark.format(3.14159, 2), "3.14")
        XCTAssertEqual(KernelBenchmark.format(-0.5, 1), "-0.5")
        XCTAssertEqual(KernelBenchmark.format(99.96, 1), "100.0")
        XCTAssertEqual(KernelBenchmark.standardShapes.count, 6)
        XCTAssertTrue(KernelBenchmark.standardShapes.contains(.init(m: 30, k: 128, n: 30)))  // the ∂V shape
    }
}
