import XCTest
@testable import Stochastic

/// The AVX-512 uniform fill gives the portable path's numbers bit for bit.
final class WideFillTests: XCTestCase {
    #if RESNET_FMA && arch(x86_64)
    /// Fills of many lengths, from positions inside and at the start of a 32-word group, on
    /// ranges of figure 2's weights and others: the AVX-512 fill against the portable loop,
    /// value by value, and the streams' positions and next words after the fill.
    func testWideFillMatchesThePortableFillBitForBit() throws {
        try XCTSkipUnless(WideFill.cpuSupports, "this CPU has no AVX-512: only the portable path runs here")
        let bound = Float((3.0 / 100.0).squareRoot())
        for (low, high) in [(-bound, bound), (0, 1), (-1, 1), (Float(2.5), Float(1e6))] {
            for (offset, count) in [(0, 10_000), (0, 32), (0, 31), (5, 1000), (31, 65), (17, 33), (0, 64 * 7 + 3), (1, 1)] {
                var wide = RandomStream(seed: 9, coordinates: [3, UInt64(offset)])
                var portable = wide
                wide.skip(words: UInt64(offset))
                portable.skip(words: UInt64(offset))
                var a = [Float](repeating: .nan, count: count), b = a
                a.withUnsafeMutableBufferPointer { buffer in
                    if let prescaled = PrescaledUniformFloatTransform(low: low, high: high) {
                        wide.fillWide(prescaled, buffer.baseAddress!, count: count)
                    } else {
                        wide.fillUniform(buffer, low: low, high: high)
                    }
                }
                b.withUnsafeMutableBufferPointer { portable.fillUniformPortable($0, low: low, high: high) }
                XCTAssertEqual(a.map(\.bitPattern), b.map(\.bitPattern), "range [\(low), \(high)), offset \(offset), count \(count)")
                XCTAssertEqual(wide.position, portable.position)
                XCTAssertEqual(wide.nextUInt32(), portable.nextUInt32(), "the generator state after the fill")
                XCTAssertTrue(a.allSatisfy { $0 >= low && $0 < high })
            }
        }
    }
    #endif
}
