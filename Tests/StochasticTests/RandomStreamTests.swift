import XCTest
@testable import Stochastic

final class RandomStreamTests: XCTestCase {
    func testSameSeedAndCoordinatesGiveIdenticalValues() {
        var a = RandomStream(seed: 42, 1, 2, 3)
        var b = RandomStream(seed: 42, coordinates: [1, 2, 3])
        XCTAssertEqual(a.normalFloats(count: 1000), b.normalFloats(count: 1000))
        XCTAssertEqual(a.uniformDoubles(count: 1001), b.uniformDoubles(count: 1001))
        XCTAssertEqual(a.nextUInt64(), b.nextUInt64())
    }

    func testDifferentCoordinatesOrSeedsGiveDifferentValues() {
        let reference = RandomStream(seed: 42, 1, 2, 3)
        let others = [RandomStream(seed: 42, 1, 2, 4), RandomStream(seed: 43, 1, 2, 3), RandomStream(seed: 42, 1, 2),
                      RandomStream(seed: 42, 1, 2, 3, 0), RandomStream(seed: 42, 3, 2, 1), RandomStream(seed: 42)]
        var r = reference
        let x = r.uniformFloats(count: 64)
        for var o in others {
            let y = o.uniformFloats(count: 64)
            XCTAssertNotEqual(x, y)
            XCTAssertLessThan(zip(x, y).filter { $0 == $1 }.count, 3)
        }
    }

    func testChildAppendsCoordinatesAndIgnoresPosition() {
        var parent = RandomStream(seed: 9, 5)
        let early = parent.child(7, 8)
        _ = parent.uniformFloats(count: 77)
        var late = parent.child(7).child(8)
        var direct = RandomStream(seed: 9, 5, 7, 8)
        var e = early
        let v = e.normalDoubles(count: 100)
        XCTAssertEqual(v, late.normalDoubles(count: 100))
        XCTAssertEqual(v, direct.normalDoubles(count: 100))
    }

    func testFillsContinueTheSequence() {
        let base = RandomStream(seed: 1, 2)
        for (first, second) in [(10, 20), (7, 33), (1, 100), (31, 1), (32, 64), (17, 300), (0, 5)] {
            let total = first + second
            var whole = base, split = base
            XCTAssertEqual(whole.uniformFloats(count: total, low: -2, high: 3),
                           split.uniformFloats(count: first, low: -2, high: 3) + split.uniformFloats(count: second, low: -2, high: 3))
            whole = base; split = base
            XCTAssertEqual(whole.uniformDoubles(count: total), split.uniformDoubles(count: first) + split.uniformDoubles(count: second))
            whole = base; split = base
            XCTAssertEqual(whole.normalFloats(count: total, mean: 1, standardDeviation: 2),
                           split.normalFloats(count: first, mean: 1, standardDeviation: 2) + split.normalFloats(count: second, mean: 1, standardDeviation: 2))
            whole = base; split = base
            XCTAssertEqual(whole.normalDoubles(count: total), split.normalDoubles(count: first) + split.normalDoubles(count: second))
            XCTAssertTrue(whole.hasSameState(as: split))
        }
    }

    func testScalarDrawsMatchFills() {
        let base = RandomStream(seed: 3)
        var s = base, f = base
        XCTAssertEqual((0..<100).map { _ in s.nextNormalFloat() }, f.normalFloats(count: 100))
        s = base; f = base
        XCTAssertEqual((0..<100).map { _ in s.nextNormal() }, f.normalDoubles(count: 100))
        s = base; f = base
        XCTAssertEqual((0..<100).map { _ in s.nextUniform() }, f.uniformDoubles(count: 100))
        s = base; f = base
        XCTAssertEqual((0..<100).map { _ in s.nextUniformFloat() }, f.uniformFloats(count: 100))
        s = base; f = base
        let words = (0..<64).map { _ in s.nextUInt32() }
        let pairs = (0..<32).map { _ in f.nextUInt64() }
        XCTAssertEqual(pairs, (0..<32).map { UInt64(words[2 * $0]) | UInt64(words[2 * $0 + 1]) << 32 })
    }

    /// Float fills in [low, high) are `low + (w >> 8)·2⁻²⁴·(high − low)` (one rounding, clamped
    /// below high), whichever internal form computes them: ranges whose width·2⁻²⁴ is normal
    /// multiply by it directly; tiny ranges do not.
    func testUniformFloatRangesMatchTheFormula() {
        let ranges: [(Float, Float)] = [(0, 1), (-0.3, 0.3), (-0.17320508, 0.17320508), (2, 2.5), (-1e-30, 1e-30),
                                        (0, 1e-35), (-5, 1e6), (1, 1.0000001)]
        for (low, high) in ranges {
            let base = RandomStream(seed: 9, 4)
            var words = base, fill = base
            let values = fill.uniformFloats(count: 75, low: low, high: high)
            for v in values {
                let u = Float(words.nextUInt32() >> 8) * 0x1p-24
                #if RESNET_FMA
                let expected = min(low.addingProduct(u, high - low), high.nextDown)
                #else
                let expected = min(low + u * (high - low), high.nextDown)
                #endif
                XCTAssertEqual(v.bitPattern, expected.bitPattern, "[\(low), \(high))")
            }
        }
    }

    func testPositionAccountingAndAlignment() {
        var s = RandomStream(seed: 5)
        _ = s.nextUInt32()
        XCTAssertEqual(s.position, 1)
        _ = s.nextUniform() // aligns to 2, consumes 2
        XCTAssertEqual(s.position, 4)
        _ = s.normalFloats(count: 5)
        XCTAssertEqual(s.position, 9)
        _ = s.normalDoubles(count: 3)
        XCTAssertEqual(s.position, 16)
        var t = RandomStream(seed: 5)
        t.skip(words: 16)
        XCTAssertEqual(s.nextUInt32(), t.nextUInt32())
        var u = RandomStream(seed: 5), w = RandomStream(seed: 5)
        u.skip(words: 1000)
        for _ in 0..<1000 { _ = w.nextUInt32() }
        XCTAssertEqual(u.uniformFloats(count: 50), w.uniformFloats(count: 50))
    }

    func testArrayAndBufferFormsAgree() {
        var a = RandomStream(seed: 11), b = RandomStream(seed: 11)
        var arr = [Float](repeating: 0, count: 333)
        a.fillNormal(&arr, mean: 0.5, standardDeviation: 0.1)
        let buf = UnsafeMutableBufferPointer<Float>.allocate(capacity: 333)
        defer { buf.deallocate() }
        b.fillNormal(buf, mean: 0.5, standardDeviation: 0.1)
        XCTAssertEqual(arr, Array(buf))
        var empty: [Double] = []
        a.fillUniform(&empty)
        XCTAssertTrue(a.hasSameState(as: b))
    }

    func testNextIntIsInRangeAndCoversIt() {
        var s = RandomStream(seed: 4)
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<7000 { counts[s.nextInt(below: 7)] += 1 }
        // Binomial(7000, 1/7): sd ≈ 29.3; 5 sd ≈ 147.
        for c in counts { XCTAssertLessThan(abs(c - 1000), 147) }
    }

    func testBenchmarkRunsAndFormats() {
        let rows = RandomBenchmark.run(bufferLength: 256, minimumSeconds: 0)
        XCTAssertEqual(rows.count, 6)
        XCTAssertTrue(rows.allSatisfy { $0.values > 0 && $0.valuesPerSecond > 0 })
        let table = RandomBenchmark.formattedTable(rows)
        XCTAssertTrue(table.contains("fillNormal Float"))
        XCTAssertEqual(table.split(separator: "\n").count, rows.count + 2)
    }
}
